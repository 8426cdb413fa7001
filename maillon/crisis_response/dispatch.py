"""Sending the alerts: an outbox worked by any number of workers, none of which is trusted
to survive.

1. `alert_level` writes, in one transaction, a `CrisisRecipient` per member of the level
   and an `AlertDelivery` per recipient and channel, each with its idempotency key; the
   dispatch task is enqueued when that transaction commits.
2. `work` claims a batch of due rows (`select_for_update(skip_locked=True)` on
   PostgreSQL; a single conditional UPDATE under SQLite's write lock), marks them
   `sending` with a lease, calls the provider with each row's key and records each
   outcome right after its send (a conditional UPDATE on the claim, in its own short
   transaction) — only for rows it still holds. It starts no send with less than
   `SEND_MARGIN_SECONDS` of lease left (the e-mail timeout is below that margin) and
   hands such rows back at once.
3. A worker killed mid-batch leaves its unsent rows `sending`: once their lease expires,
   any worker claims them again. Its sent rows are already `sent`, so no e-mail (SMTP
   has no idempotency) goes out twice; only a kill between a send and its record repeats
   that one key, which an SMS provider sends once (`core/notifications/sms.py`).
4. A failed send goes back to `pending` with a growing delay, same key, up to
   `MAX_ATTEMPTS`; then `failed`, shown on the board.

Correctness does not depend on the task queue: `manage.py crisis_sweep` (cron, every
minute) and `crisis_dispatch` work the same rows.

The outbox stays specialised (levels, leases, batches) but shares the notification mechanism's
channels, SMS provider, address rules and preferences (`maillon.core.notifications`): the kind
`crisis.alert` is safety-critical, so a member may choose e-mail or SMS, never neither.
"""

import datetime
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from maillon.core import journal
from maillon.core.models import JournalEntry
from maillon.core.notifications import kinds, sms
from maillon.core.notifications.models import Channel
from maillon.core.notifications.sending import absolute, e164, preferences

from .models import (
    AlertDelivery,
    ContactPreference,
    CrisisRecipient,
    DeliveryStatus,
    LogEntry,
    LogKind,
)
from .tokens import token_for

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
LEASE_SECONDS = 120
MAX_ATTEMPTS = 6
# No send starts with less than this left of its lease; the e-mail timeout stays below it.
SEND_MARGIN_SECONDS = 30
EMAIL_TIMEOUT_SECONDS = 20
# Seconds before retry n (1-based): 30 s, 2 min, 5 min, 15 min, 30 min.
BACKOFF_SECONDS = [30, 120, 300, 900, 1800]


class NoAddress(Exception):
    """The member has no address left on this channel: nothing to retry."""


def channels_for(professional, preference: ContactPreference | None, personal=None) -> list[str]:
    """The member's chosen channels they have an address for; no phone → e-mail only. A
    member whose only address is on a channel they did not choose is still alerted on it.
    `personal`: the member's own notification preference for crisis alerts (their account's
    page), which narrows the CPTS's choice — never to nothing."""
    by_email = preference.by_email if preference else True
    by_sms = preference.by_sms if preference else True
    if personal is not None and (personal.email or personal.sms):
        by_email, by_sms = by_email and personal.email, by_sms and personal.sms
        if not (by_email or by_sms):  # the two choices disagree: the member's own wins
            by_email, by_sms = personal.email, personal.sms
    has_email, has_phone = bool(professional.email), bool(e164(professional.phone))
    chosen = [
        c for c, on, has in ((Channel.SMS, by_sms, has_phone), (Channel.EMAIL, by_email, has_email)) if on and has
    ]
    if chosen:
        return chosen
    return [Channel.EMAIL] if has_email else [Channel.SMS] if has_phone else []


