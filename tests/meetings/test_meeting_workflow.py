"""A meeting moves poll → scheduled → held, or poll / scheduled → cancelled, through its declared
workflow: each move writes one log row and one « transition » journal entry; an illegal or
stale move writes nothing."""

import pytest
from django.core.exceptions import ValidationError

from maillon.core.models import JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.meetings import services
from maillon.meetings.factories import MeetingFactory, MeetingSlotFactory
from maillon.meetings.models import Meeting, MeetingEvent, MeetingStatus
from maillon.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def transitions(meeting):
    return JournalEntry.objects.filter(action="transition", object_type="meetings.Meeting", object_id=meeting.pk)


def events(meeting):
    return list(MeetingEvent.objects.filter(meeting=meeting).values_list("from_status", "to_status", "by", "note"))


def test_poll_scheduled_held_each_write_one_log_row_and_one_journal_entry(cpts, coordinator):
    meeting = MeetingFactory(cpts=cpts)
    slot = MeetingSlotFactory(meeting=meeting)
    meeting.invitations.create(membership=MembershipFactory(cpts=cpts))

    meeting.choose_slot(slot, by=coordinator, note="Le plus de oui")
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=slot.starts_at.replace(year=2024))  # as if it had passed
    meeting.refresh_from_db()
    services.record_attendance(meeting=meeting, present_ids=[], by=coordinator)

    assert events(meeting) == [
        ("poll", "scheduled", coordinator.pk, "Le plus de oui"),
        ("scheduled", "held", coordinator.pk, ""),
    ]
    assert list(transitions(meeting).order_by("pk").values_list("note", flat=True)) == [
        "poll → scheduled",
        "scheduled → held",
    ]


def test_choosing_another_slot_moves_the_date_and_is_logged(cpts, coordinator):
    meeting = MeetingFactory(cpts=cpts)
    first, second = MeetingSlotFactory(meeting=meeting), MeetingSlotFactory(meeting=meeting)

    meeting.choose_slot(first, by=coordinator)
    meeting.choose_slot(second, by=coordinator)

    meeting.refresh_from_db()
    assert (meeting.status, meeting.starts_at, meeting.ends_at) == (
        MeetingStatus.SCHEDULED,
        second.starts_at,
        second.ends_at,
    )
    assert [(row[0], row[1]) for row in events(meeting)] == [("poll", "scheduled"), ("scheduled", "scheduled")]


def test_cancelling_is_logged_and_a_cancelled_meeting_moves_no_more(cpts, coordinator):
    meeting = MeetingFactory(cpts=cpts)
    slot = MeetingSlotFactory(meeting=meeting)
    meeting.cancel(by=coordinator, note="Plus de salle")

    message = "Cette réunion est « Annulée » : l'action n'est pas possible."
    with pytest.raises(TransitionNotAllowed) as error:
        meeting.choose_slot(slot, by=coordinator)
    assert error.value.message_dict == {"status": [message]}
    with pytest.raises(TransitionNotAllowed, match=message):
        meeting.cancel(by=coordinator)
    with pytest.raises(TransitionNotAllowed, match=message):
        services.update_meeting(meeting=meeting, by=coordinator, title="Autre")
    with pytest.raises(TransitionNotAllowed, match=message):
        services.record_attendance(meeting=meeting, present_ids=[], by=coordinator)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and meeting.starts_at is None
    assert events(meeting) == [("poll", "cancelled", coordinator.pk, "Plus de salle")]
    assert transitions(meeting).count() == 1


def test_attendance_during_the_poll_is_refused_and_writes_nothing(cpts, coordinator):
    meeting = MeetingFactory(cpts=cpts)
    with pytest.raises(TransitionNotAllowed, match="« Sondage de dates en cours »"):
        services.record_attendance(meeting=meeting, present_ids=[], by=coordinator)
    assert not MeetingEvent.objects.exists() and not transitions(meeting).exists()


def test_a_meeting_not_yet_held_stays_scheduled(cpts, coordinator):
    meeting = MeetingFactory(cpts=cpts)
    meeting.choose_slot(MeetingSlotFactory(meeting=meeting), by=coordinator)  # next week
    with pytest.raises(ValidationError, match="pas encore eu lieu"):
        meeting.hold(by=coordinator)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED and len(events(meeting)) == 1


def test_a_stale_copy_loses_and_writes_nothing(cpts, coordinator):
    meeting = MeetingFactory(cpts=cpts, scheduled=True)
    first, second = Meeting.objects.get(pk=meeting.pk), Meeting.objects.get(pk=meeting.pk)

    first.cancel(by=coordinator)
    with pytest.raises(TransitionNotAllowed, match="a changé entre-temps"):
        services.record_attendance(meeting=second, present_ids=[], by=coordinator)

    assert events(meeting) == [("scheduled", "cancelled", coordinator.pk, "")]
    assert transitions(meeting).count() == 1
    assert not meeting.time_entries.exists()


def test_the_state_changes_only_through_the_workflow(cpts):
    meeting = MeetingFactory(cpts=cpts)
    meeting.status = MeetingStatus.CANCELLED
    with pytest.raises(StateChangedOutsideWorkflow):
        meeting.save()
