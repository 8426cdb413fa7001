"""Messages from the coordination to a selection of members, with an unsubscribe link.

Unsubscribing applies to every message of that CPTS (the mailing-list level): it sets
`Membership.unsubscribed_at`. A member whose account switched the coordination's messages off
(notification preferences) is not selected. The link carries a signed, opaque token naming
the adhesion, never an address. Sent messages and their recipients are kept.

Sending is queued: the request writes the message and its recipients, and the task
`send_mailing_task` (the persistent queue, `db_worker`) sends them through the one
notification mechanism, once per recipient even if the task runs twice.
"""

from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone

from maillon.core import journal
from maillon.core.missions import known as known_missions
from maillon.core.notifications import kinds, sending
from maillon.core.notifications.models import Channel, Delivery, DeliveryStatus, NotificationPreference

from .models import Involvement, Mailing, MailingRecipient, Membership, MembershipStatus, RecipientStatus
from .professions import Profession

UNSUBSCRIBE_SALT = "maillon.members.mailing.unsubscribe"
# Only people still in (or joining) the CPTS may be written to; active members by default.
ALLOWED_STATUSES = {MembershipStatus.ACTIVE.value, MembershipStatus.REQUESTED.value}
DEFAULT_STATUSES = [MembershipStatus.ACTIVE.value]


def normalize_criteria(criteria) -> dict:
    """Known keys and values only, as sorted lists of strings (colleges and missions: ints)."""
    criteria = criteria or {}

    def values(key, allowed):
        return sorted({str(value) for value in criteria.get(key) or [] if str(value) in allowed})

    statuses = values("statuses", ALLOWED_STATUSES) or list(DEFAULT_STATUSES)
    colleges = sorted(
        {int(value) for value in criteria.get("colleges") or [] if str(value).isascii() and str(value).isdigit()}
    )
    missions = known_missions(criteria.get("missions"))
    return {
        "colleges": colleges,
        "professions": values("professions", set(Profession.values)),
        "missions": missions,
        "involvements": values("involvements", set(Involvement.values)),
        "statuses": statuses,
    }


def select_recipients(cpts, criteria):
    """The adhesions of `cpts` that match `criteria`, have an address and did not unsubscribe.

    Criteria combine with AND, the values of one criterion with OR; an empty one means all.
    Each row carries `recipient_email` (the professional's, else the structure's).
    """
    criteria = normalize_criteria(criteria)
    queryset = (
        Membership.objects.for_cpts(cpts)
        .filter(status__in=criteria["statuses"], unsubscribed_at__isnull=True)
        .matching(
            colleges=criteria["colleges"],
            professions=criteria["professions"],
            missions=criteria["missions"],
            involvements=criteria["involvements"],
        )
    )
    # One subquery: exclude() over a multi-valued relation would not bind kind and email to one row.
    switched_off = NotificationPreference.objects.filter(kind=kinds.MEMBERS_MAILING, email=False).values("user_id")
    return (
        queryset.exclude(professional__user__in=switched_off)
        .annotate(
            recipient_email=Coalesce(NullIf("professional__email", Value("")), NullIf("structure__email", Value("")))
        )
        .filter(recipient_email__isnull=False)
        .select_related("professional", "structure", "college")
        .order_by("pk")
    )


# --- Unsubscribe token -----------------------------------------------------------------


def unsubscribe_token(membership) -> str:
    """Signed and opaque; no expiry (the link stays valid in every message ever sent)."""
    return signing.dumps({"m": membership.pk}, salt=UNSUBSCRIBE_SALT)


def membership_of_token(cpts, token):
    """The adhesion of `cpts` named by `token`, or None if it is tampered with or of another CPTS."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    pk = payload.get("m") if isinstance(payload, dict) else None
    if not isinstance(pk, int):
        return None
    return Membership.objects.for_cpts(cpts).filter(pk=pk).first()


def unsubscribe_url(membership) -> str:
    path = reverse("members_unsubscribe", args=[membership.cpts.slug, unsubscribe_token(membership)])
    return sending.absolute(path)


def list_message(membership, *, subject: str, body: str, why: str, **content) -> sending.Content:
    """A message of the CPTS's list to an adhesion (mailings, meeting invitations): the footer says
    `why` it came and how to stop them all, the List-Unsubscribe headers (one click, RFC 8058)
    carry the same link, and answers go to the CPTS."""
    url = unsubscribe_url(membership)
    return sending.Content(
        subject=subject,
        body=f"{body}\n\n-- \nVous recevez ce message {why}.\nPour ne plus recevoir les messages de la CPTS : {url}\n",
        headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        reply_to=[membership.cpts.email] if membership.cpts.email else None,
        **content,
    )


def unsubscribe(membership) -> bool:
    """Stop the CPTS's messages to this adhesion; False if it already was (nothing written)."""
    if membership.unsubscribed_at is not None:
        return False
    membership.unsubscribed_at = timezone.now()
    membership.save(update_fields=["unsubscribed_at"])
    return True


# --- Sending ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    mailing: Mailing
    sent: int
    failed: int


ALREADY_SENT = "Ce message est déjà parti (double envoi évité) : retrouvez-le dans la liste des messages."


