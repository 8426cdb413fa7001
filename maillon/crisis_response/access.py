"""Who may see and act on the crises of a CPTS — one rule for the pages and the API.

The coordinators of the CPTS (and admins) run the alert chain, activate the plan, run
exercises, keep the main courante, end a crisis and write its RETEX; the authorities
(ARS, CPAM) of its territory declare a crisis, recognise a serious one, read the board and
write in the main courante; its observers read. Anyone else: 404, as for a missing CPTS.
"""

from maillon.contracts.access import AUTHORITY, COORDINATOR, OBSERVER, contract_role

__all__ = ["AUTHORITY", "COORDINATOR", "OBSERVER", "can_write_log", "response_role"]


def response_role(user, cpts, cpts_role) -> str | None:
    """coordinator, authority, observer or None (`cpts_role`: the user's role in the CPTS)."""
    return contract_role(user, cpts, cpts_role)


def can_write_log(role) -> bool:
    return role in (COORDINATOR, AUTHORITY)
