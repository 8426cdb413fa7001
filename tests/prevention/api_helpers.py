"""What the tests of the prevention API share: the callers of every role, and requests."""

import json
from dataclasses import dataclass

from django.test import Client

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.territories.factories import TerritoryRoleFactory
from maillon.territories.models import Commune
from tests.conftest import api_headers

ROLES = ("coordinator", "member", "in_charge", "authority", "outsider", "anonymous")


@dataclass
class Callers:
    """The users of each role around the `cpts` fixture (Versailles); `owner`: the adhesion of
    `in_charge`, a member of the CPTS who leads the actions built with `owner=`."""

    cpts: object
    users: dict
    owner: object

    def headers(self, role) -> dict:
        user = self.users.get(role)
        if user is None:
            return {}
        return api_headers(user)  # a platform admin: their session


def callers(cpts) -> Callers:
    in_charge = CptsRoleFactory(cpts=cpts).user
    owner = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=in_charge))
    departement = Commune.objects.get(code="78646").departement
    users = {
        "coordinator": CptsRoleFactory(cpts=cpts, coordinator=True).user,
        "member": CptsRoleFactory(cpts=cpts).user,
        "in_charge": in_charge,
        "authority": TerritoryRoleFactory(role="authority", departement=departement).user,
        "outsider": CptsRoleFactory(cpts=CptsFactory(), coordinator=True).user,
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    return Callers(cpts=cpts, users=users, owner=owner)


def call(method, url, headers=None, body=None, **params):
    client = Client()
    path = f"/api/v1{url}"
    if method == "get":
        return client.get(path, params, **(headers or {}))
    data = json.dumps(body if body is not None else {})
    return client.generic(method.upper(), path, data, content_type="application/json", **(headers or {}))


def field_errors(response) -> dict:
    """{field of the body: [messages]} of a 422."""
    found = {}
    for item in response.json()["detail"]:
        found.setdefault(item["loc"][-1], []).append(item["msg"])
    return found
