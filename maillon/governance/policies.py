"""Who may see the governance of a CPTS (elections, mandates, general assemblies, founding
documents) and take which step — the one place that says it; the pages
(maillon/www/governance_views/) ask here.

- Any role in the CPTS reads its elections (candidates, results once closed), its bodies and
  mandates, its general assemblies (with the members present) and its founding documents
  (downloads are journaled).
- A member votes in an election of their collège, through their own active adhesion there
  (whether the ballot is open now is the election's say: `accepts_votes_now`).
- The coordinators run the governance: prepare elections, add candidates, open and close the
  ballot, create the mandates of the elected; record and end mandates; create and edit general
  assemblies and tick who is present; add founding documents and their versions.
- Platform admins (superusers), least access: candidates, mandates and attendance name
  members, and the documents are the association's own, so without a role in the CPTS they
  see none of it and take no step (they used to, through `www.space`'s superuser clause).
- Territorial roles (authority, observer, SAS regulator) have nothing here.

The callers answer 404 (as for a missing object) when the user may not see the object or the
list, and 403 when they see it but may not take the action. Whether the object's state allows
the step is the workflow's say (`Election.workflow.can(election, "open")`).
"""

from maillon.core.policies import has_cpts_role, is_coordinator
from maillon.members.models import MembershipStatus

from .models import Election

# --- The governance pages --------------------------------------------------------------


def can_see_governance(user, cpts) -> bool:
    """Elections, bodies and mandates, general assemblies, founding documents: any role in the CPTS."""
    return has_cpts_role(user, cpts)


def can_manage_governance(user, cpts) -> bool:
    """Prepare an election, record or end a mandate, create an assembly, add a founding
    document or a version: the coordinators."""
    return is_coordinator(user, cpts)


# --- Elections -------------------------------------------------------------------------


def visible_elections(user, cpts, elections=None):
    """The elections of the CPTS this user may see: all of them with a role there, none otherwise."""
    if elections is None:
        elections = Election.objects.for_cpts(cpts)
    return elections if has_cpts_role(user, cpts) else elections.none()


def can_see_election(user, election) -> bool:
    return has_cpts_role(user, election.cpts_id)


def can_vote(user, election) -> bool:
    """A role in the CPTS and an active adhesion of one's own in the election's collège."""
    if not has_cpts_role(user, election.cpts_id):
        return False
    return election.eligible_memberships().filter(status=MembershipStatus.ACTIVE, professional__user=user).exists()


def can_run_election(user, election) -> bool:
    """Add candidates, open and close the ballot, create the mandates of the elected, see who
    already holds one: the coordinators."""
    return is_coordinator(user, election.cpts_id)


# --- Mandates, assemblies, documents ---------------------------------------------------


def can_manage_mandates(user, cpts) -> bool:
    return is_coordinator(user, cpts)


def can_see_assembly(user, assembly) -> bool:
    """The assembly with its agenda, minutes and the members present: any role in the CPTS."""
    return has_cpts_role(user, assembly.cpts_id)


def can_manage_assembly(user, assembly) -> bool:
    """Edit the assembly, tick who is present: the coordinators."""
    return is_coordinator(user, assembly.cpts_id)


def can_download_version(user, version) -> bool:
    """A version of a founding document (served by the application, journaled): any role in its CPTS."""
    return has_cpts_role(user, version.document.cpts_id)
