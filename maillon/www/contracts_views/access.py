"""Who may see the ACI pages of a CPTS: its coordinators write; the observers and
authorities (ARS, CPAM) of its territory read, and the authority decides on the
dialogue de gestion reports. Anyone else gets 404, as for a CPTS that does not exist."""

from django.http import Http404

from maillon.core.models import CptsRoleKind
from maillon.territories.models import TerritoryRole, TerritoryRoleKind

COORDINATOR = "coordinator"
AUTHORITY = "authority"
OBSERVER = "observer"


def contract_role(request) -> str | None:
    """coordinator, authority, observer or None (an admin counts as coordinator)."""
    if request.user.is_authenticated and request.user.is_superuser:
        return COORDINATOR
    if request.cpts_role == CptsRoleKind.COORDINATOR:
        return COORDINATOR
    kinds = set(TerritoryRole.objects.over_cpts(request.user, request.cpts).values_list("role", flat=True))
    if TerritoryRoleKind.AUTHORITY in kinds:
        return AUTHORITY
    if TerritoryRoleKind.OBSERVER in kinds:
        return OBSERVER
    return None


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
