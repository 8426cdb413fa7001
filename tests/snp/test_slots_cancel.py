"""Cancelling a slot: a free one is cancelled; a booked one cancels its booking and tells the requester."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from maillon.snp import slots
from maillon.snp.factories import BookingFactory, CareRequestFactory
from maillon.snp.models import RequestStatus, SlotStatus

from .slots_support import member_professional, tomorrow_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(cpts):
    doctor = member_professional(cpts)
    return slots.ensure_agenda(cpts, doctor, doctor.practice_places.first())


def test_a_free_slot_is_cancelled_and_no_mail_is_sent(agenda):
    slot = slots.publish_slot(agenda, start=tomorrow_at(17), end=tomorrow_at(17, 20))
    assert slots.cancel_slot(slot, by=None) is None
    slot.refresh_from_db()
    assert slot.status == SlotStatus.CANCELLED
    assert mail.outbox == []
    with pytest.raises(ValidationError, match="déjà annulé"):
        slots.cancel_slot(slot, by=None)


def test_cancelling_a_booked_slot_cancels_the_booking_reopens_the_request_and_mails_the_requester(
    agenda, django_capture_on_commit_callbacks
):
    slot = slots.publish_slot(agenda, start=tomorrow_at(17), end=tomorrow_at(17, 20))
    request = CareRequestFactory(cpts=agenda.cpts, status=RequestStatus.BOOKED, last_name="Durandal", reason="Otite")
    assert slot.book(by=None)
    booking = BookingFactory(slot=slot, cpts=agenda.cpts, request=request)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = slots.cancel_slot(slot, by=agenda.professional.user)
    assert cancelled == booking
    booking.refresh_from_db()
    slot.refresh_from_db()
    request.refresh_from_db()
    assert booking.cancelled_at is not None
    assert slot.status == SlotStatus.CANCELLED
    assert request.status == RequestStatus.OPEN
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [request.requested_by.email]
    assert f"rendez-vous SNP n° {booking.pk}" in message.subject
    assert f"/snp/demandes/{request.pk}/" in message.body
    assert "Durandal" not in message.body and "Otite" not in message.body