def alert_level(crisis, rank: int, professionals, *, now=None, label: str = "") -> int:
    """Alert `professionals` as level `rank` of `crisis` (those already alerted are
    skipped); returns how many were alerted. The sending starts once this commits."""
    now = now or timezone.now()
    with transaction.atomic():
        already = set(crisis.recipients.values_list("professional_id", flat=True))
        chosen = list({p.pk: p for p in professionals if p.pk not in already}.values())
        recipients = CrisisRecipient.objects.bulk_create(
            [CrisisRecipient(crisis=crisis, professional=p, level_rank=rank, alerted_at=now) for p in chosen]
        )
        contact_preferences = {
            row.professional_id: row
            for row in ContactPreference.objects.filter(cpts_id=crisis.cpts_id, professional__in=[p.pk for p in chosen])
        }
        personal = preferences(kinds.CRISIS_ALERT, (p.user_id for p in chosen))
        deliveries = [
            AlertDelivery(recipient=recipient, channel=channel, idempotency_key=uuid.uuid4().hex, next_attempt_at=now)
            for recipient in recipients
            for channel in channels_for(
                recipient.professional,
                contact_preferences.get(recipient.professional_id),
                personal.get(recipient.professional.user_id),
            )
        ]
        AlertDelivery.objects.bulk_create(deliveries, batch_size=500)
        _journal_created(recipients, crisis.cpts_id)
        crisis.alerted_rank, crisis.level_alerted_at = rank, now
        crisis.save(update_fields=["alerted_rank", "level_alerted_at"])
        LogEntry.objects.create(
            crisis=crisis,
            at=now,
            kind=LogKind.SYSTEM,
            text=f"Alerte du niveau {rank}{f' ({label})' if label else ''} : {len(recipients)} membre(s) alerté(s).",
        )
        from .tasks import dispatch_alerts  # the tasks import this module

        transaction.on_commit(lambda: dispatch_alerts.enqueue(crisis.pk), robust=True)
    return len(recipients)


def _journal_created(recipients, cpts_id):
    """Bulk-created rows skip JournaledModel.save: one CREATE entry each, in one query."""
    actor = journal.current_actor()
    fields = sorted(f.name for f in CrisisRecipient._meta.concrete_fields if not f.primary_key)
    JournalEntry.objects.bulk_create(
        [
            JournalEntry(
                action=journal.Action.CREATE,
                actor_id=getattr(actor, "pk", None),
                object_type=CrisisRecipient._meta.label,
                object_id=str(recipient.pk),
                fields=fields,
                cpts_id=cpts_id,
            )
            for recipient in recipients
        ],
        batch_size=500,
    )


# --- The worker ---------------------------------------------------------------------------


def _due(now, crisis_id=None):
    """Rows to send now; none of an ended crisis (`Crisis.end` cancels its pending rows, and a
    row still `sending` then is never taken over)."""
    due = AlertDelivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, lease_until__lt=now),
        recipient__crisis__ended_at__isnull=True,
    )
    return due.filter(recipient__crisis_id=crisis_id) if crisis_id else due


def claim(*, size: int = BATCH_SIZE, lease_seconds: int = LEASE_SECONDS, crisis_id=None, now=None):
    """Take up to `size` due rows for this worker: (claim id, rows). Rows whose lease has
    expired (their worker died or stalled) are due again."""
    now = now or timezone.now()
    claim_id = uuid.uuid4().hex
    with transaction.atomic():
        due = _due(now, crisis_id).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            ids = list(due.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)[:size])
        else:  # SQLite: the UPDATE below runs under the database's single write lock
            ids = due.values("pk")[:size]
        # The condition again: a row taken by another worker meanwhile is not taken twice.
        _due(now, crisis_id).filter(pk__in=ids).update(
            status=DeliveryStatus.SENDING,
            claim=claim_id,
            lease_until=now + datetime.timedelta(seconds=lease_seconds),
            attempts=F("attempts") + 1,
        )
    rows = list(
        AlertDelivery.objects.filter(claim=claim_id, status=DeliveryStatus.SENDING)
        .select_related("recipient__crisis__cpts", "recipient__professional")
        .order_by("pk")
    )
    return claim_id, rows


def work(
    *,
    crisis_id=None,
    batch_size: int = BATCH_SIZE,
    lease_seconds: int = LEASE_SECONDS,
    after_send: Callable[[int], None] | None = None,
    max_batches: int | None = None,
) -> dict:
    """Claim and send batches until none is due; {"sent": n, "retry": n, "failed": n}.
    Each outcome is recorded right after its send (SMTP has no idempotency: a killed worker
    must not leave a sent e-mail to be sent again). `after_send(count)` is called after each
    send is recorded (the benchmark kills a worker there)."""
    totals = {"sent": 0, "retry": 0, "failed": 0}
    backend = sms.get_backend()
    mail = get_connection(timeout=email_timeout())
    margin = datetime.timedelta(seconds=send_margin_seconds(lease_seconds))
    calls = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        claim_id, rows = claim(size=batch_size, lease_seconds=lease_seconds, crisis_id=crisis_id)
        if not rows:
            break
        batches += 1
        for row in rows:
            if row.lease_until - timezone.now() < margin:
                break  # too close to the lease's end: another worker could take the row meanwhile
            message_id, error = _send(row, backend, mail)
            outcome = _record(claim_id, row, message_id, error)
            if outcome:
                totals[outcome] += 1
            calls += 1
            if after_send is not None:
                after_send(calls)
        _release(claim_id)
    return totals


