"""What an API token may do: one scope per area of the API and access, `"<area>:read"` or
`"<area>:write"` (write implies read).

An area is a group of API routers (maillon/api/urls.py gives each router its area; a router
without one fails tests/api/test_api_token_scopes.py). A token is checked against the area of
the operation it calls: a GET needs `<area>:read`, a POST/PUT/PATCH/DELETE `<area>:write`.
The scope only narrows the token: the user's rights still decide (a member's token with
`aci:write` writes no contract). `GET /api/v1/me` needs no scope; a browser session has none to check.
"""

from collections.abc import Iterable

READ = "read"
WRITE = "write"
ACCESSES = (READ, WRITE)

# area → French label, in the order of the account page and of a token's scopes.
AREAS = {
    "members": "Membres et structures",
    "meetings": "Réunions et temps indemnisé",
    "territories": "Territoire de la CPTS",
    "aci": "Contrat ACI et dialogue de gestion",
    "mt": "Médecin traitant",
    "snp": "Soins non programmés",
    "crisis": "Crise : plan, alertes et RETEX",
    "pathways": "Parcours",
    "prevention": "Prévention",
    "organisations": "Organisations",
    "discussions": "Espaces de discussion",
    "creation": "Création d'une CPTS",
    "quality": "Qualité et pertinence des soins",
    "support": "Accompagnement des professionnels",
}
ACCESS_LABELS = {READ: "lecture", WRITE: "écriture"}

# What each role uses through the API: `write` where the role writes, `read` where it only reads
# (tests/<app>/test_<app>_policy_matrix.py say who may what). Every signed-in person may read the
# organisations and take part in a regional discussion group.
EVERYONE = {"organisations": READ, "discussions": WRITE}
ROLE_AREAS = {
    "coordinator": {
        "members": WRITE,
        "meetings": WRITE,
        "territories": WRITE,
        "aci": WRITE,
        "mt": WRITE,
        "snp": WRITE,
        "crisis": WRITE,
        "pathways": WRITE,
        "prevention": WRITE,
        "creation": WRITE,
        "quality": WRITE,
        "support": WRITE,
    },
    "member": {
        "members": WRITE,
        "meetings": WRITE,
        "mt": WRITE,
        "snp": WRITE,
        "crisis": READ,
        "pathways": WRITE,
        "prevention": WRITE,
        "creation": READ,
        "quality": WRITE,
        "support": WRITE,
    },
    "authority": {"aci": WRITE, "crisis": WRITE, "prevention": READ, "creation": WRITE},
    "observer": {"aci": READ, "crisis": READ, "prevention": READ, "creation": READ},
    "sas_regulator": {"snp": WRITE},
}


def scope(area: str, access: str) -> str:
    return f"{area}:{access}"


ALL_SCOPES = [scope(area, access) for area in AREAS for access in ACCESSES]


def normalize(scopes: Iterable[str]) -> list[str]:
    """The scopes, each write with its read, in the order of `ALL_SCOPES`; ValueError on an unknown one."""
    wanted = set()
    for name in scopes:
        if name not in ALL_SCOPES:
            raise ValueError(f"Portée inconnue : « {name} ».")
        wanted.add(name)
        area, access = name.split(":")
        if access == WRITE:
            wanted.add(scope(area, READ))
    return [name for name in ALL_SCOPES if name in wanted]


def required(area: str, method: str) -> str:
    """The scope an operation of `area` called with `method` needs."""
    return scope(area, READ if method.upper() in ("GET", "HEAD", "OPTIONS") else WRITE)


def label(name: str) -> str:
    """« Membres et structures (lecture) » for `members:read`."""
    area, access = name.split(":")
    return f"{AREAS[area]} ({ACCESS_LABELS[access]})"


def roles_of(user) -> set[str]:
    """The user's roles that open areas: CPTS roles and territorial roles."""
    roles = set(user.cpts_roles.values_list("role", flat=True))
    roles |= set(user.territory_roles.values_list("role", flat=True))
    return roles


def areas_of(user) -> dict[str, str]:
    """{area: READ or WRITE} of the areas the user can use (a platform admin: every one, in writing)."""
    if user.is_superuser:
        return dict.fromkeys(AREAS, WRITE)
    usable = dict(EVERYONE)
    for role in roles_of(user):
        for area, access in ROLE_AREAS.get(role, {}).items():
            if usable.get(area) != WRITE:
                usable[area] = access
    return {area: usable[area] for area in AREAS if area in usable}


def scopes_for(user, *, writes: bool = True) -> list[str]:
    """The scopes of the areas the user can use: write where the role writes (`writes`), else read only."""
    return normalize(scope(area, access if writes else READ) for area, access in areas_of(user).items())


def summary(scopes: Iterable[str]) -> list[str]:
    """The scopes in words, one line per area: « Prévention : lecture et écriture »."""
    scopes = set(scopes)
    if scopes == set(ALL_SCOPES):
        return ["Tous les domaines : lecture et écriture"]
    lines = []
    for area, area_label in AREAS.items():
        accesses = [ACCESS_LABELS[access] for access in ACCESSES if scope(area, access) in scopes]
        if accesses:
            lines.append(f"{area_label} : {' et '.join(accesses)}")
    return lines
