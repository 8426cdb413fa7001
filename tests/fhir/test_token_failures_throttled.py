"""Refused tokens on /fhir/ count per client address, with those of the REST API (issue 19): past
MAILLON_API_TOKEN_FAILURES_PER_HOUR, every call with a token from that address, a SAS client's
valid token included, answers 429 as an OperationOutcome (`throttled`) with `Retry-After`."""

import pytest
from django.test import Client
from fhir.resources.R4B.operationoutcome import OperationOutcome

from maillon.core import token_failures
from maillon.core.factories import UserFactory
from maillon.core.models import ApiToken, JournalEntry, ThrottleAttempt

from .conftest import search

pytestmark = pytest.mark.django_db

RPPS = "10000000009"
LIMIT = 3


@pytest.fixture(autouse=True)
def limit_of_three(settings):
    settings.MAILLON_API_TOKEN_FAILURES_PER_HOUR = LIMIT


def with_token(plain):
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_past_the_limit_a_sas_clients_valid_token_gets_429(sas, sas_client, clock):
    for _ in range(LIMIT):
        assert search(with_token("mln_devine"), RPPS).status_code == 401

    response = search(sas, RPPS)

    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response["Retry-After"] == "3600"
    (issue,) = OperationOutcome.model_validate(response.json()).issue
    assert issue.code == "throttled"
    assert issue.diagnostics == "Trop de jetons refusés depuis cette adresse : réessayez dans 60 minutes."
    reads = JournalEntry.objects.filter(object_type="snp.SasClient", object_id=str(sas_client.pk), action="read")
    assert not reads.exists(), "a refused call names no client"

    clock.advance(hours=1, seconds=1)
    assert search(sas, RPPS).status_code == 200


def test_a_personal_token_or_a_token_without_a_sas_client_counts(sas, member):
    personal = ApiToken.issue(member, "Tests")[1]
    orphan = ApiToken.issue(UserFactory(), "Sans client", kind="fhir")[1]
    for plain in (personal, orphan, "mln_inconnu"):
        assert search(with_token(plain), RPPS).status_code == 401
    assert search(sas, RPPS).status_code == 429


def test_a_call_without_a_token_is_not_counted_nor_throttled(sas):
    for _ in range(LIMIT + 2):
        assert search(Client(), RPPS).status_code == 401
    assert not ThrottleAttempt.objects.filter(scope=token_failures.SCOPE).exists()
    assert search(sas, RPPS).status_code == 200


def test_successful_calls_do_not_count(sas):
    for _ in range(LIMIT * 2):
        assert search(sas, RPPS).status_code == 200
    assert not ThrottleAttempt.objects.filter(scope=token_failures.SCOPE).exists()


def test_the_count_is_shared_with_the_rest_api(sas, api_client, member):
    for _ in range(LIMIT - 1):
        assert api_client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer mln_devine").status_code == 401
    assert search(with_token("mln_devine"), RPPS).status_code == 401
    assert search(sas, RPPS).status_code == 429
    personal = ApiToken.issue(member, "Tests")[1]
    assert api_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {personal}").status_code == 429


def test_another_address_is_served(sas_token):
    for _ in range(LIMIT):
        assert search(Client(REMOTE_ADDR="192.0.2.10", HTTP_AUTHORIZATION="Bearer x"), RPPS).status_code == 401
    other = Client(REMOTE_ADDR="198.51.100.7", HTTP_AUTHORIZATION=f"Bearer {sas_token}")
    assert search(other, RPPS).status_code == 200
