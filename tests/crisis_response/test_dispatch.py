"""The outbox: one row per recipient and channel, claimed with a lease, sent once per key."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from maillon.core.notifications.models import Channel
from maillon.crisis_response import dispatch, services
from maillon.crisis_response.factories import ContactPreferenceFactory
from maillon.crisis_response.models import AlertDelivery, CrisisRecipient, DeliveryStatus, Typology

from .conftest import make_member
from .fakes import RecordingSms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _recording_sms(settings):
    settings.MAILLON_SMS_BACKEND = "tests.crisis_response.fakes.RecordingSms"
    RecordingSms.reset()


def activate(cpts, coordinator, capture, **kwargs):
    with capture(execute=True):
        return services.activate(cpts, typology=Typology.SICK, zone="Versailles", by=coordinator, **kwargs)


def test_activation_alerts_level_one_by_sms_and_email(cpts, coordinator, chain, django_capture_on_commit_callbacks):
    crisis = activate(cpts, coordinator, django_capture_on_commit_callbacks)
    alerted = set(crisis.recipients.values_list("professional_id", flat=True))
    assert alerted == {p.pk for p in chain[1]}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in chain[1])
    assert len(RecordingSms.sent) == 2
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_a_member_without_phone_is_alerted_by_email_only(cpts, coordinator, django_capture_on_commit_callbacks):
    make_member(cpts, phone="")
    crisis = activate(cpts, coordinator, django_capture_on_commit_callbacks)
    assert list(AlertDelivery.objects.filter(recipient__crisis=crisis).values_list("channel", flat=True)) == [
        Channel.EMAIL
    ]


def test_the_members_preference_chooses_the_channels(cpts, coordinator, django_capture_on_commit_callbacks):
    professional = make_member(cpts)
    ContactPreferenceFactory(cpts=cpts, professional=professional, by_email=False, by_sms=True)
    activate(cpts, coordinator, django_capture_on_commit_callbacks)
    assert list(AlertDelivery.objects.values_list("channel", flat=True)) == [Channel.SMS]
    assert mail.outbox == []


def test_an_exercise_says_so_in_every_message(cpts, coordinator, chain, django_capture_on_commit_callbacks):
    activate(cpts, coordinator, django_capture_on_commit_callbacks, is_exercise=True)
    assert all(message.subject.startswith("[EXERCICE]") for message in mail.outbox)
    assert all(message.body.startswith("[EXERCICE]") for message in mail.outbox)


def test_a_failed_send_is_retried_later_with_the_same_key(cpts, coordinator, django_capture_on_commit_callbacks):
    make_member(cpts, email=False)
    RecordingSms.reset(failures=1)
    activate(cpts, coordinator, django_capture_on_commit_callbacks)
    delivery = AlertDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == "ConnectionError"
    assert delivery.next_attempt_at > timezone.now()
    assert dispatch.work() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet

    AlertDelivery.objects.update(next_attempt_at=timezone.now())
    assert dispatch.work()["sent"] == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert RecordingSms.calls == [(delivery.idempotency_key, "sent")]


def test_a_delivery_failing_every_time_ends_failed(cpts, coordinator, django_capture_on_commit_callbacks):
    make_member(cpts, email=False)
    RecordingSms.reset(failures=100)
    activate(cpts, coordinator, django_capture_on_commit_callbacks)
    for _ in range(dispatch.MAX_ATTEMPTS):
        AlertDelivery.objects.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=timezone.now())
        dispatch.work()
    delivery = AlertDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, dispatch.MAX_ATTEMPTS)


def test_rows_of_a_dead_worker_are_taken_over_once_its_lease_expires(cpts, coordinator, chain):
    services.activate(cpts, typology=Typology.SICK, zone="Versailles", by=coordinator)  # no commit: not sent
    _, claimed = dispatch.claim(size=100)  # a worker claims everything, then dies
    assert len(claimed) == 4
    assert dispatch.work() == {"sent": 0, "retry": 0, "failed": 0}  # held by its lease

    AlertDelivery.objects.update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    assert dispatch.work()["sent"] == 4
    assert not AlertDelivery.objects.exclude(status=DeliveryStatus.SENT).exists()


def test_a_worker_dead_after_sending_causes_no_second_message(cpts, coordinator, chain):
    services.activate(cpts, typology=Typology.SICK, zone="Versailles", by=coordinator)
    _, claimed = dispatch.claim(size=100)
    backend = RecordingSms()
    for row in claimed:  # sent, but the worker dies before recording it
        if row.channel == Channel.SMS:
            dispatch._send(row, backend)
    AlertDelivery.objects.update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    dispatch.work()
    kinds = {}
    for key, kind in RecordingSms.calls:
        kinds.setdefault(key, []).append(kind)
    assert len(kinds) == 2
    assert all(calls == ["sent", "repeat"] for calls in kinds.values())


def test_a_stalled_worker_does_not_overwrite_the_row_another_took_over(cpts, coordinator):
    make_member(cpts, email=False)
    services.activate(cpts, typology=Typology.SICK, zone="Versailles", by=coordinator)
    old_claim, rows = dispatch.claim(size=10)
    AlertDelivery.objects.update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    new_claim, _ = dispatch.claim(size=10)
    assert dispatch._record(old_claim, rows[0], "", "ConnectionError") == ""
    assert AlertDelivery.objects.get().claim == new_claim


def test_alerting_a_level_twice_alerts_nobody_twice(cpts, coordinator, chain):
    crisis = services.activate(cpts, typology=Typology.SICK, zone="Versailles", by=coordinator)
    assert dispatch.alert_level(crisis, 2, chain[1] + chain[2]) == 2
    assert CrisisRecipient.objects.filter(crisis=crisis).count() == 4
