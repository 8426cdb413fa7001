"""Who may see and write the crisis plan — one rule for the pages and the API.

The coordinators of the CPTS write its drafts and submit them; the authorities (ARS, CPAM)
of its territory validate a submitted version or send it back; its members and the
observers of its territory read. Anyone else has no role: 404, as for a missing CPTS.
"""

from maillon.contracts.access import AUTHORITY, COORDINATOR, OBSERVER, contract_role

MEMBER = "member"

__all__ = ["AUTHORITY", "COORDINATOR", "MEMBER", "OBSERVER", "plan_role"]

ROLE_LABELS = {
    COORDINATOR: "coordination de la CPTS",
    AUTHORITY: "autorité (ARS, CPAM)",
    OBSERVER: "observateur du territoire",
    MEMBER: "adhérent de la CPTS",
}


def plan_role(user, cpts, cpts_role) -> str | None:
    """coordinator, authority, observer, member or None (`cpts_role`: the user's role in the CPTS)."""
    role = contract_role(user, cpts, cpts_role)
    if role is None and user.is_authenticated and cpts_role:
        return MEMBER
    return role
