"""Every message is queued on commit and sent by the worker, once per (message, recipient,
channel) — even when the task runs twice or a worker died holding a row."""

import datetime
import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from maillon.core.factories import UserFactory
from maillon.core.notifications import kinds
from maillon.core.notifications.models import Channel, Delivery, DeliveryStatus, Notification
from maillon.core.notifications.sending import Content, Recipient, deliver, notify
from maillon.meetings import notifications as meeting_notifications
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.snp import notifications as snp_notifications
from maillon.snp.factories import DutyCallFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def test_a_mailing_page_request_sends_nothing_the_queued_task_sends(
    cpts, coordinator, django_capture_on_commit_callbacks
):
    MembershipFactory(cpts=cpts)
    client = verified_client(coordinator)
    url = reverse("members_mailing_new", args=[cpts.slug])
    preview = client.post(url, {"action": "preview", "subject": "AG", "body": "Bonjour"})
    data = {"action": "send", "subject": "AG", "body": "Bonjour"}
    data.update({"previewed": preview.context["form"]["previewed"].value(), "send_key": "k" * 32})
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert client.post(url, data).status_code == 302
    assert mail.outbox == []  # the request wrote the message, sent nothing
    assert len(queued) == 1
    queued[0]()  # the worker runs the task
    assert len(mail.outbox) == 1


def test_the_persistent_queue_holds_the_task_with_ids_only(cpts, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    professional = ProfessionalFactory(email="jeanne.secret@example.org")
    call = DutyCallFactory(request__cpts=cpts, professional=professional)
    with django_capture_on_commit_callbacks(execute=True):
        snp_notifications.on_commit(snp_notifications.send_duty_call, call.pk)
    assert mail.outbox == []  # queued for db_worker, not sent
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path.endswith("send_duty_call")
    arguments = json.dumps([queued.args_kwargs])
    assert str(call.pk) in arguments and "@" not in arguments and "jeanne" not in arguments


def test_running_the_same_task_twice_sends_once(cpts):
    call = DutyCallFactory(request__cpts=cpts, professional=ProfessionalFactory(user=None))
    assert snp_notifications.send_duty_call.call(call.pk, message_id="m1") is True
    assert snp_notifications.send_duty_call.call(call.pk, message_id="m1") is False  # the ledger says: sent
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    # Another message (another enqueue) about the same call is another send.
    assert snp_notifications.send_duty_call.call(call.pk, message_id="m2") is True
    assert len(mail.outbox) == 2


def test_a_meeting_notice_run_twice_writes_each_invitee_once(cpts, django_capture_on_commit_callbacks):
    from maillon.meetings.factories import MeetingFactory, MeetingSlotFactory
    from maillon.meetings.services import invite

    user_professional = ProfessionalFactory(user=UserFactory())
    MembershipFactory(cpts=cpts, professional=user_professional)
    MembershipFactory(cpts=cpts)
    meeting = MeetingFactory(cpts=cpts)
    MeetingSlotFactory(meeting=meeting)
    invite(meeting)
    for _ in range(2):
        meeting_notifications.send_notice.call(meeting.pk, meeting_notifications.POLL, None, None, message_id="x")
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(user=user_professional.user).count() == 1  # in-app, once too


def test_a_row_held_by_a_live_worker_is_left_alone_and_taken_over_after_its_lease(cpts):
    sent = []
    Delivery.objects.create(
        message="k:1:",
        recipient="user:1",
        channel=Channel.EMAIL,
        kind=kinds.MT_DOCTOR,
        idempotency_key="key-1",
        status=DeliveryStatus.SENDING,
        claim="dead",
        lease_until=timezone.now() + datetime.timedelta(minutes=1),
        attempts=1,
    )

    def send(key):
        sent.append(key)
        return "id"

    arguments = {"kind": kinds.MT_DOCTOR, "message": "k:1:", "recipient": "user:1", "channel": Channel.EMAIL}
    assert deliver(**arguments, send=send) == "already"
    Delivery.objects.update(lease_until=timezone.now() - datetime.timedelta(seconds=1))  # the worker died
    assert deliver(**arguments, send=send) == "sent"
    assert deliver(**arguments, send=send) == "already"
    assert sent == ["key-1"]  # once, with the row's key


def test_a_failed_send_is_recorded_without_the_address_and_retried_by_the_next_run(cpts, monkeypatch, caplog):
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages
    monkeypatch.setattr(EmailBackend, "send_messages", lambda self, messages: (_ for _ in ()).throw(OSError("x@y")))
    recipient = Recipient(key="patient:1", email="x@y.org")
    content = Content("Objet", "Texte")
    assert notify(kinds.MT_PATIENT, "m:1:", recipient, content) == {Channel.EMAIL: "failed"}
    assert "x@y" not in caplog.text and "OSError" in caplog.text
    monkeypatch.setattr(EmailBackend, "send_messages", original)
    assert notify(kinds.MT_PATIENT, "m:1:", recipient, content) == {Channel.EMAIL: "sent"}
    assert notify(kinds.MT_PATIENT, "m:1:", recipient, content) == {Channel.EMAIL: "already"}
    assert len(mail.outbox) == 1


def test_an_sms_goes_through_the_core_backend_with_the_row_key(settings, capsys):
    from maillon.core.notifications.sms import ConsoleSmsBackend
    from maillon.crisis_response import sms as crisis_sms

    assert crisis_sms.ConsoleSmsBackend is ConsoleSmsBackend  # the old path still works
    settings.MAILLON_SMS_BACKEND = "maillon.core.notifications.sms.ConsoleSmsBackend"
    ConsoleSmsBackend.forget()
    recipient = Recipient(key="professional:1", phone="06 12 34 56 78", email="")
    assert notify(kinds.CRISIS_ALERT, "c:1:", recipient, Content("Alerte", "Texte", sms="SMS court")) == {
        Channel.SMS: "sent"
    }
    assert "SMS court" in capsys.readouterr().out
    assert Delivery.objects.get().provider_message_id.startswith("console-")
    ConsoleSmsBackend.forget()


def test_the_retry_task_finishes_what_a_failure_or_a_dead_worker_left(cpts, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    from maillon.core.notifications.tasks import retry_stale

    call = DutyCallFactory(request__cpts=cpts, professional=ProfessionalFactory(user=None))
    original = EmailBackend.send_messages
    monkeypatch.setattr(EmailBackend, "send_messages", lambda self, messages: (_ for _ in ()).throw(OSError()))
    assert snp_notifications.send_duty_call.call(call.pk, message_id="m") is False
    row = Delivery.objects.get()
    assert (row.status, row.task) == (DeliveryStatus.FAILED, "maillon.snp.notifications.send_duty_call")
    assert row.arguments == {"args": [call.pk], "kwargs": {"message_id": "m"}}  # ids only
    monkeypatch.setattr(EmailBackend, "send_messages", original)
    assert retry_stale.call() == 1
    assert len(mail.outbox) == 1
    assert retry_stale.call() == 0  # nothing stale any more
    # A worker that died holding the row: taken again once its lease ended, sent once.
    Delivery.objects.update(
        status=DeliveryStatus.SENDING, lease_until=timezone.now() - datetime.timedelta(seconds=1), sent_at=None
    )
    assert retry_stale.call() == 1
    assert len(mail.outbox) == 2
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_the_retry_task_is_scheduled():
    from maillon.core import scheduler

    assert "notifications_retry" in {periodic.name for periodic in scheduler.registered()}
