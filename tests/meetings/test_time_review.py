"""A member edits or deletes their own declared time until it is validated; the
coordinator rejects declared time with a reason (a rejected entry never counts and is
validated only once re-declared), and withdraws a validation while the year is open."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.meetings import services
from maillon.meetings.factories import HourlyRateFactory, MeetingFactory, TimeEntryFactory
from maillon.meetings.models import TimeEntry, TimeKind, TimeState
from tests.conftest import verified_client

from .conftest import member_user, membership_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(cpts):
    return member_user(cpts)


@pytest.fixture
def entry(cpts, owner):
    return TimeEntryFactory(cpts=cpts, membership=membership_of(owner), hours=Decimal("2.00"))


def edit_url(entry):
    return reverse("meetings_time_edit", args=[entry.cpts.slug, entry.pk])


def time_url(cpts):
    return reverse("meetings_time", args=[cpts.slug])


def review_url(entry, decision):
    """The coordination's decision on an entry: `validate`, `reject` or `unvalidate`."""
    return reverse(f"meetings_time_{decision}", args=[entry.cpts.slug, entry.pk])


def day(days_ago=3):
    return (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat()


def test_the_member_edits_their_declared_time(owner, entry):
    response = verified_client(owner).post(
        edit_url(entry), {"action": "save", "date": day(), "hours": "1,25", "mission": "5", "note": "Audit"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.hours, entry.mission, entry.note) == (Decimal("1.25"), 5, "Audit")
    journaled = JournalEntry.objects.filter(object_type="meetings.TimeEntry", action="update").latest("pk")
    assert {"hours", "mission", "note", "date"} <= set(journaled.fields)


def test_the_member_deletes_their_declared_time(owner, entry):
    assert verified_client(owner).post(edit_url(entry), {"action": "delete"}).status_code == 302
    assert not TimeEntry.objects.exists()


def test_a_validated_entry_is_neither_edited_nor_deleted(owner, entry, coordinator):
    services.validate_time(entry=entry, by=coordinator)
    client = verified_client(owner)
    page = client.post(edit_url(entry), {"action": "delete"})
    assert page.status_code == 200 and "ne se modifie plus" in page.content.decode()
    client.post(edit_url(entry), {"action": "save", "date": day(), "hours": "8"})
    entry.refresh_from_db()
    assert entry.hours == Decimal("2.00") and entry.is_validated


def test_meeting_time_is_not_the_members_to_edit(cpts, owner):
    meeting_entry = TimeEntryFactory(
        cpts=cpts, membership=membership_of(owner), kind=TimeKind.MEETING, meeting=MeetingFactory(cpts=cpts)
    )
    with pytest.raises(ValidationError):
        services.delete_time(entry=meeting_entry, membership=membership_of(owner))


def test_another_members_entry_is_out_of_reach(cpts, entry):
    other = member_user(cpts)
    client = verified_client(other)
    assert client.get(edit_url(entry)).status_code == 404
    assert client.post(edit_url(entry), {"action": "delete"}).status_code == 404
    assert TimeEntry.objects.filter(pk=entry.pk).exists()


def test_the_coordinator_rejects_with_a_reason_the_member_sees_it(cpts, coordinator, owner, entry):
    client = verified_client(coordinator)
    page = client.post(review_url(entry, "reject"), {"reason": ""})
    assert page.status_code == 200 and "Motif : indiquez pourquoi ce temps est refusé." in page.content.decode()
    assert client.post(review_url(entry, "reject"), {"reason": "Hors mission"})["Location"] == time_url(cpts)
    entry.refresh_from_db()
    assert entry.state == TimeState.REJECTED and entry.rejected_by == coordinator
    assert entry.rejection_reason == "Hors mission"
    mine = verified_client(owner).get(time_url(cpts)).content.decode()
    assert "Refusé" in mine and "Motif du refus : Hors mission" in mine
    # No longer pending for the coordinator, and a member cannot reject.
    assert entry not in TimeEntry.objects.pending()
    assert verified_client(owner).post(review_url(entry, "reject"), {"reason": "x"}).status_code == 403


def test_a_rejected_entry_never_counts_and_is_validated_only_once_re_declared(cpts, coordinator, owner, entry):
    HourlyRateFactory(cpts=cpts, year=entry.date.year, amount=Decimal("50.00"))
    services.reject_time(entry=entry, by=coordinator, reason="Doublon")
    membership = membership_of(owner)
    assert services.indemnity(membership, entry.date.year).amount == Decimal("0.00")
    with pytest.raises(ValidationError, match="refusé"):
        services.validate_time(entry=entry, by=coordinator)
    # The page does not offer it to validate either.
    response = verified_client(coordinator).post(review_url(entry, "validate"))
    assert response.status_code == 404
    # Re-declared by its member: pending again, then validated and counted.
    verified_client(owner).post(edit_url(entry), {"action": "save", "date": entry.date.isoformat(), "hours": "2"})
    entry.refresh_from_db()
    assert entry.state == TimeState.DECLARED and entry.rejection_reason == ""
    assert services.validate_time(entry=entry, by=coordinator).validated
    assert services.indemnity(membership, entry.date.year).amount == Decimal("100.00")


def test_the_coordinator_withdraws_or_rejects_a_validation_of_the_open_year(cpts, coordinator, entry):
    services.validate_time(entry=entry, by=coordinator)
    client = verified_client(coordinator)
    assert client.post(review_url(entry, "unvalidate")).status_code == 302
    entry.refresh_from_db()
    assert entry.state == TimeState.DECLARED and entry.validated_by is None
    services.validate_time(entry=entry, by=coordinator)
    services.reject_time(entry=entry, by=coordinator, reason="Erreur de saisie")
    entry.refresh_from_db()
    assert entry.state == TimeState.REJECTED and entry.validated_at is None


def test_a_validation_of_a_past_year_stays(cpts, coordinator, owner):
    past = TimeEntryFactory(
        cpts=cpts,
        membership=membership_of(owner),
        date=datetime.date(timezone.localdate().year - 1, 6, 1),
        validated=True,
    )
    for action in (
        lambda: services.unvalidate_time(entry=past, by=coordinator),
        lambda: services.reject_time(entry=past, by=coordinator, reason="Trop tard"),
    ):
        with pytest.raises(ValidationError, match="est close"):
            action()
    page = verified_client(coordinator).post(review_url(past, "unvalidate"))
    assert page.status_code == 200 and "est close" in page.content.decode()
    past.refresh_from_db()
    assert past.is_validated


def test_the_coordinator_reads_an_entry_and_the_read_is_journaled(cpts, coordinator, entry):
    page = verified_client(coordinator).get(edit_url(entry))
    assert page.status_code == 200 and "Décision de la coordination" in page.content.decode()
    assert 'name="action" value="save"' not in page.content.decode()  # not theirs to edit
    assert JournalEntry.objects.filter(
        action="read", object_type="meetings.TimeEntry", object_id=str(entry.pk)
    ).exists()


def test_a_validation_racing_the_members_edit_never_validates_unseen_hours(cpts, coordinator, owner, entry):
    seen_by_coordinator = TimeEntry.objects.get(pk=entry.pk)  # the row the coordinator's request read
    services.edit_time(
        entry=TimeEntry.objects.get(pk=entry.pk), membership=membership_of(owner), date=entry.date, hours="9"
    )
    with pytest.raises(ValidationError, match="vient d'être modifié"):
        services.validate_time(entry=seen_by_coordinator, by=coordinator)
    entry.refresh_from_db()
    assert entry.hours == Decimal("9.00") and not entry.is_validated


def test_an_edit_racing_the_validation_is_refused(cpts, coordinator, owner, entry):
    read_by_member = TimeEntry.objects.get(pk=entry.pk)
    services.validate_time(entry=TimeEntry.objects.get(pk=entry.pk), by=coordinator)
    with pytest.raises(ValidationError, match="vient d'être modifié"):
        services.edit_time(entry=read_by_member, membership=membership_of(owner), date=entry.date, hours="9")
    entry.refresh_from_db()
    assert entry.hours == Decimal("2.00") and entry.is_validated


def test_the_reviewed_entry_row_is_locked(cpts, coordinator, entry):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.validate_time(entry=entry, by=coordinator)
    locking = [query["sql"] for query in queries if "meetings_timeentry" in query["sql"] and "SELECT" in query["sql"]]
    assert locking
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in locking[0]
