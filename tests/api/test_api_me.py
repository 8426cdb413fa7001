"""GET /me: the caller's own account and roles; the read is journaled."""

import pytest

from maillon.core.models import JournalEntry
from maillon.territories.factories import RegionFactory, TerritoryRoleFactory

pytestmark = pytest.mark.django_db


def test_me_gives_the_account_and_its_cpts_roles(api_client, cpts, coordinator, token_headers):
    response = api_client.get("/api/v1/me", **token_headers(coordinator))
    assert response.status_code == 200
    body = response.json()
    assert set(body.pop("token")) == {"expires_at", "scopes"}  # tests/api/test_api_token_scopes.py
    assert body == {
        "email": coordinator.email,
        "first_name": coordinator.first_name,
        "last_name": coordinator.last_name,
        "is_platform_admin": False,
        "cpts_roles": [
            {
                "cpts": {"id": cpts.pk, "slug": "plaine-de-versailles", "name": "CPTS Plaine de Versailles"},
                "role": "coordinator",
                "role_label": "Coordinateur ou coordinatrice",
            }
        ],
        "territory_roles": [],
    }


def test_me_gives_the_territory_roles(api_client, token_headers):
    departemental = TerritoryRoleFactory(role="authority", organisation="CPAM des Yvelines")
    TerritoryRoleFactory(
        user=departemental.user, role="observer", departement=None, region=RegionFactory(), organisation="ARS"
    )
    body = api_client.get("/api/v1/me", **token_headers(departemental.user)).json()
    assert body["territory_roles"] == [
        {
            "role": "authority",
            "role_label": "Autorité (agent ARS ou CPAM)",
            "organisation": "CPAM des Yvelines",
            "departement": {"code": "78", "name": "Yvelines"},
            "region": None,
        },
        {
            "role": "observer",
            "role_label": "Observateur (ARS, CPAM, URPS)",
            "organisation": "ARS",
            "departement": None,
            "region": {"code": "11", "name": "Île-de-France"},
        },
    ]


def test_reading_me_is_journaled_with_field_names_only(api_client, member, token_headers):
    api_client.get("/api/v1/me", **token_headers(member))
    entry = JournalEntry.objects.filter(action="read").get()
    assert entry.actor_id == member.pk
    assert entry.object_type == "core.User"
    assert entry.object_id == str(member.pk)
    assert entry.fields == ["email", "first_name", "last_name"]
    assert member.email not in entry.note


def test_me_without_authentication_answers_401(api_client):
    response = api_client.get("/api/v1/me")
    assert response.status_code == 401
