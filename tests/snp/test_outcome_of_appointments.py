"""The outcome: after the time, the booked member marks the appointment; the requester sees it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillon.snp.booking import book
from maillon.snp.models import Booking, Outcome, RequestStatus
from maillon.snp.outcomes import record_outcome
from tests.conftest import verified_client

from .requests_support import member_professional, new_request, origin_commune, slot_for


@pytest.fixture
def booked(cpts, member):
    commune = origin_commune()
    doctor = member_professional(cpts, commune=commune)
    care_request = new_request(cpts, by=member, commune=commune)
    booking = book(care_request, slot_for(doctor, cpts, hours_ahead=2), by=member)
    return care_request, booking


def move_to_the_past(booking):
    past = timezone.now() - datetime.timedelta(hours=1)
    Booking.objects.filter(pk=booking.pk).update(appointment_at=past)
    booking.appointment_at = past


@pytest.mark.django_db
def test_the_outcome_waits_for_the_appointment_time(booked):
    _, booking = booked
    with pytest.raises(ValidationError):
        record_outcome(booking, Outcome.HONOURED, by=booking.professional.user)


@pytest.mark.django_db
def test_the_booked_member_marks_a_no_show_and_the_requester_sees_it(cpts, member, booked):
    care_request, booking = booked
    move_to_the_past(booking)
    doctor = verified_client(booking.professional.user)
    response = doctor.post(reverse("snp_request_outcome", args=[cpts.slug, booking.pk]), {"outcome": "no_show"})
    assert response.status_code == 302
    booking.refresh_from_db()
    care_request.refresh_from_db()
    assert booking.outcome == Outcome.NO_SHOW
    assert care_request.status == RequestStatus.CLOSED
    page = verified_client(member).get(reverse("snp_request_detail", args=[cpts.slug, care_request.pk]))
    assert "Non honoré" in page.content.decode()


@pytest.mark.django_db
def test_the_requester_cannot_mark_the_outcome(cpts, member, booked):
    _, booking = booked
    move_to_the_past(booking)
    response = verified_client(member).post(
        reverse("snp_request_outcome", args=[cpts.slug, booking.pk]), {"outcome": "honoured"}
    )
    # The requester sees the request and its appointment, but the outcome is not theirs: 403.
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.outcome == Outcome.PENDING


@pytest.mark.django_db
def test_a_redirection_to_the_emergency_department_is_an_outcome(booked):
    _, booking = booked
    move_to_the_past(booking)
    record_outcome(booking, Outcome.REDIRECTED_ED, by=booking.professional.user)
    booking.refresh_from_db()
    assert booking.get_outcome_display() == "Réorienté vers les urgences"
