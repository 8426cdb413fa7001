"""Former home of the ACI's access rule, now `maillon.contracts.policies`: kept as a thin
re-export for the apps that still import it (crisis, crisis_response).

`contract_role` here keeps its former answer for those callers — a platform admin counts as a
coordinator — until their own policies decide; the ACI itself asks `policies.contract_role`,
where a platform admin has no role (see the policies' docstring).
"""

from maillon.core.policies import is_platform_admin

from . import policies
from .policies import ADMIN, AUTHORITY, COORDINATOR, OBSERVER, is_authority, reader_role

__all__ = ["ADMIN", "AUTHORITY", "COORDINATOR", "OBSERVER", "contract_role", "is_authority", "reader_role"]


def contract_role(user, cpts, cpts_role=None) -> str | None:
    """coordinator, authority, observer or None — a platform admin counting as a coordinator
    (the former rule, for the crisis apps only)."""
    if is_platform_admin(user):
        return COORDINATOR
    return policies.contract_role(user, cpts, cpts_role)
