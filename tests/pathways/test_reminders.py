"""Reminders to patients (maillon/pathways/reminders.py): the daily job, the opt-out link and
the SMS replies at POST /sms/inbound."""

import datetime
import hashlib
import hmac
import json
import logging

import pytest
from django.core import signing
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.core.notifications.models import Delivery, DeliveryStatus
from maillon.pathways import care, reminder_tasks, reminders
from maillon.pathways.factories import CareTaskFactory, InclusionFactory, ProgrammeStepFactory
from maillon.pathways.models import InclusionStatus

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PHONE = "06 12 34 56 78"
SECRET = "s3cret-for-tests"
STOP_PATH = "/parcours/rappels/arret/{}/"


class SmsOutbox:
    """An SMS provider that keeps what it was given (and sends a key once, as a real one)."""

    messages: dict[str, tuple[str, str]] = {}

    def send(self, *, to, body, idempotency_key):
        type(self).messages.setdefault(idempotency_key, (to, body))
        return f"sms-{idempotency_key}"


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.MAILLON_SMS_BACKEND = f"{__name__}.SmsOutbox"
    settings.MAILLON_SMS_INBOUND_SECRET = SECRET
    SmsOutbox.messages = {}


def day(n):
    return TODAY + datetime.timedelta(days=n)


def reminded_task(*, days_before=2, due_in=2, perinatal=False, **inclusion):
    """An open task of a step that reminds `days_before` days ahead, due in `due_in` days."""
    inclusion = InclusionFactory(birth_name="Zorglub", **({"reminder_channel": "sms", "phone": PHONE} | inclusion))
    inclusion.programme.perinatal = perinatal
    inclusion.programme.save()
    step = ProgrammeStepFactory(
        programme=inclusion.programme, title="Consultation du 4e mois", reminder_days_before=days_before
    )
    return CareTaskFactory(inclusion=inclusion, step=step, title=step.title, due_on=day(due_in))


def run_the_job(capture) -> int:
    with capture(execute=True):
        return reminder_tasks.queue_reminders.enqueue().return_value


# --- The daily job -------------------------------------------------------------------------------


def test_the_job_reminds_once_per_task_and_channel_even_run_twice(django_capture_on_commit_callbacks, mailoutbox):
    by_sms = reminded_task()
    by_email = reminded_task(reminder_channel="email", email="patiente@example.org", phone=PHONE)
    reminded_task(due_in=3)  # its reminder is tomorrow
    assert run_the_job(django_capture_on_commit_callbacks) == 2
    assert run_the_job(django_capture_on_commit_callbacks) == 2  # queued again, sent once
    # The channel the patient chose, and only it (the second patient has a phone too).
    assert [to for to, _ in SmsOutbox.messages.values()] == ["+33612345678"]
    assert [message.to for message in mailoutbox] == [["patiente@example.org"]]
    rows = Delivery.objects.filter(kind="pathways.reminder").order_by("pk")
    assert [(row.recipient, row.channel, row.status) for row in rows] == [
        (f"inclusion:{by_sms.inclusion_id}", "sms", DeliveryStatus.SENT),
        (f"inclusion:{by_email.inclusion_id}", "email", DeliveryStatus.SENT),
    ]
    assert rows[0].message == f"pathways.reminder:{by_sms.pk}:"


def test_what_a_reminder_says_and_does_not_say(django_capture_on_commit_callbacks, mailoutbox):
    task = reminded_task(reminder_channel="email", email="patiente@example.org")
    sms_task = reminded_task()
    run_the_job(django_capture_on_commit_callbacks)
    (email,) = mailoutbox
    (sms,) = [body for _, body in SmsOutbox.messages.values()]
    short = day(2).strftime("%d/%m/%Y")
    assert task.cpts.name in email.subject and short in email.subject
    assert "« Consultation du 4e mois »" in email.body  # the step's title in the e-mail's body only
    assert "4e mois" not in email.subject and "4e mois" not in sms
    assert sms.startswith(sms_task.cpts.name) and short in sms and "répondez STOP" in sms
    for text in (email.subject, email.body, sms):
        assert "Zorglub" not in text and task.inclusion.programme.name not in text
    assert STOP_PATH.format(reminders.stop_token(task.inclusion)) in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert STOP_PATH.format(reminders.stop_token(sms_task.inclusion)) in sms


