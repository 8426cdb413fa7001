"""The SAS supplement: SAS consultations counted per doctor and ISO week, the operator warned at 20."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.snp.booking import SAS_WEEKLY_CAP, iso_week_bounds, sas_count, sas_counts_by_slot
from maillon.snp.factories import BookingFactory
from maillon.snp.models import RequesterKind
from maillon.territories.factories import DepartementFactory, TerritoryRoleFactory
from tests.conftest import verified_client

from .requests_support import member_professional, new_request, origin_commune, slot_for


def sas_bookings(doctor, cpts, count, *, at):
    for _ in range(count):
        BookingFactory(
            slot=slot_for(doctor, cpts, status="booked"), request__cpts=cpts, via_sas=True, appointment_at=at
        )


@pytest.mark.django_db
def test_the_count_is_per_iso_week_and_only_via_sas(cpts):
    doctor = member_professional(cpts, commune=origin_commune())
    monday, next_monday = iso_week_bounds(timezone.now())
    sas_bookings(doctor, cpts, 2, at=monday + datetime.timedelta(hours=9))
    sas_bookings(doctor, cpts, 1, at=next_monday + datetime.timedelta(hours=9))
    BookingFactory(
        slot=slot_for(doctor, cpts, status="booked"), request__cpts=cpts, via_sas=False, appointment_at=monday
    )
    assert sas_count(doctor.pk, monday + datetime.timedelta(days=3)) == 2
    assert sas_count(doctor.pk, next_monday) == 1


@pytest.mark.django_db
def test_the_operator_is_warned_when_the_doctor_is_at_the_cap(cpts):
    commune = origin_commune()
    doctor = member_professional(cpts, commune=commune)
    slot = slot_for(doctor, cpts, hours_ahead=2, shared_with_sas=True)
    sas_bookings(doctor, cpts, SAS_WEEKLY_CAP, at=slot.start)
    regulator = UserFactory(with_totp=True)
    TerritoryRoleFactory(user=regulator, role="sas_regulator", departement=DepartementFactory(code="78"))
    care_request = new_request(cpts, by=regulator, commune=commune, kind=RequesterKind.SAS)
    client = verified_client(regulator)
    page = client.get(reverse("snp_request_search", args=[cpts.slug, care_request.pk])).content.decode()
    assert "plafond de 20 atteint" in page
    response = client.post(
        reverse("snp_request_book", args=[cpts.slug, care_request.pk]), {"slot": slot.pk}, follow=True
    )
    content = response.content.decode()
    assert "majoration SAS" in content, [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
def test_the_doctor_and_the_coordinator_see_the_weekly_count(cpts, coordinator):
    doctor = member_professional(cpts, commune=origin_commune())
    sas_bookings(doctor, cpts, 3, at=timezone.now() + datetime.timedelta(minutes=5))
    own = verified_client(doctor.user).get(reverse("snp_request_appointments", args=[cpts.slug])).content.decode()
    assert "<strong>3</strong> sur 20" in own
    page = verified_client(coordinator).get(reverse("snp_request_appointments", args=[cpts.slug])).content.decode()
    assert doctor.last_name in page


@pytest.mark.django_db
def test_a_slot_next_week_shows_the_count_of_its_own_week(cpts):
    doctor = member_professional(cpts, commune=origin_commune())
    _, next_monday = iso_week_bounds(timezone.now())
    # Still this week when the test runs late on a Sunday.
    this_moment = min(timezone.now() + datetime.timedelta(hours=1), next_monday - datetime.timedelta(minutes=5))
    sas_bookings(doctor, cpts, 3, at=this_moment)
    sas_bookings(doctor, cpts, 1, at=next_monday + datetime.timedelta(hours=9))
    this_week = slot_for(doctor, cpts, hours_ahead=1)
    this_week.start = this_moment
    next_week = slot_for(doctor, cpts, hours_ahead=1)
    next_week.start = next_monday + datetime.timedelta(hours=10)
    assert sas_counts_by_slot([this_week, next_week]) == {this_week.pk: 3, next_week.pk: 1}
