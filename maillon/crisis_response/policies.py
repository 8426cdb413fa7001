"""Who may see and act on the crises of a CPTS — the one place that says it; the pages
(maillon/www/crisis_views/response_*.py) and the API (maillon/api/crisis_response.py) ask here.

- The coordinators of the CPTS keep the alert chain (levels, members, contact channels),
  activate the plan, run exercises, mobilise the members who answered, call the next level,
  write in the main courante, end a crisis and write its RETEX.
- The authorities (ARS, CPAM) of its territory declare a crisis, recognise a serious one, read
  the board and write in the main courante; they do not see the alert chain.
- The observers of its territory read the crises and their boards.
- The members answer an alert through the link they receive (its token, not a role).
- Platform admins (superusers), least access: the board names the members alerted, their
  answers and where they are mobilised, the chain holds their phones and e-mails — members'
  data beyond the public directory — and none of it is needed to administer the platform:
  without a role they see nothing and do nothing (they used to count as coordinators).
- Anyone else, a member of the CPTS without coordination included: nothing.

The callers answer 404 (as for a missing CPTS) when `can_see_crises` (or, for the alert chain,
`can_manage_chain`) says no, and 403 when the user sees the crises but may not take the action.
"""

from maillon.contracts.policies import AUTHORITY, COORDINATOR, OBSERVER, contract_role

__all__ = ["AUTHORITY", "COORDINATOR", "OBSERVER", "response_role"]


def response_role(user, cpts) -> str | None:
    """coordinator, authority, observer or None (a platform admin without a role included)."""
    return contract_role(user, cpts)


def can_see_crises(user, cpts) -> bool:
    """The crises and exercises, their boards (who was alerted and answered), their RETEX."""
    return response_role(user, cpts) is not None


def can_declare_crisis(user, cpts) -> bool:
    """Activate the plan (the coordination) or declare a crisis (the authority)."""
    return response_role(user, cpts) in (COORDINATOR, AUTHORITY)


def can_run_exercise(user, cpts) -> bool:
    return response_role(user, cpts) == COORDINATOR


def can_recognise_crisis(user, cpts) -> bool:
    """Recognise a serious health crisis (ACI, mission 4): the authority only."""
    return response_role(user, cpts) == AUTHORITY


def can_write_log(user, cpts) -> bool:
    """Write in the main courante: the coordination and the authority."""
    return response_role(user, cpts) in (COORDINATOR, AUTHORITY)


def can_mobilise(user, cpts) -> bool:
    """Say where an alerted member is mobilised, call the next level of the cascade."""
    return response_role(user, cpts) == COORDINATOR


def can_end_crisis(user, cpts) -> bool:
    return response_role(user, cpts) == COORDINATOR


def can_write_retex(user, cpts) -> bool:
    return response_role(user, cpts) == COORDINATOR


def can_manage_chain(user, cpts) -> bool:
    """See and keep the alert chain (members' phones and e-mails): the coordination only."""
    return response_role(user, cpts) == COORDINATOR
