"""Messages from the coordination to a selection of members, with an unsubscribe link.

Unsubscribing applies to every message of that CPTS (the mailing-list level): it sets
`Membership.unsubscribed_at`. The link carries a signed, opaque token naming the
adhesion, never an address. Sent messages and their recipients are kept.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone

from maillon.core import journal
from maillon.core.missions import Mission

from .models import Involvement, Mailing, MailingRecipient, Membership, MembershipStatus, RecipientStatus
from .professions import Profession

logger = logging.getLogger(__name__)

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
    missions = sorted({int(value) for value in values("missions", {str(number) for number in Mission.values})})
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
    return (
        queryset.annotate(
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
    return settings.SITE_URL.rstrip("/") + path


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


def footer(cpts, url) -> str:
    return (
        "\n\n-- \n"
        f"Vous recevez ce message en tant qu'adhérent de la {cpts.name}.\n"
        f"Pour ne plus recevoir les messages de la CPTS : {url}\n"
    )


def build_message(mailing, recipient, connection) -> EmailMessage:
    url = unsubscribe_url(recipient.membership)
    headers = {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return EmailMessage(
        subject=mailing.subject,
        body=mailing.body.rstrip() + footer(mailing.cpts, url),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        reply_to=[mailing.cpts.email] if mailing.cpts.email else None,
        headers=headers,
        connection=connection,
    )


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
    # bulk_create skips the per-row journal: one entry for all (field names, never addresses).
    journal.record(
        journal.Action.CREATE,
        object_type="members.MailingRecipient",
        object_id=f"mailing:{mailing.pk}",
        cpts_id=cpts.pk,
        fields=["mailing", "membership", "email", "status"],
        actor=by,
        note=f"{len(memberships)} destinataire(s)",
    )
    return mailing


def send_mailing(cpts, *, subject, body, criteria, by, send_key=None) -> SendResult:
    """Create the message and its recipients (one transaction), then send one e-mail each
    over a single connection. A failure is recorded on its recipient and the others go on."""
    mailing = create_mailing(cpts, subject=subject, body=body, criteria=criteria, by=by, send_key=send_key)
    recipients = list(mailing.recipients.select_related("membership__cpts").order_by("pk"))
    sent_ids, failed_ids = [], []
    connection = get_connection()
    try:
        connection.open()
    except Exception:
        # No traceback: SMTP errors may quote addresses, and logs hold no personal data.
        logger.error("Mailing %s: the e-mail connection could not be opened", mailing.pk)
        failed_ids = [recipient.pk for recipient in recipients]
        recipients = []
    try:
        for recipient in recipients:
            try:
                delivered = connection.send_messages([build_message(mailing, recipient, connection)])
            except Exception as error:
                # Never log the address (nor the SMTP message, which may quote it): ids are enough.
                logger.error(
                    "Mailing %s: sending to recipient %s failed (%s)", mailing.pk, recipient.pk, type(error).__name__
                )
                delivered = 0
            (sent_ids if delivered else failed_ids).append(recipient.pk)
    finally:
        connection.close()
    with transaction.atomic():
        MailingRecipient.objects.filter(pk__in=sent_ids).update(status=RecipientStatus.SENT)
        MailingRecipient.objects.filter(pk__in=failed_ids).update(status=RecipientStatus.FAILED)
        journal.record(
            journal.Action.UPDATE,
            object_type="members.MailingRecipient",
            object_id=f"mailing:{mailing.pk}",
            cpts_id=cpts.pk,
            fields=["status"],
            actor=by,
            note=f"{len(sent_ids)} envoyé(s), {len(failed_ids)} échec(s)",
        )
    return SendResult(mailing=mailing, sent=len(sent_ids), failed=len(failed_ids))