def test_a_perinatal_programme_s_reminder_names_no_step(django_capture_on_commit_callbacks, mailoutbox):
    reminded_task(perinatal=True, reminder_channel="email", email="patiente@example.org")
    run_the_job(django_capture_on_commit_callbacks)
    assert "4e mois" not in mailoutbox[0].body
    assert "un rendez-vous de suivi" in mailoutbox[0].body


@pytest.mark.parametrize(
    "inclusion",
    [
        {"reminder_channel": ""},  # no consent
        {"reminders_stopped_on": TODAY - datetime.timedelta(days=3)},  # stopped
        {"status": InclusionStatus.CLOSED, "closed_on": TODAY},  # closed
    ],
    ids=["without-consent", "after-a-stop", "closed-inclusion"],
)
def test_nothing_is_sent_without_consent_after_a_stop_or_for_a_closed_inclusion(
    django_capture_on_commit_callbacks, mailoutbox, inclusion
):
    reminded_task(**inclusion)
    assert run_the_job(django_capture_on_commit_callbacks) == 0
    assert not SmsOutbox.messages and not mailoutbox and not Delivery.objects.exists()


def test_a_task_done_or_a_step_without_reminder_is_not_reminded(django_capture_on_commit_callbacks):
    care.complete_task(reminded_task(), by=None, outcome="Rendez-vous avancé, fait")
    reminded_task(days_before=None)
    assert run_the_job(django_capture_on_commit_callbacks) == 0


def test_a_stop_between_the_queue_and_the_send_is_respected(django_capture_on_commit_callbacks):
    task = reminded_task()
    with django_capture_on_commit_callbacks() as queued:
        reminder_tasks.queue_reminders.enqueue()
    reminders.stop(type(task.inclusion).objects.filter(pk=task.inclusion_id), how="test")
    for callback in queued:
        callback()
    assert not SmsOutbox.messages


# --- The opt-out link ----------------------------------------------------------------------------


def test_the_opt_out_page_asks_on_get_and_stops_on_post(client):
    task = reminded_task()
    url = STOP_PATH.format(reminders.stop_token(task.inclusion))
    page = client.get(url)
    assert page.status_code == 200 and b"Arr\xc3\xaater les rappels" in page.content
    assert b"Zorglub" not in page.content
    task.inclusion.refresh_from_db()
    assert task.inclusion.reminders_stopped_on is None  # a link prefetcher stops nothing
    done = client.post(url)  # no CSRF token: mail clients' one-click posts have none
    assert done.status_code == 200 and "C'est fait" in done.content.decode()
    task.inclusion.refresh_from_db()
    assert task.inclusion.reminders_stopped_on == TODAY
    assert "déjà arrêtés" in client.post(url).content.decode()
    assert "déjà arrêtés" in client.get(url).content.decode()


def test_the_token_of_one_inclusion_cannot_be_forged_for_another(client):
    mine, other = reminded_task().inclusion, reminded_task().inclusion
    signed = reminders.stop_token(mine).split(":", 1)[1]  # its time and its signature
    forged_payload = reminders.stop_token(other).split(":")[0]
    for token in (
        f"{forged_payload}:{signed}",  # another's id under my signature
        signing.dumps({"i": other.pk}, salt="another.salt", compress=False),  # another link's salt
        signing.dumps({"m": other.pk}, salt=reminders.STOP_SALT, compress=False),  # not an inclusion
        "nimporte-quoi",
    ):
        response = client.post(STOP_PATH.format(token))
        assert response.status_code == 404
    other.refresh_from_db()
    assert other.reminders_stopped_on is None


# --- The SMS replies -------------------------------------------------------------------------------


