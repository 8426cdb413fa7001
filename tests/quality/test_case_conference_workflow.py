"""A case conference moves only through its workflow (requested → scheduled → held ; requested |
scheduled → cancelled): each move writes one row of its log and one « transition » entry of the
journal; a move from a state it does not leave, or from a stale copy, is refused in French and
writes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.meetings.factories import MeetingFactory
from maillon.quality.factories import CaseConferenceFactory, QualityMeetingFactory
from maillon.quality.models import CaseConference, CaseConferenceEvent, ConferenceStatus

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
CONCLUSIONS = "Renforcer les passages infirmiers ; visite de l'ergothérapeute."


def transitions_journaled(conference):
    return JournalEntry.objects.filter(
        action="transition", object_type="quality.CaseConference", object_id=str(conference.pk)
    )


def logged(conference):
    return list(CaseConferenceEvent.objects.filter(conference=conference).values_list("from_status", "to_status"))


def test_the_workflow_declares_its_transitions():
    workflow = CaseConference.workflow
    assert workflow.targets_from(ConferenceStatus.REQUESTED) == {ConferenceStatus.SCHEDULED, ConferenceStatus.CANCELLED}
    assert workflow.targets_from(ConferenceStatus.SCHEDULED) == {ConferenceStatus.HELD, ConferenceStatus.CANCELLED}
    assert workflow.targets_from(ConferenceStatus.HELD) == set()
    assert workflow.targets_from(ConferenceStatus.CANCELLED) == set()


def test_schedule_then_record_each_write_a_log_row_and_a_journal_entry(coordinator):
    conference = CaseConferenceFactory()
    meeting = QualityMeetingFactory(cpts=conference.cpts)

    conference.schedule(meeting=meeting, by=coordinator)
    conference.record(conclusions=f"  {CONCLUSIONS} ", held_on=YESTERDAY, by=coordinator)

    stored = CaseConference.objects.get(pk=conference.pk)
    assert stored.status == ConferenceStatus.HELD
    assert (stored.meeting, stored.held_on, stored.recorded_by, stored.conclusions) == (
        meeting,
        YESTERDAY,
        coordinator,
        CONCLUSIONS,
    )
    assert logged(conference) == [("requested", "scheduled"), ("scheduled", "held")]
    assert CaseConferenceEvent.objects.filter(conference=conference, by=coordinator).count() == 2
    assert list(transitions_journaled(conference).order_by("pk").values_list("note", flat=True)) == [
        "requested → scheduled",
        "scheduled → held",
    ]


@pytest.mark.parametrize("status", [ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED])
def test_an_open_conference_is_cancelled_with_its_note(status, coordinator):
    conference = CaseConferenceFactory(scheduled=status == ConferenceStatus.SCHEDULED)
    conference.cancel(by=coordinator, note="Le patient est entré en EHPAD")
    assert CaseConference.objects.get(pk=conference.pk).status == ConferenceStatus.CANCELLED
    (event,) = CaseConferenceEvent.objects.filter(conference=conference)
    assert (event.from_status, event.to_status, event.note) == (status, "cancelled", "Le patient est entré en EHPAD")


@pytest.mark.parametrize(
    ("traits", "move", "label"),
    [
        ({}, "record", "Demandée"),
        ({"scheduled": True}, "schedule", "Programmée"),
        ({"held": True}, "schedule", "Tenue"),
        ({"held": True}, "record", "Tenue"),
        ({"held": True}, "cancel", "Tenue"),
        ({"cancelled": True}, "schedule", "Annulée"),
        ({"cancelled": True}, "record", "Annulée"),
        ({"cancelled": True}, "cancel", "Annulée"),
    ],
)
def test_a_move_from_a_state_it_does_not_leave_is_refused_in_french_and_writes_nothing(
    traits, move, label, coordinator
):
    conference = CaseConferenceFactory(**traits)
    before = CaseConference.objects.get(pk=conference.pk)
    calls = {
        "schedule": lambda: conference.schedule(meeting=QualityMeetingFactory(cpts=conference.cpts), by=coordinator),
        "record": lambda: conference.record(conclusions=CONCLUSIONS, held_on=YESTERDAY, by=coordinator),
        "cancel": lambda: conference.cancel(by=coordinator),
    }
    with pytest.raises(TransitionNotAllowed) as refused:
        calls[move]()
    assert refused.value.detail == f"Cette concertation est « {label} » : l'action n'est pas possible."
    after = CaseConference.objects.get(pk=conference.pk)
    assert (after.status, after.meeting_id, after.conclusions) == (before.status, before.meeting_id, before.conclusions)
    assert not CaseConferenceEvent.objects.filter(conference=conference).exists()
    assert not transitions_journaled(conference).exists()


def test_a_stale_copy_is_refused_and_the_winner_stays(coordinator, member):
    conference = CaseConferenceFactory()
    stale = CaseConference.objects.get(pk=conference.pk)
    conference.cancel(by=member, note="Plus utile")

    with pytest.raises(TransitionNotAllowed) as refused:
        stale.schedule(meeting=QualityMeetingFactory(cpts=conference.cpts), by=coordinator)

    assert refused.value.detail == "Cette concertation a changé entre-temps : l'action n'est pas possible."
    assert refused.value.status == ConferenceStatus.CANCELLED
    stored = CaseConference.objects.get(pk=conference.pk)
    assert stored.status == ConferenceStatus.CANCELLED and stored.meeting is None
    assert logged(conference) == [("requested", "cancelled")]


def test_a_meeting_of_another_cpts_is_refused(coordinator, other_cpts):
    conference = CaseConferenceFactory()
    with pytest.raises(ValidationError) as refused:
        conference.schedule(meeting=MeetingFactory(cpts=other_cpts, mission=5), by=coordinator)
    assert refused.value.message_dict == {"meeting": ["Réunion : elle doit être une réunion de la CPTS."]}
    assert CaseConference.objects.get(pk=conference.pk).status == ConferenceStatus.REQUESTED


def test_a_record_needs_conclusions_and_a_past_date(coordinator):
    conference = CaseConferenceFactory(scheduled=True)
    with pytest.raises(ValidationError) as empty:
        conference.record(conclusions="  ", held_on=YESTERDAY, by=coordinator)
    assert empty.value.message_dict == {"conclusions": ["Conclusions : écrivez ce que la concertation a conclu."]}
    with pytest.raises(ValidationError) as future:
        conference.record(conclusions=CONCLUSIONS, held_on=timezone.localdate() + datetime.timedelta(days=1), by=None)
    assert future.value.message_dict == {"held_on": ["Date : une concertation ne se consigne qu'une fois tenue."]}
    assert CaseConference.objects.get(pk=conference.pk).status == ConferenceStatus.SCHEDULED
    assert not CaseConferenceEvent.objects.filter(conference=conference).exists()


def test_the_state_does_not_change_by_saving():
    conference = CaseConference.objects.get(pk=CaseConferenceFactory().pk)
    conference.status = ConferenceStatus.HELD
    with pytest.raises(StateChangedOutsideWorkflow):
        conference.save()


def test_the_case_is_named_by_its_number_only():
    conference = CaseConferenceFactory(included=True)
    assert conference.case_label == f"Cas n° {conference.pk}" == str(conference)
    assert conference.inclusion.birth_name not in conference.case_label
