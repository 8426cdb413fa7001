"""The coordination's message to the members of each governed demo CPTS: the invitation to its
general assembly (maillon/demo/governance.py), sent three weeks or so before it.

Written as `maillon.members.mailing` leaves a message once its sending task has run, without
sending anything (no e-mail, no task queued): the message with its criteria (the active
members, `normalize_criteria`) and its count; one recipient per adhesion that
`select_recipients` picks among those who had joined by then, with the address used; each
recipient's state after the sending (sent, one address refused by its server); the delivery
ledger's row of each e-mail (`Delivery`: sent once, the refused one failed for good, so
`tasks.retry_stale` never sends it again); and the journal entries the product writes for the
recipients.

Deterministic (one random generator per CPTS, from the seed) and idempotent: the message is
found again by CPTS and subject.
"""

import datetime
import random

from django.utils import formats, timezone, translation

from maillon.core.models import Cpts, User
from maillon.core.notifications import kinds, sending
from maillon.core.notifications.models import Channel, Delivery, DeliveryStatus
from maillon.governance.models import AssemblyKind, GeneralAssembly
from maillon.members import mailing as members_mailing
from maillon.members.models import Mailing, MailingRecipient, MembershipStatus, RecipientStatus

from .governance import ASSEMBLY_AGENDA

SUBJECT = "Invitation à l'assemblée générale ordinaire"
SEND_TASK = f"{members_mailing.__name__}.send_mailing_task"
# The exception class the sending records for an address the receiving server refused.
REFUSED = "SMTPRecipientsRefused"
ASSEMBLY_TIME = datetime.time(19, 30)


def body(cpts: Cpts, assembly: GeneralAssembly, coordinator: User) -> str:
    with translation.override("fr"):
        day = formats.date_format(assembly.date, "l j F Y")
    return (
        "Chères adhérentes, chers adhérents,\n\n"
        f"L'assemblée générale ordinaire de la {cpts.name} se tiendra le {day} à "
        f"{ASSEMBLY_TIME:%H} h {ASSEMBLY_TIME:%M}, {assembly.place}.\n\n"
        f"Ordre du jour :\n{ASSEMBLY_AGENDA}\n\n"
        "Si vous ne pouvez pas venir, vous pouvez donner pouvoir à un autre adhérent de votre collège. "
        "Merci de nous dire si vous serez présent(e) en répondant à ce message.\n\n"
        f"Bien cordialement,\n{coordinator.first_name} {coordinator.last_name}\nCoordination de la {cpts.name}"
    )


def ensure_mailing(cpts: Cpts, coordinator: User, *, seed: int) -> Mailing | None:
    """The sent invitation to the assembly; None when left alone (no assembly, or sent already)."""
    if cpts.is_dissolved or Mailing.objects.for_cpts(cpts).filter(subject=SUBJECT).exists():
        return None
    assembly = GeneralAssembly.objects.for_cpts(cpts).filter(kind=AssemblyKind.ORDINARY, agenda=ASSEMBLY_AGENDA).first()
    if assembly is None:
        return None
    rng = random.Random(f"{seed}:mailing:{cpts.slug}")
    sent_on = assembly.date - datetime.timedelta(days=rng.randint(18, 24))
    sent_at = timezone.make_aware(datetime.datetime.combine(sent_on, datetime.time(rng.randint(9, 11), 15)))
    criteria = members_mailing.normalize_criteria({"statuses": [MembershipStatus.ACTIVE]})
    memberships = list(members_mailing.select_recipients(cpts, criteria).filter(joined_on__lte=sent_on))
    if not memberships:
        return None
    mailing = Mailing.objects.create(
        cpts=cpts,
        subject=SUBJECT,
        body=body(cpts, assembly, coordinator),
        criteria=criteria,
        sent_at=sent_at,
        sent_by=coordinator,
        recipient_count=len(memberships),
    )
    refused = rng.randrange(len(memberships))
    recipients = MailingRecipient.objects.bulk_create(
        MailingRecipient(
            mailing=mailing,
            membership=membership,
            email=membership.recipient_email,
            status=RecipientStatus.FAILED if index == refused else RecipientStatus.SENT,
        )
        for index, membership in enumerate(memberships)
    )
    record_ledger(mailing, recipients, rng)
    # What `create_mailing` and `send_mailing_task` journal (field names and counts, never addresses).
    members_mailing.journal_recipients(mailing, len(recipients), by=coordinator)
    members_mailing.journal_sending(mailing, len(recipients) - 1, 1)
    return mailing


def record_ledger(mailing: Mailing, recipients: list[MailingRecipient], rng: random.Random) -> None:
    """One `Delivery` per e-mail, as `sending.deliver` leaves it after the task's one run."""
    message = sending.message_key(kinds.MEMBERS_MAILING, mailing.pk)
    arguments = {"args": [mailing.pk], "kwargs": {"message_id": f"{rng.getrandbits(128):032x}"}}
    rows = []
    for recipient in recipients:
        key = f"{rng.getrandbits(128):032x}"
        row = Delivery(
            message=message,
            recipient=f"mailing_recipient:{recipient.pk}",
            channel=Channel.EMAIL,
            kind=kinds.MEMBERS_MAILING,
            idempotency_key=key,
            task=SEND_TASK,
            arguments=arguments,
        )
        if recipient.status == RecipientStatus.SENT:
            row.status, row.attempts = DeliveryStatus.SENT, 1
            row.sent_at = mailing.sent_at + datetime.timedelta(seconds=rng.randint(5, 90))
            row.provider_message_id = f"<{key}@maillon>"
        else:
            # Failed for good: the task only sends recipients still pending, so a retry of this
            # row would send nothing; at its last attempt, `tasks.retry_stale` leaves it alone.
            row.status, row.attempts, row.last_error = DeliveryStatus.FAILED, sending.MAX_ATTEMPTS, REFUSED
        rows.append(row)
    created = Delivery.objects.bulk_create(rows)
    # `created_at` is set on insert: the rows date from the sending, not from the demo's load.
    Delivery.objects.filter(pk__in=[row.pk for row in created]).update(created_at=mailing.sent_at)
