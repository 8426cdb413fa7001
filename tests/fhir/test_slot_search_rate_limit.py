"""At most MAILLON_SNP_FHIR_RATE_PER_MINUTE calls per SAS client and minute: then 429 and Retry-After."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.operationoutcome import OperationOutcome

from maillon.core import journal
from maillon.core.factories import UserFactory
from maillon.core.models import ApiToken, JournalEntry
from maillon.fhir import ratelimit
from maillon.snp.factories import SasClientFactory

from .conftest import search

pytestmark = pytest.mark.django_db

RPPS = "10000000009"


@pytest.fixture
def limit_of_two(settings):
    settings.MAILLON_SNP_FHIR_RATE_PER_MINUTE = 2


def test_the_call_over_the_limit_gets_429_with_retry_after(sas, limit_of_two):
    assert search(sas, RPPS).status_code == 200
    assert search(sas, RPPS, status=None).status_code == 400, "a refused search counts too"
    response = search(sas, RPPS)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    (issue,) = OperationOutcome.model_validate(response.json()).issue
    assert issue.code == "throttled" and "2 recherches par minute" in issue.diagnostics


def test_each_sas_client_has_its_own_count(sas, limit_of_two):
    search(sas, RPPS), search(sas, RPPS)
    assert search(sas, RPPS).status_code == 429
    other = SasClientFactory(user=UserFactory())
    token = ApiToken.issue(other.user, "SAS", kind="fhir")[1]
    assert search(Client(HTTP_AUTHORIZATION=f"Bearer {token}"), RPPS).status_code == 200


def test_calls_older_than_a_minute_no_longer_count(sas_client, limit_of_two):
    for _ in range(2):
        journal.record(journal.Action.READ, sas_client, actor=sas_client.user, note="FHIR Slot : 0 créneau(x)")
    now = timezone.now()
    assert ratelimit.retry_after(sas_client, now) is not None
    assert ratelimit.retry_after(sas_client, now + datetime.timedelta(seconds=61)) is None


def test_refused_calls_are_journaled_but_do_not_prolong_the_wait(sas, sas_client, limit_of_two):
    search(sas, RPPS), search(sas, RPPS)
    for _ in range(3):
        assert search(sas, RPPS).status_code == 429
    entries = JournalEntry.objects.filter(object_type="snp.SasClient", object_id=str(sas_client.pk), action="read")
    assert entries.count() == 5
    assert entries.filter(note=ratelimit.RATE_LIMITED_NOTE).count() == 3
    assert ratelimit.calls_in_window(sas_client, timezone.now()).count() == 2
