"""The SNP indicators, through the ACI registry, over a period."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from maillon.contracts.registry import compute_indicator, indicator
from maillon.core.factories import UserFactory
from maillon.snp.booking import book
from maillon.snp.models import Booking, CareRequest, Outcome

from .requests_support import member_professional, new_request, origin_commune, slot_for


def period():
    today = timezone.localdate()
    return today - datetime.timedelta(days=7), today + datetime.timedelta(days=7)


@pytest.mark.django_db
def test_every_snp_indicator_is_registered_for_mission_1():
    for code in (
        "snp_requests_received",
        "snp_answered_24h_share",
        "snp_answered_48h_share",
        "snp_median_answer_hours",
        "snp_appointments_honoured",
        "snp_appointments_not_honoured",
        "snp_members_taking_part",
        "snp_slots_offered",
        "snp_slots_used",
    ):
        assert indicator(code).mission == 1, code


@pytest.mark.django_db
def test_requests_answered_within_24_and_48_hours(cpts):
    commune = origin_commune()
    doctor = member_professional(cpts, commune=commune, takes_part_in_snp=True)
    quick, slow, never = (new_request(cpts, by=UserFactory(), commune=commune, urgency="48h") for _ in range(3))
    book(quick, slot_for(doctor, cpts, hours_ahead=1), by=quick.requested_by)
    book(slow, slot_for(doctor, cpts, hours_ahead=2), by=slow.requested_by)
    CareRequest.objects.filter(pk=slow.pk).update(created_at=timezone.now() - datetime.timedelta(hours=30))
    start, end = period()
    assert compute_indicator("snp_requests_received", cpts, start, end) == 3
    assert compute_indicator("snp_answered_24h_share", cpts, start, end) == Decimal("33.3")
    assert compute_indicator("snp_answered_48h_share", cpts, start, end) == Decimal("66.7")
    assert compute_indicator("snp_slots_offered", cpts, start, end) == 2
    assert compute_indicator("snp_slots_used", cpts, start, end) == 2
    assert compute_indicator("snp_members_taking_part", cpts, start, end) == 1
    assert never.answered_at is None


@pytest.mark.django_db
def test_appointments_honoured_and_not_honoured(cpts):
    commune = origin_commune()
    doctor = member_professional(cpts, commune=commune)
    outcomes = [Outcome.HONOURED, Outcome.HONOURED, Outcome.NO_SHOW]
    for hours, outcome in enumerate(outcomes, start=1):
        care_request = new_request(cpts, by=UserFactory(), commune=commune)
        booking = book(care_request, slot_for(doctor, cpts, hours_ahead=hours), by=care_request.requested_by)
        Booking.objects.filter(pk=booking.pk).update(outcome=outcome)
    start, end = period()
    assert compute_indicator("snp_appointments_honoured", cpts, start, end) == 2
    assert compute_indicator("snp_appointments_not_honoured", cpts, start, end) == 1


@pytest.mark.django_db
def test_nothing_counts_outside_the_period(cpts):
    new_request(cpts, by=UserFactory(), commune=origin_commune())
    today = timezone.localdate()
    last_year = (today - datetime.timedelta(days=400), today - datetime.timedelta(days=300))
    assert compute_indicator("snp_requests_received", cpts, *last_year) == 0
    assert compute_indicator("snp_answered_24h_share", cpts, *last_year) == 0
