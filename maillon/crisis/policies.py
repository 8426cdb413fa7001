"""Who may read the crisis plan of a CPTS and take which step on it — the one place that says
it; the pages (maillon/www/crisis_views/plan*.py), the API (maillon/api/crisis.py) and the
services (`services.validate_version`, `send_back_version`) all ask here.

- The coordinators of the CPTS write its drafts (open next year's, edit the sections and the
  mobilisable professionals, integrate the improvement actions) and submit them.
- The authorities (ARS, CPAM agents) over its territory validate a submitted version or send
  it back (a coordinator who is also an authority counts as the coordination: one does not
  review one's own plan).
- Its members and the observers of its territory read.
- Platform admins (superusers), least access: the plan names the mobilisable professionals
  with their role and skills (members' data beyond the public directory) and nothing in it is
  needed to administer the platform, so without a role they read nothing and write nothing
  (they used to count as coordinators).
- Anyone else: nothing.

The callers answer 404 (as for a missing CPTS) when `can_read_plan` says no, and 403 when the
user reads the plan but may not take the action.
"""

from maillon.contracts.policies import AUTHORITY, COORDINATOR, OBSERVER, contract_role
from maillon.core.policies import has_cpts_role

MEMBER = "member"

ROLE_LABELS = {
    COORDINATOR: "coordination de la CPTS",
    AUTHORITY: "autorité (ARS, CPAM)",
    OBSERVER: "observateur du territoire",
    MEMBER: "adhérent de la CPTS",
}


def plan_role(user, cpts) -> str | None:
    """coordinator, authority, observer, member or None (a platform admin without a role included)."""
    role = contract_role(user, cpts)
    if role is None and has_cpts_role(user, cpts):
        return MEMBER
    return role


def can_read_plan(user, cpts) -> bool:
    """The plan, its versions, due dates, diff and PDF."""
    return plan_role(user, cpts) is not None


def can_edit_plan(user, cpts) -> bool:
    """Open a draft, write it, pick the mobilisable professionals, integrate the improvement
    actions, submit: the coordination."""
    return plan_role(user, cpts) == COORDINATOR


def can_review_plan(user, cpts) -> bool:
    """Validate a submitted version or send it back: the authority of the territory."""
    return plan_role(user, cpts) == AUTHORITY