def send_margin_seconds(lease_seconds) -> float:
    """No send starts with less than this left of the lease (half of very short leases): the
    send and its record must land before the lease ends, database lock waits included."""
    return min(SEND_MARGIN_SECONDS, lease_seconds / 2)


def email_timeout() -> float:
    """The SMTP timeout, below the margin: a send never outlives its row's lease."""
    configured = getattr(settings, "EMAIL_TIMEOUT", None)
    return min(configured or EMAIL_TIMEOUT_SECONDS, EMAIL_TIMEOUT_SECONDS)


def _send(row, backend, mail=None) -> tuple[str, str]:
    """(provider message id, "") or ("", error class name)."""
    try:
        if row.channel == Channel.SMS:
            return _send_sms(row, backend), ""
        return _send_email(row, mail), ""
    except Exception as error:  # never logged with its message: it may quote the address
        logger.warning("Alert delivery n° %s failed (%s)", row.pk, type(error).__name__)
        return "", type(error).__name__


def _record(claim_id, row, message_id, error) -> str:
    """One send's outcome, at once, if this worker still holds the row: "sent", "retry",
    "failed" (or "" when the row was taken over meanwhile)."""
    now = timezone.now()
    if message_id:
        changes = {"status": DeliveryStatus.SENT, "provider_message_id": message_id, "sent_at": now}
        outcome = "sent"
    elif error == NoAddress.__name__ or row.attempts >= MAX_ATTEMPTS:
        changes = {"status": DeliveryStatus.FAILED, "last_error": error}
        outcome = "failed"
    else:
        delay = BACKOFF_SECONDS[min(row.attempts, len(BACKOFF_SECONDS)) - 1]
        changes = {
            "status": DeliveryStatus.PENDING,
            "last_error": error,
            "next_attempt_at": now + datetime.timedelta(seconds=delay),
        }
        outcome = "retry"
    mine = AlertDelivery.objects.filter(pk=row.pk, claim=claim_id, status=DeliveryStatus.SENDING)
    return outcome if mine.update(lease_until=None, **changes) else ""


def _release(claim_id) -> None:
    """The claim's rows left unsent (lease too short): due again now, not after the lease,
    and that claim was not an attempt."""
    AlertDelivery.objects.filter(claim=claim_id, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING, lease_until=None, attempts=F("attempts") - 1
    )


# --- The messages ---------------------------------------------------------------------------


def answer_link(recipient) -> str:
    return absolute(reverse("crisis_response_ack", args=[token_for(recipient)]))


def alert_text(recipient) -> tuple[str, str]:
    """(subject, text); an exercise says so first, so it is never taken for a crisis."""
    crisis = recipient.crisis
    marker = "[EXERCICE] " if crisis.is_exercise else ""
    kind = "Exercice d'alerte" if crisis.is_exercise else "Alerte crise sanitaire"
    subject = f"{marker}{crisis.cpts.name} — {kind}"
    text = (
        f"{marker}{kind} de la {crisis.cpts.name}.\n"
        f"Typologie : {crisis.get_typology_display()}.\nZone : {crisis.zone}.\n"
        f"Indiquez si vous êtes disponible (lien personnel, une seule réponse) : {answer_link(recipient)}"
    )
    return subject, text


def _send_sms(row, backend) -> str:
    phone = e164(row.recipient.professional.phone)
    if not phone:
        raise NoAddress
    _, text = alert_text(row.recipient)
    return backend.send(to=phone, body=text, idempotency_key=row.idempotency_key)


def _send_email(row, mail=None) -> str:
    """Django mail. SMTP knows no idempotency: the Message-ID comes from the key, so a
    repeat after a crash carries the same id and mail clients show it once."""
    email = row.recipient.professional.email
    if not email:
        raise NoAddress
    subject, text = alert_text(row.recipient)
    message_id = f"<alert-{row.idempotency_key}@maillon>"
    EmailMessage(subject, text, None, [email], headers={"Message-ID": message_id}, connection=mail).send()
    return message_id