class AlreadySent(Exception):
    pass


@transaction.atomic
def create_mailing(cpts, *, subject, body, criteria, by, send_key=None) -> Mailing:
    criteria = normalize_criteria(criteria)
    memberships = list(select_recipients(cpts, criteria))
    try:
        with transaction.atomic():
            mailing = Mailing.objects.create(
                cpts=cpts,
                subject=subject,
                body=body,
                criteria=criteria,
                sent_by=by,
                recipient_count=len(memberships),
                send_key=send_key or None,
            )
    except IntegrityError as error:  # the same preview sent twice
        raise AlreadySent(ALREADY_SENT) from error
    MailingRecipient.objects.bulk_create(
        MailingRecipient(mailing=mailing, membership=membership, email=membership.recipient_email)
        for membership in memberships
    )
    journal_recipients(mailing, len(memberships), by=by)
    sending.on_commit(send_mailing_task, mailing.pk)
    return mailing


def journal_recipients(mailing, count: int, *, by):
    """bulk_create skips the per-row journal: one entry for all the recipients of a message
    (field names and a count, never addresses)."""
    fields = ["mailing", "membership", "email", "status"]
    _journal(mailing, journal.Action.CREATE, fields, by, f"{count} destinataire(s)")


def journal_sending(mailing, sent: int, failed: int) -> None:
    """What a sending changed of the recipients' states: counts, never addresses."""
    _journal(mailing, journal.Action.UPDATE, ["status"], mailing.sent_by, f"{sent} envoyé(s), {failed} échec(s)")


def _journal(mailing, action, fields: list, actor, note: str) -> None:
    journal.record(
        action,
        object_type="members.MailingRecipient",
        object_id=f"mailing:{mailing.pk}",
        cpts_id=mailing.cpts_id,
        fields=fields,
        actor=actor,
        note=note,
    )


def send_mailing(cpts, *, subject, body, criteria, by, send_key=None) -> SendResult:
    """Create the message and its recipients (one transaction); the sending is queued when it
    commits. `sent` counts the recipients handed to the sending, `failed` those already failed
    (when the queue runs inline, as in tests)."""
    mailing = create_mailing(cpts, subject=subject, body=body, criteria=criteria, by=by, send_key=send_key)
    statuses = list(mailing.recipients.values_list("status", flat=True))
    failed = statuses.count(RecipientStatus.FAILED)
    return SendResult(mailing=mailing, sent=len(statuses) - failed, failed=failed)


@sending.notification_task()
def send_mailing_task(mailing_id: int, message_id: str = "") -> int:
    """Send one e-mail per recipient still pending, over one connection; a failure is recorded
    on its recipient and the others go on. Returns how many were sent."""
    mailing = Mailing.objects.select_related("cpts", "sent_by").filter(pk=mailing_id).first()
    if mailing is None:
        return 0
    # A failed e-mail is tried again while its ledger row has attempts left (`sending.deliver`
    # decides): the scheduled retry (core.notifications.tasks.retry_stale) runs this task again.
    recipients = list(
        mailing.recipients.filter(status__in=[RecipientStatus.PENDING, RecipientStatus.FAILED])
        .select_related("membership__cpts", "membership__professional")
        .order_by("pk")
    )
    items = [
        (
            sending.Recipient(
                key=f"mailing_recipient:{recipient.pk}",
                user_id=getattr(recipient.membership.professional, "user_id", None),
                email=recipient.email,
            ),
            list_message(
                recipient.membership,
                subject=mailing.subject,
                body=mailing.body.rstrip(),
                why=f"en tant qu'adhérent de la {mailing.cpts.name}",
            ),
        )
        for recipient in recipients
    ]
    # The mailing is the message: a second run of the task sends nobody twice.
    message = sending.message_key("members.mailing", mailing.pk)
    sending.notify_many(kinds.MEMBERS_MAILING, message, items)
    # The ledger says what became of each e-mail: sent now or before, or failed (its attempts
    # spent, or some left for the next retry); « already » alone could be either.
    ledger = dict(
        Delivery.objects.filter(
            message=message, channel=Channel.EMAIL, recipient__startswith="mailing_recipient:"
        ).values_list("recipient", "status")
    )
    sent_ids = [r.pk for r in recipients if ledger.get(f"mailing_recipient:{r.pk}") == DeliveryStatus.SENT]
    failed_ids = [r.pk for r in recipients if ledger.get(f"mailing_recipient:{r.pk}") == DeliveryStatus.FAILED]
    with transaction.atomic():
        # Conditional: a run that read the ledger before another run's success never writes its
        # failure over the « sent » (sent is final); only what changed is counted and journaled.
        sent = MailingRecipient.objects.filter(pk__in=sent_ids).exclude(status=RecipientStatus.SENT)
        sent = sent.update(status=RecipientStatus.SENT)
        failed = MailingRecipient.objects.filter(pk__in=failed_ids, status=RecipientStatus.PENDING)
        failed = failed.update(status=RecipientStatus.FAILED)
        if sent or failed:
            journal_sending(mailing, sent, failed)
    return len(sent_ids)
