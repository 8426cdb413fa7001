"""What the tests of the quality API (tests/quality/test_api_*.py) share: the callers around
the `cpts` fixture, each an adherent where the role has an adhesion, and requests."""

import json
from dataclasses import dataclass

from django.test import Client

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.core.models import JournalEntry
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.territories.factories import TerritoryRoleFactory
from maillon.territories.models import Commune
from tests.conftest import api_headers


@dataclass
class Callers:
    """`users[role]` and, for the roles with an adhesion in the CPTS, `adhesions[role]`:
    coordinator; member, requester, owner, referent (members of the CPTS, each an adherent);
    authority (of its territory), outsider (a coordinator elsewhere), admin (platform)."""

    cpts: object
    users: dict
    adhesions: dict

    def headers(self, role) -> dict:
        user = self.users.get(role)
        return api_headers(user) if user else {}


def adherent(cpts, user=None):
    """A member of the CPTS (a role there) with their active adhesion."""
    user = user or UserFactory()
    CptsRoleFactory(cpts=cpts, user=user)
    return user, MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=user))


def callers(cpts) -> Callers:
    users, adhesions = {}, {}
    for role in ("member", "requester", "owner", "referent"):
        users[role], adhesions[role] = adherent(cpts)
    users["coordinator"] = CptsRoleFactory(cpts=cpts, coordinator=True).user
    departement = Commune.objects.get(code="78646").departement
    users["authority"] = TerritoryRoleFactory(role="authority", departement=departement).user
    users["outsider"] = CptsRoleFactory(cpts=CptsFactory(), coordinator=True).user
    users["admin"] = UserFactory(is_superuser=True, is_staff=True)
    return Callers(cpts=cpts, users=users, adhesions=adhesions)


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
        found.setdefault(item["loc"][2] if len(item["loc"]) > 2 else item["loc"][-1], []).append(item["msg"])
    return found


def inclusion_reads(inclusion) -> int:
    """The journal's reads of this patient."""
    return JournalEntry.objects.filter(
        action="read", object_type="pathways.Inclusion", object_id=str(inclusion.pk)
    ).count()
