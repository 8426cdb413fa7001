"""Requests closed longer than MAILLON_SNP_RETENTION_DAYS ago lose their patient; counts only in the journal."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.core.models import JournalEntry
from maillon.core.scheduler import registered
from maillon.snp.models import CareRequest, RequestStatus
from maillon.snp.requests import cancel_request, purge_expired

from .requests_support import new_request, origin_commune


def cancelled_request(cpts, *, at):
    user = UserFactory()
    care_request = new_request(cpts, by=user, commune=origin_commune())
    cancel_request(care_request, by=user)
    care_request.events.filter(to_status=RequestStatus.CANCELLED).update(at=at)
    return care_request


@pytest.mark.django_db
def test_a_request_closed_past_retention_is_blanked_and_journaled_by_count(cpts, settings):
    settings.MAILLON_SNP_RETENTION_DAYS = 90
    now = timezone.now()
    old = cancelled_request(cpts, at=now - datetime.timedelta(days=91))
    recent = cancelled_request(cpts, at=now - datetime.timedelta(days=10))

    assert purge_expired(now) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.first_name, old.last_name, old.phone, old.reason) == ("", "", "", "")
    assert old.birth_date == datetime.date(1970, 1, 1)
    assert recent.last_name == "Durand"
    entry = JournalEntry.objects.get(note__startswith="purge SNP")
    assert entry.object_id == "" and "1" in entry.note and "Durand" not in entry.note
    assert purge_expired(now) == 0


@pytest.mark.django_db
def test_a_waiting_request_is_never_purged(cpts, settings):
    settings.MAILLON_SNP_RETENTION_DAYS = 1
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune())
    care_request.events.update(at=timezone.now() - datetime.timedelta(days=30))
    assert purge_expired(timezone.now()) == 0
    assert CareRequest.objects.get().last_name == "Durand"


@pytest.mark.django_db
def test_the_command_and_the_nightly_task_purge(cpts, settings):
    settings.MAILLON_SNP_RETENTION_DAYS = 1
    cancelled_request(cpts, at=timezone.now() - datetime.timedelta(days=2))
    call_command("snp_purge", stdout=io.StringIO())
    assert CareRequest.objects.get().last_name == ""
    assert any(periodic.name == "snp_purge" and periodic.hour == 3 for periodic in registered())
