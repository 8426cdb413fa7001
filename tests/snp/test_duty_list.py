"""The duty list: volunteers asked by e-mail, the first to accept takes it, escalation after N minutes."""

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.snp import duty
from maillon.snp.models import Booking, DutyAnswer, RequestStatus
from tests.conftest import verified_client

from .requests_support import member_professional, new_request, origin_commune


@pytest.fixture
def volunteers(cpts):
    commune = origin_commune()
    return [member_professional(cpts, commune=commune, takes_part_in_snp=True) for _ in range(2)]


@pytest.mark.django_db
def test_only_active_volunteers_of_the_profession_are_asked_by_email(
    cpts, volunteers, django_capture_on_commit_callbacks
):
    commune = origin_commune()
    member_professional(cpts, commune=commune, takes_part_in_snp=False)
    member_professional(cpts, commune=commune, takes_part_in_snp=True, nurse=True)
    care_request = new_request(cpts, by=UserFactory(), commune=commune)
    with django_capture_on_commit_callbacks(execute=True):
        assert duty.send_to_duty_list(care_request, by=care_request.requested_by) == 2
    assert care_request.status == RequestStatus.ON_DUTY_LIST
    assert {call.professional for call in care_request.duty_calls.all()} == set(volunteers)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(v.email for v in volunteers)
    body = mail.outbox[0].body
    assert "Durand" not in body and "Fièvre" not in body
    assert reverse("snp_request_duty", args=[cpts.slug]) in body


@pytest.mark.django_db
def test_the_first_to_accept_takes_it_the_second_is_too_late(cpts, volunteers):
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune())
    duty.send_to_duty_list(care_request, by=care_request.requested_by)
    first, second = care_request.duty_calls.order_by("pk")
    at = timezone.now() + datetime.timedelta(hours=3)
    booking = duty.accept(first, by=first.professional.user, appointment_at=at)
    with pytest.raises(ValidationError) as refusal:
        duty.accept(second, by=second.professional.user, appointment_at=at)
    assert "déjà pris" in refusal.value.messages[0]
    second.refresh_from_db()
    care_request.refresh_from_db()
    assert second.answer == DutyAnswer.TOO_LATE
    assert care_request.status == RequestStatus.BOOKED
    assert Booking.objects.get() == booking
    assert booking.professional == first.professional and booking.slot is None


@pytest.mark.django_db
def test_a_volunteer_accepts_from_the_duty_page_and_then_sees_the_patient(cpts, volunteers):
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune())
    duty.send_to_duty_list(care_request, by=care_request.requested_by)
    volunteer = volunteers[0]
    call = care_request.duty_calls.get(professional=volunteer)
    client = verified_client(volunteer.user)
    page = client.get(reverse("snp_request_duty", args=[cpts.slug])).content.decode()
    assert "Durand" not in page  # nothing personal before accepting
    detail = reverse("snp_request_detail", args=[cpts.slug, care_request.pk])
    assert client.get(detail).status_code == 404
    at = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    place = volunteer.practice_places.get()
    response = client.post(
        reverse("snp_request_duty", args=[cpts.slug]),
        {
            "call": call.pk,
            "action": "accept",
            f"call{call.pk}-appointment_at": at,
            f"call{call.pk}-practice_place": place.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == detail
    assert "Durand" in client.get(detail).content.decode()


@pytest.mark.django_db
def test_unanswered_after_the_delay_the_command_escalates_to_the_coordinator(
    cpts, volunteers, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.MAILLON_SNP_DUTY_ESCALATION_MINUTES = 30
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune())
    duty.send_to_duty_list(care_request, by=care_request.requested_by)
    mail.outbox.clear()
    assert duty.escalate_overdue(now=timezone.now() + datetime.timedelta(minutes=29)) == 0
    type(care_request).objects.filter(pk=care_request.pk).update(
        sent_to_duty_at=timezone.now() - datetime.timedelta(minutes=31)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("snp_escalate", stdout=io.StringIO())
    care_request.refresh_from_db()
    assert care_request.status == RequestStatus.ESCALATED
    assert care_request.escalated_at is not None
    assert [message.to for message in mail.outbox] == [[coordinator.email]]


@pytest.mark.django_db
def test_a_volunteer_may_still_accept_an_escalated_request(cpts, volunteers):
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune())
    duty.send_to_duty_list(care_request, by=care_request.requested_by)
    duty.escalate_overdue(now=timezone.now() + datetime.timedelta(days=1))
    call = care_request.duty_calls.first()
    duty.accept(call, by=call.professional.user, appointment_at=timezone.now() + datetime.timedelta(hours=1))
    care_request.refresh_from_db()
    assert care_request.status == RequestStatus.BOOKED


@pytest.mark.django_db
def test_when_every_volunteer_declines_the_request_goes_to_the_coordinator_at_once(cpts, volunteers):
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune())
    duty.send_to_duty_list(care_request, by=care_request.requested_by)
    for call in care_request.duty_calls.all():
        duty.decline(call, by=call.professional.user)
    care_request.refresh_from_db()
    assert care_request.status == RequestStatus.ESCALATED


@pytest.mark.django_db
def test_without_volunteers_the_request_is_escalated_at_once(cpts):
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune())
    assert duty.send_to_duty_list(care_request, by=care_request.requested_by) == 0
    care_request.refresh_from_db()
    assert care_request.status == RequestStatus.ESCALATED


@pytest.mark.django_db
def test_a_deferring_backend_gets_an_escalation_task_with_ids_only(
    cpts, volunteers, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune())
    with django_capture_on_commit_callbacks(execute=True):
        duty.send_to_duty_list(care_request, by=care_request.requested_by)
    deferred = [result for result in default_task_backend.results if result.task.run_after is not None]
    assert len(deferred) == 1
    assert deferred[0].args == [care_request.pk]
