"""A slot's state moves only through its workflow: booked, released, cancelled — one by one
(a booking) or in bulk (a series' exceptions, an .ics re-import), each move logged and journaled."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.snp import slots
from maillon.snp.models import Slot, SlotEvent, SlotStatus

from .slots_support import member_professional

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(cpts):
    doctor = member_professional(cpts)
    return slots.ensure_agenda(cpts, doctor, doctor.practice_places.first())


def tomorrow_at(hour, minute=0):
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def publish(agenda, count, hour=8):
    starts = [tomorrow_at(hour) + datetime.timedelta(minutes=20 * n) for n in range(count)]
    return [slots.publish_slot(agenda, start=start, end=start + datetime.timedelta(minutes=15)) for start in starts]


def test_booking_moves_a_free_slot_once_and_the_loser_writes_nothing(agenda, coordinator):
    slot = publish(agenda, 1)[0]
    stale = Slot.objects.get(pk=slot.pk)

    assert slot.book(by=coordinator) is True
    assert stale.book(by=coordinator) is False

    assert Slot.objects.get(pk=slot.pk).status == SlotStatus.BOOKED
    (event,) = SlotEvent.objects.filter(slot=slot)
    assert (event.from_status, event.to_status, event.by) == ("free", "booked", coordinator)
    assert JournalEntry.objects.filter(action="transition", object_type="snp.Slot", object_id=str(slot.pk)).count() == 1


def test_a_cancelled_slot_is_final(agenda, coordinator):
    slot = publish(agenda, 1)[0]
    slots.cancel_slot(slot, by=coordinator)
    slot.refresh_from_db()
    with pytest.raises(TransitionNotAllowed, match="Ce créneau est « Annulé »"):
        Slot.workflow.run(slot, "book", by=coordinator)
    assert [e.to_status for e in SlotEvent.objects.filter(slot=slot)] == ["cancelled"]


def test_the_state_is_not_saved_by_assignment(agenda):
    slot = publish(agenda, 1)[0]
    slot.status = SlotStatus.BOOKED
    with pytest.raises(StateChangedOutsideWorkflow):
        slot.save()


def cancel_in_bulk(agenda, count, hour):
    publish(agenda, count, hour)
    with CaptureQueriesContext(connection) as queries:
        moved = Slot.workflow.run_many(Slot.objects.filter(agenda=agenda), "cancel", by=None, note="test")
    return moved, len(queries)


def test_a_bulk_move_logs_and_journals_every_row_in_a_fixed_number_of_queries(agenda, cpts):
    few, few_queries = cancel_in_bulk(agenda, 3, hour=8)
    many, many_queries = cancel_in_bulk(agenda, 12, hour=12)  # the 3 cancelled ones are left alone

    assert (few, many) == (3, 12)
    assert many_queries == few_queries
    assert SlotEvent.objects.filter(to_status="cancelled", note="test").count() == 15
    journaled = JournalEntry.objects.filter(action="transition", object_type="snp.Slot", note="free → cancelled")
    assert journaled.count() == 15 and set(journaled.values_list("cpts_id", flat=True)) == {cpts.pk}


def test_a_bulk_move_leaves_rows_it_does_not_leave_from(agenda, coordinator):
    free, booked = publish(agenda, 2)
    booked.book(by=coordinator)
    assert Slot.workflow.run_many(Slot.objects.filter(agenda=agenda), "release", by=coordinator) == 1
    assert Slot.objects.get(pk=free.pk).status == SlotStatus.FREE
    assert Slot.objects.get(pk=booked.pk).status == SlotStatus.FREE
