"""Who a user is over the territory of a CPTS, read once per user object — the territorial
half of `core.policies`, for every app's `policies.py`.

A `TerritoryRole` (authority — an ARS or CPAM agent —, observer, SAS regulator) covers a
département or a région; it counts over a CPTS whose territory touches (or touched) it
(`TerritoryRole.objects.over_cpts`). These helpers only say who the user is; what each kind
of role may see or do is said by the apps' policies (e.g. `contracts.policies`).

A platform admin (superuser) has no territorial role unless a `TerritoryRole` row gives them one.
"""

from maillon.core.policies import is_authenticated, read_once

from .models import TerritoryRole, TerritoryRoleKind

AUTHORITY = TerritoryRoleKind.AUTHORITY
OBSERVER = TerritoryRoleKind.OBSERVER
SAS_REGULATOR = TerritoryRoleKind.SAS_REGULATOR

_AREAS = "_maillon_observed_areas"


# Set on a user object by a caller that read it already: they hold no territorial role at all.
NO_TERRITORY_ROLE = "_maillon_no_territory_role"


def note_no_territory_role(user):
    """The menu's query found no territorial role for this user: no policy asks the database again."""
    setattr(user, NO_TERRITORY_ROLE, True)


def holds_no_territory_role(user) -> bool:
    return getattr(user, NO_TERRITORY_ROLE, False)


def territory_roles(user, cpts) -> frozenset:
    """The kinds of territorial role the user holds over the CPTS (an instance or its id):
    a frozenset of `TerritoryRoleKind` values, empty for anonymous users and nobody's roles.
    Cached on the user object, like `core.policies.cpts_role`."""
    if not is_authenticated(user) or cpts is None or holds_no_territory_role(user):
        return frozenset()
    return read_once(
        user,
        "_maillon_territory_roles",
        cpts,
        lambda key: frozenset(TerritoryRole.objects.over_cpts(user, key).values_list("role", flat=True)),
    )


def has_territory_role(user, cpts, *kinds) -> bool:
    """Any of `kinds` (any territorial role when none is given) over the CPTS."""
    roles = territory_roles(user, cpts)
    return bool(roles & set(kinds)) if kinds else bool(roles)


def is_authority(user, cpts) -> bool:
    """An authority (ARS, CPAM agent) over the CPTS's département or région."""
    return AUTHORITY in territory_roles(user, cpts)


def is_observer(user, cpts) -> bool:
    """An observer (ARS, CPAM, URPS) over the CPTS's département or région (an authority is not
    counted here: ask `is_authority` too where both read)."""
    return OBSERVER in territory_roles(user, cpts)


def is_sas_regulator(user, cpts) -> bool:
    return SAS_REGULATOR in territory_roles(user, cpts)


def observed_areas(user) -> tuple:
    """The départements and régions the user holds a territorial role over (any kind), as
    sorted `(level, code, name)` tuples, level « departement » or « region ». Cached."""
    if not is_authenticated(user):
        return ()
    areas = getattr(user, _AREAS, None)
    if areas is None:
        roles = TerritoryRole.objects.filter(user=user).select_related("departement", "region")
        found = set()
        for role in roles:
            if role.departement_id:
                found.add(("departement", role.departement_id, str(role.departement)))
            else:
                found.add(("region", role.region_id, role.region.name))
        areas = tuple(sorted(found))
        setattr(user, _AREAS, areas)
    return areas


def covers_area(user, level: str, code: str) -> bool:
    """Whether one of the user's territorial roles is over this département or région (a role
    over a région covers its départements; a role over a département does not cover its région)."""
    if not is_authenticated(user):
        return False
    roles = TerritoryRole.objects.filter(user=user)
    if level == "departement":
        return roles.filter(departement_id=code).exists() or roles.filter(region__departements__code=code).exists()
    if level == "region":
        return roles.filter(region_id=code).exists()
    return False
