"""The review of declared time is a workflow on `TimeEntry.state`: declared → validated or
rejected, validated → declared (unvalidated) or rejected, rejected → declared (the member
edits it). Each move writes one log row and one « transition » journal entry; a refused or
stale move writes nothing; the API answers a refused review 409 with the entry's state."""

import datetime

import pytest
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.core.models import JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.meetings import services
from maillon.meetings.factories import TimeEntryFactory
from maillon.meetings.models import TimeEntry, TimeEntryEvent, TimeState

pytestmark = pytest.mark.django_db


def events(entry):
    return list(TimeEntryEvent.objects.filter(entry=entry).values_list("from_status", "to_status", "by", "note"))


def transitions(entry):
    return JournalEntry.objects.filter(action="transition", object_type="meetings.TimeEntry", object_id=entry.pk)


def test_entries_are_created_in_the_state_their_timestamps_say(cpts):
    assert TimeEntryFactory(cpts=cpts).state == TimeState.DECLARED
    assert TimeEntryFactory(cpts=cpts, validated=True).state == TimeState.VALIDATED
    assert TimeEntryFactory(cpts=cpts, rejected_at=timezone.now()).state == TimeState.REJECTED


def test_each_review_writes_one_log_row_and_one_journal_entry(cpts, coordinator):
    entry = TimeEntryFactory(cpts=cpts, date=timezone.localdate())
    member = UserFactory()

    services.validate_time(entry=entry, by=coordinator)
    services.unvalidate_time(entry=entry, by=coordinator)
    services.reject_time(entry=entry, by=coordinator, reason="Hors mission")
    services.edit_time(
        entry=entry, membership=entry.membership, date=entry.date, hours="2", mission=entry.mission, by=member
    )

    entry.refresh_from_db()
    assert entry.state == TimeState.DECLARED and entry.rejected_at is None and entry.hours == 2
    assert events(entry) == [
        ("declared", "validated", coordinator.pk, ""),
        ("validated", "declared", coordinator.pk, ""),
        ("declared", "rejected", coordinator.pk, "Hors mission"),
        ("rejected", "declared", member.pk, ""),
    ]
    assert list(transitions(entry).order_by("pk").values_list("note", flat=True)) == [
        "declared → validated",
        "validated → declared",
        "declared → rejected",
        "rejected → declared",
    ]


def test_a_refused_review_keeps_its_french_phrase_and_writes_nothing(cpts, coordinator):
    entry = TimeEntryFactory(cpts=cpts, validated=True)
    with pytest.raises(TransitionNotAllowed) as error:
        services.validate_time(entry=entry, by=coordinator)
    assert error.value.message_dict == {"entry": ["Ce temps est déjà validé."]}
    assert (error.value.status, error.value.status_label) == ("validated", "Validé")
    declared = TimeEntryFactory(cpts=cpts)
    with pytest.raises(TransitionNotAllowed, match="n'est pas validé"):
        services.unvalidate_time(entry=declared, by=coordinator)
    assert not TimeEntryEvent.objects.exists()
    assert not JournalEntry.objects.filter(action="transition", object_type="meetings.TimeEntry").exists()


def test_a_stale_copy_loses_and_writes_nothing(cpts, coordinator):
    entry = TimeEntryFactory(cpts=cpts)
    first, second = TimeEntry.objects.get(pk=entry.pk), TimeEntry.objects.get(pk=entry.pk)

    services.validate_time(entry=first, by=coordinator)
    with pytest.raises(TransitionNotAllowed, match="a changé entre-temps"):
        TimeEntry.workflow.run(second, "reject", by=coordinator, note="x")

    entry.refresh_from_db()
    assert entry.state == TimeState.VALIDATED and entry.rejected_at is None
    assert len(events(entry)) == 1 and transitions(entry).count() == 1


def test_the_state_changes_only_through_the_workflow(cpts):
    entry = TimeEntryFactory(cpts=cpts)
    entry.state = TimeState.VALIDATED
    with pytest.raises(StateChangedOutsideWorkflow):
        entry.save()


def test_the_api_answers_a_refused_review_409_with_the_state(api_client, cpts, coordinator, token_headers):
    entry = TimeEntryFactory(cpts=cpts, date=datetime.date(timezone.localdate().year, 1, 1), validated=True)
    response = api_client.post(
        f"/api/v1/cpts/{cpts.pk}/time-entries/{entry.pk}/validate",
        {},
        content_type="application/json",
        **token_headers(coordinator),
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "Ce temps est déjà validé.", "status": "validated", "status_label": "Validé"}
    assert not TimeEntryEvent.objects.exists()
