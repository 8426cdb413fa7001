"""Booking while the escalation runs still books; cancelling an appointment whose slot has
started leaves no BOOKED slot without its booking."""

import datetime

import pytest
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.snp.booking import book, cancel_booking
from maillon.snp.models import CareRequest, RequestStatus, Slot, SlotStatus

from .requests_support import member_professional, new_request, origin_commune, slot_for


@pytest.mark.django_db
def test_a_request_escalated_behind_the_operators_page_is_still_booked(cpts):
    commune = origin_commune()
    slot = slot_for(member_professional(cpts, commune=commune), cpts, hours_ahead=3)
    care_request = new_request(cpts, by=UserFactory(), commune=commune)
    CareRequest.objects.filter(pk=care_request.pk).update(status=RequestStatus.ESCALATED)  # the page read OPEN

    book(care_request, slot, by=care_request.requested_by)

    assert CareRequest.objects.get().status == RequestStatus.BOOKED
    assert list(care_request.events.values_list("from_status", "to_status"))[-1] == ("escalated", "booked")


@pytest.mark.django_db
def test_cancelling_an_appointment_whose_slot_has_started_cancels_the_slot(cpts):
    commune = origin_commune()
    slot = slot_for(member_professional(cpts, commune=commune), cpts, hours_ahead=1)
    care_request = new_request(cpts, by=UserFactory(), commune=commune)
    booking = book(care_request, slot, by=care_request.requested_by)

    cancel_booking(booking, by=care_request.requested_by, now=slot.start + datetime.timedelta(minutes=5))

    assert Slot.objects.get().status == SlotStatus.CANCELLED
    assert CareRequest.objects.get().status == RequestStatus.OPEN


@pytest.mark.django_db
def test_cancelling_ahead_of_the_slot_frees_it(cpts):
    commune = origin_commune()
    slot = slot_for(member_professional(cpts, commune=commune), cpts, hours_ahead=2)
    care_request = new_request(cpts, by=UserFactory(), commune=commune)
    booking = book(care_request, slot, by=care_request.requested_by)
    cancel_booking(booking, by=care_request.requested_by, now=timezone.now())
    assert Slot.objects.get().status == SlotStatus.FREE
