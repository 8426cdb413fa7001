"""Who may see what of the care pathways — the one place that says it; the pages
(maillon/www/pathways_views/), the API (maillon/api/pathways.py) and FHIR ask here.

Least access to health data:
- the coordinators of the CPTS see every inclusion and manage the programmes;
- a member sees the inclusions they lead or whose care team they belong to today (an
  adherent of the team whose period is over no longer sees the patient), and includes
  patients (they become the lead or name one);
- any role in the CPTS reads its programmes (to include a patient);
- the care tasks follow the patient: whoever sees the inclusion sees its tasks and records
  one done; each member's list holds the open tasks given to them; the breaks board shows
  the coordinators every break, a member those of the patients they lead, and the lead or a
  coordinator resolves one;
- nobody else, a platform admin included: 404 as for a missing inclusion.
"""

from django.db.models import Q
from django.utils import timezone

from maillon.core.policies import cpts_role, is_coordinator

from .models import BreakStatus, CareBreak, CareTask, CareTaskStatus, CareTeamMember, Inclusion, Programme


def by_role(user, cpts, rows, members_rows):
    """`rows` for the coordinators, those `members_rows()` (a Q) picks for a member, none
    without a role (nor anonymous: the Q is only built for a member)."""
    if cpts_role(user, cpts) is None:
        return rows.none()
    return rows if is_coordinator(user, cpts) else rows.filter(members_rows())


def can_see_programmes(user, cpts) -> bool:
    return cpts_role(user, cpts) is not None


def can_manage_programmes(user, cpts) -> bool:
    return is_coordinator(user, cpts)


def visible_programmes(user, cpts):
    if not can_see_programmes(user, cpts):
        return Programme.objects.none()
    return Programme.objects.for_cpts(cpts)


def can_include(user, cpts) -> bool:
    """Any role in the CPTS includes a patient (a member through their adhesion)."""
    return cpts_role(user, cpts) is not None


def visible_inclusions(user, cpts, inclusions=None):
    """The inclusions of the CPTS this user may see: all for its coordinators; for a member,
    those they lead or whose care team they are in today; none for anyone else."""

    def own():
        in_team = CareTeamMember.objects.on(timezone.localdate()).filter(membership__professional__user=user)
        return Q(lead__professional__user=user) | Q(pk__in=in_team.values("inclusion_id"))

    return by_role(user, cpts, Inclusion.objects.for_cpts(cpts) if inclusions is None else inclusions, own)


def can_see_inclusion(user, inclusion) -> bool:
    return visible_inclusions(user, inclusion.cpts_id).filter(pk=inclusion.pk).exists()


def can_edit_inclusion(user, inclusion) -> bool:
    """The lead and the coordinators change the care team, the consent and the closing;
    the rest of the team reads."""
    if is_coordinator(user, inclusion.cpts_id):
        return True
    lead = inclusion.lead.professional
    return cpts_role(user, inclusion.cpts_id) is not None and lead is not None and lead.user_id == user.pk


# --- Work and breaks -------------------------------------------------------------------------


def visible_tasks(user, cpts):
    """The care tasks of the inclusions this user sees (a member: of their patients)."""
    return CareTask.objects.for_cpts(cpts).filter(inclusion__in=visible_inclusions(user, cpts).values("pk"))


def visible_assigned_tasks(user, cpts):
    """The open tasks given to this user's own adhesion, across their patients."""
    if cpts_role(user, cpts) is None:
        return CareTask.objects.none()
    mine = visible_tasks(user, cpts).filter(assignee__professional__user=user)
    return mine.filter(status=CareTaskStatus.TODO)


def can_complete_task(user, task) -> bool:
    """Whoever sees the patient records a task done: the team, the lead, the coordinators."""
    return task.status == CareTaskStatus.TODO and can_see_inclusion(user, task.inclusion)


def visible_breaks(user, cpts):
    """The breaks board: all for the coordinators; for a member, those of the patients they lead."""
    return by_role(user, cpts, CareBreak.objects.for_cpts(cpts), lambda: Q(inclusion__lead__professional__user=user))


def can_resolve_break(user, care_break) -> bool:
    return care_break.status == BreakStatus.OPEN and can_edit_inclusion(user, care_break.inclusion)
