"""A FHIR client token opens /fhir/ only; a personal token opens /api/v1/ only; an expired or
revoked FHIR token opens nothing."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from maillon.core.models import ApiToken

from .conftest import search

pytestmark = pytest.mark.django_db

RPPS = "10000000009"


def bearer(plain):
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_a_fhir_token_searches_slots(sas_token):
    assert search(bearer(sas_token), RPPS).status_code == 200


def test_a_fhir_token_authenticates_nothing_on_the_api(sas_token):
    response = bearer(sas_token).get("/api/v1/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_personal_token_of_a_sas_client_account_authenticates_nothing_on_fhir(sas_client):
    _, plain = ApiToken.issue(sas_client.user, "Personnel")
    response = search(bearer(plain), RPPS)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert bearer(plain).get("/api/v1/me").status_code == 200


def test_an_expired_fhir_token_is_refused(sas_client):
    token, plain = ApiToken.issue(sas_client.user, "SAS", kind="fhir")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert search(bearer(plain), RPPS).status_code == 401


def test_a_revoked_fhir_token_is_refused(sas_client):
    token, plain = ApiToken.issue(sas_client.user, "SAS", kind="fhir")
    token.revoke()
    assert search(bearer(plain), RPPS).status_code == 401


def test_a_fhir_token_has_no_scope_and_expires(sas_client):
    token, _ = ApiToken.issue(sas_client.user, "SAS", kind="fhir", scopes=["members:write"])
    assert token.scopes == []
    assert token.expires_at > timezone.now() + datetime.timedelta(days=89)
