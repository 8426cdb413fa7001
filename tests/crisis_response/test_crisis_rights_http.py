"""The crisis pages and API answer alike: 404 (as a missing CPTS) when the user may not see the
crises or the alert chain — a platform admin without a role included —, 403 when they see the
crisis but may not take the action."""

import json

import pytest
from django.urls import reverse

from maillon.core.factories import UserFactory
from maillon.crisis_response.factories import CrisisFactory
from maillon.territories.factories import TerritoryRoleFactory
from maillon.territories.models import TerritoryCommune

from ..conftest import api_headers, verified_client

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "CPTS introuvable."}


def api(client, method, url, user, body=None):
    auth = api_headers(user)  # a platform admin: their session (no superuser token)
    if method == "get":
        return client.get("/api/v1" + url, **auth)
    return getattr(client, method)("/api/v1" + url, json.dumps(body or {}), content_type="application/json", **auth)


@pytest.fixture
def observer(cpts):
    user = UserFactory(with_totp=True)
    departement = TerritoryCommune.objects.filter(cpts=cpts).first().commune.departement
    TerritoryRoleFactory(user=user, role="observer", departement=departement)
    return user


def test_a_platform_admin_without_a_role_sees_no_crisis(client, cpts):
    crisis = CrisisFactory(cpts=cpts)
    admin = UserFactory(is_superuser=True, is_staff=True, with_totp=True)
    pages = verified_client(admin)
    for name, args in (
        ("crisis_response_list", [cpts.slug]),
        ("crisis_response_board", [cpts.slug, crisis.pk]),
        ("crisis_response_chain", [cpts.slug]),
        ("crisis_plan", [cpts.slug]),
    ):
        assert pages.get(reverse(name, args=args)).status_code == 404, name
    for url in (f"/cpts/{cpts.pk}/crises", f"/cpts/{cpts.pk}/crises/{crisis.pk}", f"/cpts/{cpts.pk}/alert-chain"):
        response = api(client, "get", url, admin)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), url
    response = api(client, "get", f"/cpts/{cpts.pk}/crisis/plan", admin)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_the_alert_chain_is_the_coordination_s_alone(client, cpts, authority, observer):
    for user in (authority, observer):
        response = api(client, "get", f"/cpts/{cpts.pk}/alert-chain", user)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
        added = api(client, "post", f"/cpts/{cpts.pk}/alert-chain/levels", user, {"name": "X", "wait_minutes": 15})
        assert added.status_code == 404
        assert verified_client(user).get(reverse("crisis_response_chain", args=[cpts.slug])).status_code == 404


def test_an_observer_sees_the_board_but_takes_no_step(client, cpts, observer):
    crisis = CrisisFactory(cpts=cpts)
    pages = verified_client(observer)
    board = reverse("crisis_response_board", args=[cpts.slug, crisis.pk])
    assert pages.get(board).status_code == 200
    for action in ("end", "escalate", "recognise", "log"):
        assert pages.post(board, {"action": action, "kind": "action", "text": "x"}).status_code == 403, action
    assert pages.get(reverse("crisis_response_activate", args=[cpts.slug])).status_code == 403
    assert api(client, "post", f"/cpts/{cpts.pk}/crises/{crisis.pk}/end", observer).status_code == 403
    crisis.refresh_from_db()
    assert crisis.is_active
