"""Each send is recorded at once: a worker killed mid-batch never has its e-mails sent
again (SMTP knows no idempotency), and no send starts too close to the lease's end."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from maillon.crisis_response import dispatch
from maillon.crisis_response.factories import CrisisFactory
from maillon.crisis_response.models import AlertDelivery, DeliveryStatus

from .conftest import make_member
from .fakes import RecordingSms, TimeoutRecordingEmailBackend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _recording_sms(settings):
    settings.MAILLON_SMS_BACKEND = "tests.crisis_response.fakes.RecordingSms"
    RecordingSms.reset()


class Killed(Exception):
    pass


def email_alert(cpts, count):
    crisis = CrisisFactory(cpts=cpts)
    dispatch.alert_level(crisis, 1, [make_member(cpts, phone="") for _ in range(count)])
    return crisis


def die_after(n):
    def after_send(count):
        if count >= n:
            raise Killed

    return after_send


def test_emails_sent_before_a_worker_dies_are_not_sent_again_after_its_lease(cpts):
    email_alert(cpts, 5)
    with pytest.raises(Killed):
        dispatch.work(after_send=die_after(2))
    assert AlertDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 2
    # The dead worker's lease expires; another worker takes its rows over.
    AlertDelivery.objects.filter(status=DeliveryStatus.SENDING).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    dispatch.work()
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == 5 and len(set(recipients)) == 5
    assert AlertDelivery.objects.exclude(status=DeliveryStatus.SENT).count() == 0


def test_no_send_starts_with_less_than_the_margin_left_of_the_lease(cpts, monkeypatch):
    email_alert(cpts, 3)
    real_now = timezone.now

    def lease_nearly_over(count):  # the first send took 100 s of the 120 s lease
        monkeypatch.setattr(dispatch.timezone, "now", lambda: real_now() + datetime.timedelta(seconds=100))

    dispatch.work(after_send=lease_nearly_over, max_batches=1, lease_seconds=120)
    assert len(mail.outbox) == 1
    # The others are handed back at once, not counted as an attempt.
    left = AlertDelivery.objects.exclude(status=DeliveryStatus.SENT)
    assert [(row.status, row.attempts, row.lease_until) for row in left] == [(DeliveryStatus.PENDING, 0, None)] * 2


def test_the_email_connection_times_out_before_the_lease_margin(cpts, settings):
    settings.EMAIL_BACKEND = "tests.crisis_response.fakes.TimeoutRecordingEmailBackend"
    settings.EMAIL_TIMEOUT = None
    TimeoutRecordingEmailBackend.timeouts = []
    email_alert(cpts, 1)
    dispatch.work()
    assert TimeoutRecordingEmailBackend.timeouts
    assert all(0 < timeout < dispatch.SEND_MARGIN_SECONDS for timeout in TimeoutRecordingEmailBackend.timeouts)
