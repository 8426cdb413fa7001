"""Who may see the ACI of a CPTS — one rule for the pages and the API.

Its coordinators (and admins) write; the observers and authorities (ARS, CPAM) of its
territory read, and the authority decides on the dialogue de gestion reports. Anyone
else has no role: the pages and the API answer 404, as for a CPTS that does not exist.
"""

from maillon.core.models import CptsRoleKind
from maillon.territories.models import TerritoryRole, TerritoryRoleKind

COORDINATOR = "coordinator"
AUTHORITY = "authority"
OBSERVER = "observer"


def contract_role(user, cpts, cpts_role) -> str | None:
    """coordinator, authority, observer or None; `cpts_role` is the user's role in the CPTS
    (`request.cpts_role` for a page, `core.access.role_in` for the API)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser or cpts_role == CptsRoleKind.COORDINATOR:
        return COORDINATOR
    kinds = set(TerritoryRole.objects.over_cpts(user, cpts).values_list("role", flat=True))
    if TerritoryRoleKind.AUTHORITY in kinds:
        return AUTHORITY
    if TerritoryRoleKind.OBSERVER in kinds:
        return OBSERVER
    return None


def is_authority(user, cpts) -> bool:
    """An authority (ARS, CPAM agent) over the CPTS's département or région."""
    if not user.is_authenticated:
        return False
    return TerritoryRole.objects.over_cpts(user, cpts).filter(role=TerritoryRoleKind.AUTHORITY).exists()
