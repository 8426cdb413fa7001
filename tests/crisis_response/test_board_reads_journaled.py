"""The board is read one way, page and API alike: every member shown is journaled as read
by the one reading it."""

import pytest
from django.urls import reverse

from maillon.core.models import ApiToken, JournalEntry
from maillon.crisis_response import services
from maillon.crisis_response.factories import CrisisFactory, CrisisRecipientFactory

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def reads_by(user):
    return JournalEntry.objects.filter(
        object_type="crisis_response.CrisisRecipient", action="read", actor_id=user.pk
    ).values_list("object_id", flat=True)


@pytest.fixture
def crisis(cpts):
    crisis = CrisisFactory(cpts=cpts)
    CrisisRecipientFactory(crisis=crisis)
    CrisisRecipientFactory(crisis=crisis)
    return crisis


def expected(crisis):
    return sorted(str(pk) for pk in crisis.recipients.values_list("pk", flat=True))


def test_the_service_journals_the_rows_it_returns_as_read_by_the_reader(crisis, coordinator):
    rows = services.board(crisis, by=coordinator, note="essai")
    assert len(rows) == 2
    assert sorted(reads_by(coordinator)) == expected(crisis)


def test_the_page_and_the_api_journal_the_same_reads(client, crisis, coordinator):
    verified_client(coordinator).get(reverse("crisis_response_board", args=[crisis.cpts.slug, crisis.pk]))
    page_reads = sorted(reads_by(coordinator))
    _, plain = ApiToken.issue(coordinator, "Tests")
    client.get(f"/api/v1/cpts/{crisis.cpts_id}/crises/{crisis.pk}", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert page_reads == expected(crisis)
    assert sorted(reads_by(coordinator)) == sorted(expected(crisis) * 2)
