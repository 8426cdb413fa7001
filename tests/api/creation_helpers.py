"""What the tests of the creation API share (tests/api/test_api_creation_*.py): the people around
the `cpts` fixture (Versailles, in the Yvelines, Île-de-France) and a letter of its région, and
requests."""

import json
from dataclasses import dataclass, field

from django.test import Client

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.creation.factories import LetterCommuneFactory, LetterOfIntentFactory, PromoterFactory
from maillon.territories.factories import CommuneFactory, DepartementFactory, RegionFactory
from maillon.territories.models import Commune, TerritoryRole
from tests.conftest import api_headers

# Who is who, for the parametrised tests.
CPTS_PEOPLE = ("coordinator", "member")
ARS = "ars"  # an ARS authority over the CPTS's département
ARS_OBSERVER = "ars_observer"
ARS_REGION = "ars_region"  # an ARS authority over the whole région
CPAM = "cpam"  # an Assurance Maladie authority over the CPTS's département
ARS_ELSEWHERE = "ars_elsewhere"  # an ARS authority of another région
OUTSIDER = "outsider"  # the coordinator of another CPTS
ADMIN = "admin"


@dataclass
class World:
    cpts: object
    users: dict
    departement: object
    tokens: dict = field(default_factory=dict)
    made: dict = field(default_factory=dict)

    def headers(self, role) -> dict:
        user = self.users.get(role)
        if user is None:
            return {}
        if role not in self.tokens:
            self.tokens[role] = api_headers(user)  # a platform admin: their session
        return self.tokens[role]


def officer(role, organisation, *, departement=None, region=None):
    user = UserFactory()
    TerritoryRole.objects.create(
        user=user, role=role, organisation=organisation, departement=departement, region=region
    )
    return user


def world(cpts) -> World:
    departement = Commune.objects.get(code="78646").departement
    elsewhere = DepartementFactory(code="14", name="Calvados", region=RegionFactory(code="28", name="Normandie"))
    users = {
        "coordinator": CptsRoleFactory(cpts=cpts, coordinator=True).user,
        "member": CptsRoleFactory(cpts=cpts).user,
        ARS: officer("authority", "ARS Île-de-France", departement=departement),
        ARS_OBSERVER: officer("observer", "ARS Île-de-France", departement=departement),
        ARS_REGION: officer("authority", "ARS Île-de-France", region=departement.region),
        CPAM: officer("authority", "CPAM des Yvelines", departement=departement),
        ARS_ELSEWHERE: officer("authority", "ARS Normandie", region=elsewhere.region),
        OUTSIDER: CptsRoleFactory(cpts=CptsFactory(), coordinator=True).user,
        ADMIN: UserFactory(admin=True),
    }
    return World(cpts=cpts, users=users, departement=departement)


def letter_of(w, *, communes=2, **fields):
    """A letter of the CPTS's région, over free communes of its département, with a promoter."""
    fields.setdefault("population", 12_000 * communes)
    letter = LetterOfIntentFactory(region=w.departement.region, **fields)
    for _ in range(communes):
        LetterCommuneFactory(letter=letter, commune=CommuneFactory(departement=w.departement, population=12_000))
    PromoterFactory(letter=letter, name="Dr Claire Martin", email="claire.martin@exemple.fr")
    return letter


def call(method, url, headers=None, body=None, **params):
    client = Client()
    path = f"/api/v1{url}"
    if method == "get":
        return client.get(path, params, **(headers or {}))
    data = json.dumps(body if body is not None else {})
    return client.generic(method.upper(), path, data, content_type="application/json", **(headers or {}))


def field_errors(response) -> dict:
    """{field of the body: [messages]} of a 422."""
    assert response.status_code == 422, response.content
    found = {}
    for item in response.json()["detail"]:
        loc = item["loc"]
        found.setdefault(loc[2] if loc[:2] == ["body", "payload"] else loc[0], []).append(item["msg"])
    return found
