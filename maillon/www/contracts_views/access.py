"""The ACI pages' side of `maillon.contracts.policies`: the reader's role for the labels and
the 404 when the user does not read the ACI (as for a CPTS that does not exist)."""

from maillon.contracts import policies
from maillon.contracts.policies import ADMIN, AUTHORITY, COORDINATOR, OBSERVER
from maillon.core.policies import ensure_visible

__all__ = ["ADMIN", "AUTHORITY", "COORDINATOR", "OBSERVER", "contract_role", "require_reader"]


def contract_role(request) -> str | None:
    """coordinator, authority, observer, admin (a platform admin, reading only) or None."""
    return policies.reader_role(request.user, request.cpts)


def require_reader(request) -> str:
    """The reader's role, or 404."""
    role = contract_role(request)
    ensure_visible(role is not None)
    return role
