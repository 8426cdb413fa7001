"""A request still waiting at its deadline is closed (« Échéance dépassée sans rendez-vous »)
and counts as not placed in the indicators."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.snp import duty, indicators
from maillon.snp.models import CareRequest, DutyAnswer, RequestStatus

from .requests_support import member_professional, new_request, origin_commune


@pytest.mark.django_db
def test_a_request_past_its_deadline_is_closed_and_counts_as_unanswered(cpts):
    member_professional(cpts, commune=origin_commune(), takes_part_in_snp=True)
    waiting = new_request(cpts, by=UserFactory(), commune=origin_commune())
    duty.send_to_duty_list(waiting, by=waiting.requested_by)
    fresh = new_request(cpts, by=UserFactory(), commune=origin_commune(), urgency="48h")
    after_24h = timezone.now() + datetime.timedelta(hours=25)

    assert duty.close_expired(now=after_24h) == 1

    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.CLOSED and waiting.answered_at is None
    assert waiting.events.last().note == "Échéance dépassée sans rendez-vous"
    assert not waiting.duty_calls.filter(answer=DutyAnswer.PENDING).exists()
    assert CareRequest.objects.get(pk=fresh.pk).status == RequestStatus.OPEN
    today = timezone.localdate()
    period = (today, today + datetime.timedelta(days=1))
    assert indicators.requests_received(cpts, *period) == 2
    assert indicators.answered_within_48h_share(cpts, *period) == 0


@pytest.mark.django_db
def test_the_escalation_command_closes_expired_requests(cpts):
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune())
    CareRequest.objects.filter(pk=care_request.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    call_command("snp_escalate", stdout=io.StringIO())
    assert CareRequest.objects.get().status == RequestStatus.CLOSED
