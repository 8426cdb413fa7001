"""Accepting from the duty list: a time without offset is Paris time, between now and the
request's deadline, never over the volunteer's own booked slots or appointments; an escalation
landing at the same moment does not make the accept fail."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.core.models import ApiToken
from maillon.snp import duty
from maillon.snp.models import Booking, CareRequest, RequestStatus, SlotStatus

from .requests_support import member_professional, new_request, origin_commune, slot_for


@pytest.fixture
def call(cpts):
    member_professional(cpts, commune=origin_commune(), takes_part_in_snp=True)
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune())
    duty.send_to_duty_list(care_request, by=care_request.requested_by)
    return care_request.duty_calls.get()


def in_hours(hours):
    return timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(hours=hours)


@pytest.mark.django_db
def test_a_naive_appointment_time_through_the_api_is_paris_time_not_a_500(client, cpts, call):
    _, plain = ApiToken.issue(call.professional.user, "test")
    local = timezone.localtime(in_hours(3)).replace(tzinfo=None)
    response = client.post(
        f"/api/v1/cpts/{cpts.pk}/snp/duty-calls/{call.pk}/accept",
        json.dumps({"appointment_at": local.isoformat()}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    assert response.status_code == 201, response.content
    assert Booking.objects.get().appointment_at == in_hours(3)


@pytest.mark.django_db
def test_an_appointment_after_the_deadline_is_refused_naming_the_field(call):
    with pytest.raises(ValidationError) as refusal:
        duty.accept(call, by=call.professional.user, appointment_at=call.request.deadline + datetime.timedelta(hours=1))
    assert "Rendez-vous le" in refusal.value.messages[0] and "échéance" in refusal.value.messages[0]
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_an_appointment_in_the_past_is_refused(call):
    with pytest.raises(ValidationError, match="à venir"):
        duty.accept(call, by=call.professional.user, appointment_at=in_hours(-1))


@pytest.mark.django_db
def test_an_appointment_over_the_volunteers_booked_slot_is_refused(cpts, call):
    slot_for(call.professional, cpts, hours_ahead=3, status=SlotStatus.BOOKED)
    with pytest.raises(ValidationError, match="déjà un rendez-vous"):
        duty.accept(call, by=call.professional.user, appointment_at=in_hours(3) + datetime.timedelta(minutes=5))
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_an_appointment_over_another_duty_appointment_is_refused(cpts, call):
    other = new_request(cpts, by=UserFactory(), commune=origin_commune())
    duty.send_to_duty_list(other, by=other.requested_by)
    duty.accept(other.duty_calls.get(), by=call.professional.user, appointment_at=in_hours(3))
    with pytest.raises(ValidationError, match="déjà un rendez-vous"):
        duty.accept(call, by=call.professional.user, appointment_at=in_hours(3) + datetime.timedelta(minutes=10))
    duty.accept(call, by=call.professional.user, appointment_at=in_hours(4))


@pytest.mark.django_db
def test_an_escalation_landing_between_read_and_write_does_not_lose_the_accept(call, monkeypatch):
    real_book = CareRequest.book

    def escalated_meanwhile(care_request, **kwargs):
        if care_request.status == RequestStatus.ON_DUTY_LIST:
            CareRequest.objects.filter(pk=care_request.pk).update(status=RequestStatus.ESCALATED)
        return real_book(care_request, **kwargs)

    monkeypatch.setattr(CareRequest, "book", escalated_meanwhile)
    duty.accept(call, by=call.professional.user, appointment_at=in_hours(2))
    assert CareRequest.objects.get().status == RequestStatus.BOOKED
    assert list(CareRequest.objects.get().events.values_list("from_status", "to_status"))[-1] == (
        "escalated",
        "booked",
    )
