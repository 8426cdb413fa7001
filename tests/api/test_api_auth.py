"""Tokens and sessions: who the API recognises, and with which rights."""

import pytest
from django.test import Client

from maillon.core.factories import UserFactory
from maillon.core.models import ApiToken, JournalEntry


def bearer(plain):
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


pytestmark = pytest.mark.django_db


def test_a_valid_token_identifies_its_user(api_client, member, token_headers):
    response = api_client.get("/api/v1/me", **token_headers(member))
    assert response.status_code == 200
    assert response.json()["email"] == member.email


def test_a_revoked_token_is_refused(api_client, member):
    token, plain = ApiToken.issue(member, "Tests")
    token.revoke()
    assert api_client.get("/api/v1/me", **bearer(plain)).status_code == 401


def test_an_unknown_token_is_refused(api_client):
    assert api_client.get("/api/v1/me", **bearer("mln_inconnu")).status_code == 401


def test_the_token_of_a_deactivated_user_is_refused(api_client, member, token_headers):
    headers = token_headers(member)
    member.is_active = False
    member.save()
    assert api_client.get("/api/v1/me", **headers).status_code == 401


def test_a_token_records_its_last_use(api_client, member):
    token, plain = ApiToken.issue(member, "Tests")
    api_client.get("/api/v1/me", **bearer(plain))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_writes_through_a_token_are_journaled_with_the_token_user_as_actor(
    api_client, cpts, coordinator, token_headers
):
    last_entry = JournalEntry.objects.order_by("-id").values_list("id", flat=True).first()
    response = api_client.put(
        f"/api/v1/cpts/{cpts.pk}/territory",
        {"communes": []},
        content_type="application/json",
        **token_headers(coordinator),
    )
    assert response.status_code == 200
    entries = JournalEntry.objects.filter(id__gt=last_entry, object_type="territories.TerritoryCommune")
    assert entries.exists()
    assert set(entries.values_list("actor_id", flat=True)) == {coordinator.pk}


def test_a_session_with_the_second_factor_is_accepted(coordinator, session_client):
    response = session_client(coordinator).get("/api/v1/me")
    assert response.status_code == 200


def test_a_session_without_the_second_factor_is_refused(session_client):
    user = UserFactory()
    response = session_client(user, second_factor=False).get("/api/v1/me")
    assert response.status_code == 401


def test_a_write_through_the_session_needs_the_csrf_token(cpts, coordinator, session_client):
    client = session_client(coordinator, enforce_csrf_checks=True)
    url = f"/api/v1/cpts/{cpts.pk}/territory"
    refused = client.put(url, {"communes": ["78646"]}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    csrf = "a" * 32
    client.cookies["csrftoken"] = csrf
    accepted = client.put(url, {"communes": ["78646"]}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 200


def test_a_token_write_needs_no_csrf_token(cpts, coordinator, token_headers):
    client = Client(enforce_csrf_checks=True)
    response = client.put(
        f"/api/v1/cpts/{cpts.pk}/territory",
        {"communes": ["78646"]},
        content_type="application/json",
        **token_headers(coordinator),
    )
    assert response.status_code == 200
