"""Booking is atomic: of operators booking the same slot, exactly one wins; the others get a
clear refusal, and nothing is half written."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from maillon.core.factories import UserFactory
from maillon.snp.booking import SLOT_TAKEN, SlotTaken, book, cancel_booking
from maillon.snp.models import Booking, RequestStatus, SlotStatus

from .requests_support import member_professional, new_request, origin_commune, slot_for


@pytest.fixture
def doctor_and_slot(cpts):
    commune = origin_commune()
    doctor = member_professional(cpts, commune=commune)
    return commune, slot_for(doctor, cpts, hours_ahead=3)


@pytest.mark.django_db
def test_booking_takes_the_slot_and_places_the_request(cpts, doctor_and_slot):
    commune, slot = doctor_and_slot
    operator = UserFactory()
    care_request = new_request(cpts, by=operator, commune=commune)
    booking = book(care_request, slot, by=operator)
    slot.refresh_from_db()
    care_request.refresh_from_db()
    assert slot.status == SlotStatus.BOOKED
    assert care_request.status == RequestStatus.BOOKED
    assert care_request.answered_at is not None
    assert (booking.professional, booking.appointment_at, booking.via_sas) == (slot.professional, slot.start, False)
    assert [event.to_status for event in care_request.events.all()] == ["open", "booked"]


@pytest.mark.django_db
def test_the_second_operator_on_the_same_slot_is_refused_in_plain_french(cpts, doctor_and_slot):
    commune, slot = doctor_and_slot
    first = new_request(cpts, by=UserFactory(), commune=commune)
    second = new_request(cpts, by=UserFactory(), commune=commune)
    stale_copy = type(slot).objects.get(pk=slot.pk)  # what the second operator's page read
    book(first, slot, by=first.requested_by)
    with pytest.raises(SlotTaken) as refusal:
        book(second, stale_copy, by=second.requested_by)
    assert refusal.value.messages == [SLOT_TAKEN]
    second.refresh_from_db()
    assert second.status == RequestStatus.OPEN
    assert Booking.objects.filter(slot=slot).count() == 1


@pytest.mark.django_db
def test_the_conditional_update_refuses_a_slot_taken_behind_the_page(cpts, doctor_and_slot):
    """The SQLite path too: the slot read as free, taken meanwhile by a direct write."""
    commune, slot = doctor_and_slot
    care_request = new_request(cpts, by=UserFactory(), commune=commune)
    type(slot).objects.filter(pk=slot.pk).update(status=SlotStatus.BOOKED)
    assert slot.status == SlotStatus.FREE
    with pytest.raises(SlotTaken):
        book(care_request, slot, by=care_request.requested_by)
    care_request.refresh_from_db()
    assert care_request.status == RequestStatus.OPEN
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_a_request_already_placed_cannot_take_a_second_slot(cpts, doctor_and_slot):
    commune, slot = doctor_and_slot
    other_slot = slot_for(slot.professional, cpts, hours_ahead=4)
    care_request = new_request(cpts, by=UserFactory(), commune=commune)
    book(care_request, slot, by=care_request.requested_by)
    with pytest.raises(ValidationError):
        book(care_request, other_slot, by=care_request.requested_by)
    other_slot.refresh_from_db()
    assert other_slot.status == SlotStatus.FREE


@pytest.mark.django_db
def test_cancelling_the_appointment_frees_the_slot_and_reopens_the_request(cpts, doctor_and_slot):
    commune, slot = doctor_and_slot
    care_request = new_request(cpts, by=UserFactory(), commune=commune)
    booking = book(care_request, slot, by=care_request.requested_by)
    cancel_booking(booking, by=care_request.requested_by)
    slot.refresh_from_db()
    care_request.refresh_from_db()
    assert slot.status == SlotStatus.FREE
    assert care_request.status == RequestStatus.OPEN
    again = new_request(cpts, by=UserFactory(), commune=commune)
    assert book(again, slot, by=again.requested_by).slot == slot


THREADS = 8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_threads_booking_one_slot_on_postgresql_get_one_booking(cpts):
    commune = origin_commune()
    slot = slot_for(member_professional(cpts, commune=commune), cpts, hours_ahead=3)
    requests = [new_request(cpts, by=UserFactory(), commune=commune) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes = []

    def operator(care_request):
        try:
            barrier.wait()
            book(care_request, type(slot).objects.get(pk=slot.pk), by=care_request.requested_by)
            outcomes.append("booked")
        except SlotTaken:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=operator, args=(item,)) for item in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked"] + ["refused"] * (THREADS - 1)
    assert Booking.objects.filter(slot=slot).count() == 1
    assert sum(1 for item in requests if type(item).objects.get(pk=item.pk).status == RequestStatus.BOOKED) == 1
