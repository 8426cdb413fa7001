"""Telling a person something — in-app, e-mail, SMS — the one way every app uses.

1. The write that has something to say calls `on_commit(task, *ids)`: the app's task is put on
   the persistent queue (`django_tasks_db`, run by `manage.py db_worker`) once the transaction
   commits — never sent during the request, nothing sent on a rollback. Task arguments are ids
   only (they are stored in the queue), plus a `message_id` drawn at enqueue time.
2. The task reads its objects, builds each recipient's `Content` and calls `notify(...)`.
3. `notify` keeps the channels the kind offers, the recipient has an address for and (with an
   account) their preference allows (`channels_for`), then, per channel, `deliver`: a ledger row
   unique per (message, recipient, channel) is claimed by a conditional UPDATE before the send
   and marked sent right after it. A second run of the same task finds the rows sent and sends
   nothing; a worker killed after its claim leaves the row `sending` until its lease ends, then
   a new run takes it. Only a kill between a send and its record repeats that one send: the SMS
   provider dedupes on the row's key (sms.py), the e-mail carries it as Message-ID.

Failures are logged with the kind, the row's id and the exception's class — never an address.
"""

import contextvars
import datetime
import functools
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

import phonenumbers
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from . import sms
from .kinds import ACCOUNT, KINDS
from .models import Channel, Delivery, DeliveryStatus, Notification, NotificationPreference

logger = logging.getLogger(__name__)

LEASE_SECONDS = 300
MAX_ATTEMPTS = 5

SENT = "sent"
FAILED = "failed"
ALREADY = "already"  # sent before (or being sent by a live worker): not sent again


_running: contextvars.ContextVar[tuple[str, dict]] = contextvars.ContextVar("notification_task", default=("", {}))


def notification_task(**options):
    """`django_tasks.task` for a task that sends messages: its ledger rows remember it and its
    arguments (ids only), so `tasks.retry_stale` can run it again."""

    def decorate(function):
        path = f"{function.__module__}.{function.__qualname__}"

        @functools.wraps(function)
        def run(*args, **kwargs):
            token = _running.set((path, {"args": list(args), "kwargs": kwargs}))
            try:
                return function(*args, **kwargs)
            finally:
                _running.reset(token)

        return task(**options)(run)

    return decorate


def on_commit(task, *args) -> str:
    """Enqueue `task(*args, message_id=…)` once the current transaction commits (at once
    outside one); the message id. `args` are ids: a task's arguments are stored in the queue."""
    message_id = uuid.uuid4().hex
    transaction.on_commit(partial(task.enqueue, *args, message_id=message_id), robust=True)
    return message_id


def absolute(path: str) -> str:
    """A link for a message: the site's one URL (`MAILLON_SITE_URL`, set by `make run PORT=…`)."""
    return settings.SITE_URL.rstrip("/") + path


def message_key(kind: str, *ids, message_id: str = "") -> str:
    """The ledger's message: the kind, the objects, and the enqueue's id (a message sent twice on
    purpose, e.g. a meeting changed twice, is two messages)."""
    return ":".join([kind, *(str(value) for value in ids), message_id])[:150]


def e164(phone: str) -> str:
    """The number in E.164 for an SMS provider, "" when it is not a valid number."""
    try:
        number = phonenumbers.parse(phone or "", "FR")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class Recipient:
    """Who, by ids and addresses read in the task (never stored in the queue or the ledger)."""

    key: str  # "user:5", "professional:3", "patient:9", "mailing_recipient:7"
    user_id: int | None = None
    email: str = ""
    phone: str = ""

    @classmethod
    def professional(cls, professional) -> "Recipient":
        """A health professional: their card's e-mail, their account's in-app notifications."""
        return cls(key=f"professional:{professional.pk}", user_id=professional.user_id, email=professional.email)

    @classmethod
    def user(cls, user) -> "Recipient":
        return cls(key=f"user:{user.pk}", user_id=user.pk, email=user.email)


@dataclass
class Content:
    subject: str
    body: str
    url: str = ""  # the in-app notification's link (absolute or a path)
    sms: str = ""  # the SMS text (the body by default)
    headers: dict = field(default_factory=dict)
    reply_to: list[str] | None = None
    attachments: list[tuple[str, str, str]] = field(default_factory=list)


def preferences(kind: str, user_ids: Iterable[int | None]) -> dict[int, NotificationPreference]:
    ids = {user_id for user_id in user_ids if user_id}
    if not ids:
        return {}
    return {row.user_id: row for row in NotificationPreference.objects.filter(kind=kind, user_id__in=ids)}


def channels_for(recipient: Recipient, kind: str, preference: NotificationPreference | None = None) -> list[str]:
    """The kind's channels the recipient can be reached on, filtered by their preference. A
    critical kind switched off everywhere still goes out on every channel it can."""
    spec = KINDS[kind]
    addresses = {
        Channel.IN_APP: bool(recipient.user_id),
        Channel.EMAIL: bool(recipient.email),
        Channel.SMS: bool(e164(recipient.phone)),
    }
    reachable = [channel for channel in spec.channels if addresses[channel]]
    if preference is None:
        return reachable
    wanted = [channel for channel in reachable if getattr(preference, channel)]
    return wanted if wanted or not spec.critical else reachable


