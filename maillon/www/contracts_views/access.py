"""Who may see the ACI pages of a CPTS: its coordinators write; the observers and
authorities (ARS, CPAM) of its territory read, and the authority decides on the
dialogue de gestion reports. Anyone else gets 404, as for a CPTS that does not exist."""

from django.http import Http404

from maillon.contracts import access
from maillon.contracts.access import AUTHORITY, COORDINATOR, OBSERVER

__all__ = ["AUTHORITY", "COORDINATOR", "OBSERVER", "contract_role"]


def contract_role(request) -> str | None:
    """coordinator, authority, observer or None (`maillon.contracts.access.contract_role`)."""
    return access.contract_role(request.user, request.cpts, request.cpts_role)


def require_reader(request) -> str:
    """The reader's role, or 404."""
    role = contract_role(request)
    if role is None:
        raise Http404
    return role


def require_contract_coordinator(request) -> None:
    if contract_role(request) != COORDINATOR:
        raise Http404


def require_authority(request) -> None:
    if contract_role(request) != AUTHORITY and not request.user.is_superuser:
        raise Http404
