"""What the tests of the discussion and organisation API share: the people around a CPTS's
spaces and a regional group, and requests."""

import json
from dataclasses import dataclass, field

from django.test import Client

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.discussions import services
from maillon.discussions.models import DiscussionSpace, ParticipantRole, SpaceKind
from maillon.organisations.factories import OrganisationFactory, OrganisationPersonFactory
from maillon.territories.factories import TerritoryRoleFactory
from maillon.territories.models import Commune
from tests.conftest import api_headers

# A number that validates as a NIR (the key is right), written with spaces.
NIR = "1 85 05 78 006 084 91"


@dataclass
class World:
    """The `cpts` fixture's people and spaces, another CPTS's coordinator, a regional group
    hosted by a URPS (its manager, a pilot, a moderator, a participant) and people around."""

    cpts: object
    users: dict
    members_space: DiscussionSpace
    working_group: DiscussionSpace
    group: DiscussionSpace
    organisation: object
    tokens: dict = field(default_factory=dict)
    made: dict = field(default_factory=dict)

    def headers(self, role) -> dict:
        user = self.users.get(role)
        if user is None:
            return {}
        if role not in self.tokens:
            self.tokens[role] = api_headers(user)  # a platform admin: their session
        return self.tokens[role]


def person(first_name, last_name, cpts=None, **role):
    user = UserFactory(first_name=first_name, last_name=last_name)
    if cpts is not None:
        CptsRoleFactory(cpts=cpts, user=user, **role)
    return user


def world(cpts) -> World:
    coordinator = person("Claire", "Coordinatrice", cpts, coordinator=True)
    member = person("Marc", "Adhérent", cpts)
    colleague = person("Léa", "Collègue", cpts)
    other_cpts = CptsFactory()
    outsider = person("Octave", "Ailleurs", other_cpts, coordinator=True)
    departement = Commune.objects.get(code="78646").departement
    authority = TerritoryRoleFactory(role="authority", departement=departement).user
    observer = TerritoryRoleFactory(role="observer", departement=departement).user
    admin = UserFactory(admin=True)

    services.ensure_cpts_spaces(cpts)
    members_space = DiscussionSpace.objects.get(cpts=cpts, kind=SpaceKind.MEMBERS)
    working_group = services.create_working_group(cpts, name="Groupe parcours BPCO", users=[colleague], by=coordinator)

    organisation = OrganisationFactory(name="URPS sages-femmes Île-de-France")
    manager = OrganisationPersonFactory(organisation=organisation, manager=True).user
    group = services.create_regional_group(
        organisation,
        name="Sages-femmes libérales et CPTS",
        questions=[("Depuis quand exercez-vous en libéral ?", True)],
        by=manager,
    )
    pilot = person("Inès", "Pilote")
    services.join(group, pilot, role=ParticipantRole.PILOT)
    moderator = person("Maud", "Modératrice")
    services.join(group, moderator, role=ParticipantRole.MODERATOR)
    midwife = person("Sophie", "Sage-Femme", other_cpts)
    services.join(group, midwife)
    users = {
        "coordinator": coordinator,
        "member": member,
        "colleague": colleague,
        "outsider": outsider,
        "authority": authority,
        "observer": observer,
        "admin": admin,
        "manager": manager,
        "pilot": pilot,
        "moderator": moderator,
        "midwife": midwife,
    }
    return World(
        cpts=cpts,
        users=users,
        members_space=members_space,
        working_group=working_group,
        group=group,
        organisation=organisation,
    )


def call(method, url, headers=None, body=None, **params):
    client = Client()
    path = f"/api/v1{url}"
    if method == "get":
        return client.get(path, params, **(headers or {}))
    data = json.dumps(body if body is not None else {}, default=str)
    return client.generic(method.upper(), path, data, content_type="application/json", **(headers or {}))


def field_errors(response) -> dict:
    """{field of the body: [messages]} of a 422."""
    found = {}
    for item in response.json()["detail"]:
        found.setdefault(str(item["loc"][-1]), []).append(item["msg"])
    return found