def post_reply(client, body: dict | str, *, secret=SECRET, form=False, signature=None):
    raw = (body if isinstance(body, str) else json.dumps(body)).encode()
    if form:
        raw = "&".join(f"{key}={value}" for key, value in body.items()).replace("+", "%2B").encode()
    signature = signature or "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return client.generic(
        "POST",
        "/sms/inbound",
        raw,
        content_type="application/x-www-form-urlencoded" if form else "application/json",
        HTTP_X_MAILLON_SIGNATURE=signature,
    )


def stopped(*inclusions) -> list[bool]:
    return [type(i).objects.get(pk=i.pk).reminders_stopped_on is not None for i in inclusions]


def test_a_wrong_signature_is_refused_and_changes_nothing(client, settings):
    inclusion = reminded_task().inclusion
    assert post_reply(client, {"from": "+33612345678", "text": "STOP"}, secret="wrong").status_code == 403
    assert post_reply(client, {"from": "+33612345678", "text": "STOP"}, signature="nothing").status_code == 403
    settings.MAILLON_SMS_INBOUND_SECRET = ""  # not set: everything is refused, even signed with ""
    assert post_reply(client, {"from": "+33612345678", "text": "STOP"}, secret="").status_code == 403
    assert stopped(inclusion) == [False]


def test_stop_stops_the_inclusions_of_that_number_only(client, caplog):
    caplog.set_level(logging.DEBUG)
    first = reminded_task().inclusion
    elsewhere = reminded_task(phone="+33 6 12 34 56 78").inclusion  # another CPTS, written otherwise
    other_number = reminded_task(phone="06 12 34 56 79").inclusion
    response = post_reply(client, {"from": "+33612345678", "text": "  arrêt svp"})
    assert response.status_code == 200 and response.json() == {"stopped": 2}
    assert stopped(first, elsewhere, other_number) == [True, True, False]
    assert post_reply(client, {"from": "0612345679", "text": "Stop."}, form=True).json() == {"stopped": 1}
    assert stopped(other_number) == [True]
    entries = JournalEntry.objects.filter(object_type="pathways.Inclusion", fields=["reminders_stopped_on"])
    assert entries.count() == 3
    written = caplog.text + " ".join(entry.note for entry in entries)
    for secret in ("12 34 56", "612345678", "Zorglub"):
        assert secret not in written


def test_other_texts_change_nothing(client):
    inclusion = reminded_task().inclusion
    for text in ("Merci, à jeudi", "Je ne veux pas STOP", ""):
        response = post_reply(client, {"from": "+33612345678", "text": text})
        assert response.json() == {"stopped": 0}
    assert stopped(inclusion) == [False]


def test_a_bad_body_is_400_and_a_big_one_413(client):
    assert post_reply(client, "not json").status_code == 400
    assert post_reply(client, {"from": 33612345678, "text": "STOP"}).status_code == 400
    assert post_reply(client, {"text": "STOP"}).status_code == 400
    assert post_reply(client, {"from": "+33612345678", "text": "STOP " * 1000}).status_code == 413
    assert client.get("/sms/inbound").status_code == 405


# --- Counts ----------------------------------------------------------------------------------------


def test_counts_of_sent_failed_and_opted_out_per_cpts(django_capture_on_commit_callbacks):
    task = reminded_task()
    quitter = reminded_task(reminders_stopped_on=TODAY)
    elsewhere = reminded_task(reminder_channel="email", email="patiente@example.org")
    run_the_job(django_capture_on_commit_callbacks)
    Delivery.objects.filter(recipient=f"inclusion:{elsewhere.inclusion_id}").update(status=DeliveryStatus.FAILED)
    assert reminders.reminder_counts(task.cpts, day(-7), TODAY) == {"sent": 1, "failed": 0, "opted_out": 0}
    assert reminders.reminder_counts(elsewhere.cpts, day(-7), TODAY) == {"sent": 0, "failed": 1, "opted_out": 0}
    assert reminders.reminder_counts(quitter.cpts, day(-7), TODAY) == {"sent": 0, "failed": 0, "opted_out": 1}
    assert reminders.reminder_counts(task.cpts, day(-30), day(-8)) == {"sent": 0, "failed": 0, "opted_out": 0}