def deliver(*, kind: str, message: str, recipient: str, channel: str, send: Callable[[str], str]) -> str:
    """Send once per (message, recipient, channel): SENT, FAILED or ALREADY. `send(key)` does
    the sending with the row's idempotency key and returns the provider's id."""
    row, _ = Delivery.objects.get_or_create(
        message=message,
        recipient=recipient,
        channel=channel,
        defaults={
            "kind": kind,
            "idempotency_key": uuid.uuid4().hex,
            "task": _running.get()[0],
            "arguments": _running.get()[1],
        },
    )
    now = timezone.now()
    claim = uuid.uuid4().hex
    due = Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING, lease_until__lt=now)
    due |= Q(status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
    taken = Delivery.objects.filter(due, pk=row.pk).update(
        status=DeliveryStatus.SENDING,
        claim=claim,
        lease_until=now + datetime.timedelta(seconds=LEASE_SECONDS),
        attempts=F("attempts") + 1,
    )
    if not taken:
        return ALREADY
    mine = Delivery.objects.filter(pk=row.pk, claim=claim, status=DeliveryStatus.SENDING)
    try:
        provider_id = send(row.idempotency_key) or ""
    except Exception as error:  # never logged with its message: it may quote the address
        logger.error("Notification %s (%s) n° %s failed (%s)", kind, channel, row.pk, type(error).__name__)
        mine.update(status=DeliveryStatus.FAILED, last_error=type(error).__name__, lease_until=None)
        return FAILED
    mine.update(
        status=DeliveryStatus.SENT, provider_message_id=provider_id[:200], sent_at=timezone.now(), lease_until=None
    )
    return SENT


def _send_email(recipient: Recipient, content: Content, connection, key: str) -> str:
    message_id = f"<{key}@maillon>"
    email = EmailMessage(
        subject=content.subject,
        body=content.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        reply_to=content.reply_to,
        headers={"Message-ID": message_id, **content.headers},
        connection=connection,
    )
    for filename, data, mimetype in content.attachments:
        email.attach(filename, data, mimetype)
    if not email.send():
        raise OSError("not delivered")
    return message_id


def _send_sms(recipient: Recipient, content: Content, key: str) -> str:
    return sms.get_backend().send(to=e164(recipient.phone), body=content.sms or content.body, idempotency_key=key)


def _send_in_app(recipient: Recipient, kind: str, content: Content) -> str:
    notification = Notification.objects.create(
        user_id=recipient.user_id, kind=kind, title=content.subject[:200], body=content.body, url=content.url[:500]
    )
    return f"notification-{notification.pk}"


def notify_many(
    kind: str, message: str, items: Iterable[tuple[Recipient, Content]], *, channels: Iterable[str] | None = None
) -> dict[str, dict[str, str]]:
    """Send `message` to each recipient on their channels, over one e-mail connection;
    {recipient key: {channel: SENT | FAILED | ALREADY}}. Never raises on a failed send."""
    items = list(items)
    chosen = preferences(kind, (recipient.user_id for recipient, _ in items))
    outcomes: dict[str, dict[str, str]] = {}
    # Bounded well inside the lease: a hung SMTP call must not outlive its claimed rows.
    connection = get_connection(
        timeout=min(getattr(settings, "EMAIL_TIMEOUT", None) or LEASE_SECONDS, LEASE_SECONDS // 5)
    )
    try:
        connection.open()
    except Exception as error:  # each e-mail then fails and is logged with its row
        logger.error("Notification %s: the e-mail connection could not be opened (%s)", kind, type(error).__name__)
    try:
        for recipient, content in items:
            wanted = channels_for(recipient, kind, chosen.get(recipient.user_id))
            if channels is not None:
                wanted = [channel for channel in wanted if channel in channels]
            senders = {
                Channel.EMAIL: partial(_send_email, recipient, content, connection),
                Channel.SMS: partial(_send_sms, recipient, content),
                Channel.IN_APP: lambda _key, recipient=recipient, content=content: _send_in_app(
                    recipient, kind, content
                ),
            }
            outcomes[recipient.key] = {
                channel: deliver(
                    kind=kind, message=message, recipient=recipient.key, channel=channel, send=senders[channel]
                )
                for channel in wanted
            }
    finally:
        try:
            connection.close()
        except Exception as error:
            logger.error("Notification %s: closing the e-mail connection failed (%s)", kind, type(error).__name__)
    return outcomes


def notify(kind: str, message: str, recipient: Recipient, content: Content) -> dict[str, str]:
    """One recipient: {channel: SENT | FAILED | ALREADY}."""
    return notify_many(kind, message, [(recipient, content)])[recipient.key]


def sent_any(outcomes: dict[str, str]) -> bool:
    return SENT in outcomes.values()


def letter(body: str, signature: str, *, link: str = "", link_label: str = "") -> str:
    """The shared frame of a message: greeting, text, the link, the signature."""
    lines = ["Bonjour,", "", body]
    if link:
        lines += ["", f"{link_label}\n{link}" if link_label else link]
    lines += ["", signature]
    return "\n".join(lines) + "\n"


def from_cpts(cpts, subject: str, body: str, *, url: str = "", **link) -> Content:
    """A CPTS's message: its name before the subject and as the signature; `url` is the in-app
    link, `link` and `link_label` a link written in the text (see `letter`)."""
    return Content(f"{cpts.name} — {subject}", letter(body, cpts.name, **link), url=url)


def account_email(template: str, user, context: dict, *, message_id: str) -> bool:
    """A message about `user`'s account (kind `account`: e-mail only, never switched off),
    written in `accounts/emails/<template>_subject.txt` and `…_body.txt`; whether it went out."""
    subject = render_to_string(f"accounts/emails/{template}_subject.txt", context).strip()
    content = Content(subject, render_to_string(f"accounts/emails/{template}_body.txt", context))
    message = message_key(f"{ACCOUNT}.{template}", user.pk, message_id=message_id)
    return sent_any(notify(ACCOUNT, message, Recipient.user(user), content))
