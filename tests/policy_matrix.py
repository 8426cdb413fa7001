"""The rights matrix: every policy of an app's `policies.py`, asked for every kind of user.

An app's matrix test (`tests/<app>/test_<app>_policy_matrix.py`) states, for each of its
policies, the roles that may; `assert_matrix` asks the policy for a user of every role in
`ROLES` and fails on any difference — so each « cannot without role » is proven, and a policy
added without its line in the matrix fails too.

The world: one CPTS (with a territory in one département) and one user per role:
- coordinator, member: roles in the CPTS; `member` is also the professional who owns the
  targets built for « own » rights (their card, their offer, their slots…);
- other_member: a member of the CPTS with no link to the targets;
- authority, observer, sas_regulator: territorial roles over the CPTS's département;
- admin: a platform admin (superuser) with no role in the CPTS;
- outsider: a coordinator of another CPTS; anonymous: not logged in.
"""

import inspect
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory, TerritoryRoleFactory

ROLES = (
    "coordinator",
    "member",
    "other_member",
    "authority",
    "observer",
    "sas_regulator",
    "admin",
    "outsider",
    "anonymous",
)
# Shorthands for the matrices.
CPTS_ROLES = {"coordinator", "member", "other_member"}
TERRITORY_ROLES = {"authority", "observer"}
NOBODY: set[str] = set()


@dataclass
class World:
    cpts: object
    users: dict = field(default_factory=dict)
    professional: object = None  # the `member` user's professional card
    other_professional: object = None

    def __getitem__(self, role):
        return self.users[role]


def build_world() -> World:
    cpts = CptsFactory(name="CPTS du monde des droits", slug="monde-des-droits")
    commune = CommuneFactory(code="91228", name="Évry-Courcouronnes", population=67_000)
    TerritoryCommuneFactory(cpts=cpts, commune=commune)
    other = CptsFactory(name="CPTS voisine", slug="voisine")
    users = {
        "coordinator": CptsRoleFactory(cpts=cpts, coordinator=True).user,
        "member": CptsRoleFactory(cpts=cpts).user,
        "other_member": CptsRoleFactory(cpts=cpts).user,
        "admin": UserFactory(is_superuser=True, is_staff=True),
        "outsider": CptsRoleFactory(cpts=other, coordinator=True).user,
        "anonymous": AnonymousUser(),
    }
    for role in ("authority", "observer", "sas_regulator"):
        users[role] = TerritoryRoleFactory(role=role, departement=commune.departement).user
    professional = ProfessionalFactory(user=users["member"])
    other_professional = ProfessionalFactory(user=users["other_member"])
    for card in (professional, other_professional):
        MembershipFactory(cpts=cpts, professional=card)
    return World(cpts=cpts, users=users, professional=professional, other_professional=other_professional)


def policies_of(module) -> dict:
    """The module's own public policy functions: `can_…`, `visible_…`, `may_…`."""
    return {
        name: function
        for name, function in vars(module).items()
        if inspect.isfunction(function)
        and function.__module__ == module.__name__
        and name.startswith(("can_", "visible_", "may_"))
    }


def answer(result) -> bool:
    if isinstance(result, QuerySet):
        return result.exists()
    return bool(result)


def allowed_roles(policy, world, target, extra=(), roles=ROLES) -> set[str]:
    return {role for role in roles if answer(policy(world[role], target, *extra))}


def assert_matrix(module, expected: dict, targets: dict, world: World, extra: dict | None = None, roles=ROLES):
    """`expected`: policy name → roles that may; `targets`: parameter name (the policy's second
    argument) → function of the world building the object asked about (a policy of the user
    alone needs none); `extra`: policy name → further positional arguments; `roles`: the roles
    asked (`ROLES`, plus those an app adds to the world, e.g. a group's participants)."""
    found = policies_of(module)
    assert set(found) == set(expected), (
        f"{module.__name__}: policies missing from the matrix {sorted(set(found) - set(expected))}, "
        f"or named in it but gone {sorted(set(expected) - set(found))}"
    )
    built = {}
    differences = []
    for name, policy in sorted(found.items()):
        parameters = list(inspect.signature(policy).parameters)
        if len(parameters) == 1:  # asked of the user alone (« may this person create… »)
            got = {role for role in roles if answer(policy(world[role]))}
        else:
            parameter = parameters[1]
            if parameter not in built:
                built[parameter] = targets[parameter](world)
            got = allowed_roles(policy, world, built[parameter], (extra or {}).get(name, ()), roles)
        if got != set(expected[name]):
            differences.append(
                f"{name}: allowed {sorted(got)}, expected {sorted(expected[name])}"
                f" (too many: {sorted(got - set(expected[name]))}, missing: {sorted(set(expected[name]) - got)})"
            )
    assert not differences, "\n".join(differences)
