"""Ending a crisis stops its alerts: pending sends and waiting retries are cancelled, and a
dead worker's rows are not taken over."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from maillon.crisis_response import dispatch
from maillon.crisis_response.factories import CrisisFactory
from maillon.crisis_response.models import AlertDelivery, DeliveryStatus

from .conftest import make_member
from .fakes import RecordingSms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _recording_sms(settings):
    settings.MAILLON_SMS_BACKEND = "tests.crisis_response.fakes.RecordingSms"
    RecordingSms.reset()


def test_a_retry_waiting_when_the_crisis_ends_is_cancelled_not_sent(cpts, coordinator):
    crisis = CrisisFactory(cpts=cpts)
    dispatch.alert_level(crisis, 1, [make_member(cpts, email=False)])
    RecordingSms.reset(failures=1)
    assert dispatch.work()["retry"] == 1
    crisis.end(by=coordinator)
    AlertDelivery.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    assert dispatch.work()["sent"] == 0
    assert RecordingSms.sent == {}
    assert AlertDelivery.objects.get().status == DeliveryStatus.CANCELLED
    assert "1 envoi(s) en attente annulé(s)" in crisis.log.last().text


def test_a_dead_workers_rows_of_an_ended_crisis_are_not_taken_over(cpts, coordinator):
    crisis = CrisisFactory(cpts=cpts)
    dispatch.alert_level(crisis, 1, [make_member(cpts, phone="")])
    dispatch.claim()  # the worker dies holding the row
    crisis.end(by=coordinator)
    AlertDelivery.objects.update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    dispatch.work()
    assert mail.outbox == []
