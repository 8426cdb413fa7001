"""Reminders to patients of the steps of their pathway (issue 15, point 5), through the one
notification mechanism (`maillon.core.notifications.sending`, kind `pathways.reminder`).

- Only with the patient's consent: the inclusion's `reminder_channel` (SMS or e-mail, with the
  number or address it needs) and no `reminders_stopped_on`; an active inclusion only.
- A step with `reminder_days_before` reminds the patient that many days before its open care
  task is due: the daily job (`reminder_tasks.queue_reminders`) queues one send per task, and the
  message is keyed by the task (`pathways.reminder:<task id>`): one send per (task, channel)
  however often the job runs. The send checks the consent again (a « STOP » may come between).
- What a reminder says: the CPTS's name, the date and, in the e-mail's body only, the step's
  title — never in the SMS nor the subject (both show on a locked screen, a shared phone), and
  never for a perinatal programme (a pregnancy, a post-partum depression: not everyone around
  the patient is meant to know). Never a name, never a diagnosis.
- Every message carries a personal opt-out link (`/parcours/rappels/arret/<token>/`: a token
  signed with its own salt, holding the inclusion's id only, without expiry: the link stays
  valid in every message sent); an SMS also says « répondez STOP » (`POST /sms/inbound`).
  Stopping is journaled (the field's name, never the number).
"""

import datetime

from django.core import signing
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from maillon.core import journal
from maillon.core.notifications import kinds, sending
from maillon.core.notifications.models import Channel, Delivery, DeliveryStatus

from .models import CareTask, Inclusion, InclusionStatus, ProgrammeStep, ReminderChannel

KIND = kinds.PATHWAYS_REMINDER
STOP_SALT = "maillon.pathways.reminders.stop"
STOP_WORDS = {"STOP", "ARRET", "ARRÊT"}
GENERIC_STEP = "un rendez-vous de suivi"


# --- Who gets a reminder -----------------------------------------------------------------------


def consenting(prefix: str = "") -> Q:
    """The inclusions (or, with `prefix="inclusion__"`, their rows) that take reminders today."""
    return Q(**{f"{prefix}status": InclusionStatus.ACTIVE, f"{prefix}reminders_stopped_on__isnull": True}) & ~Q(
        **{f"{prefix}reminder_channel": ""}
    )


def takes_reminders(inclusion: Inclusion) -> bool:
    return (
        inclusion.status == InclusionStatus.ACTIVE
        and bool(inclusion.reminder_channel)
        and inclusion.reminders_stopped_on is None
    )


def due_reminders(today: datetime.date):
    """The open care tasks whose reminder falls on `today` (due `reminder_days_before` days
    later), of inclusions that take reminders. One condition per delay in use (a handful):
    plain date equalities, the same SQL on SQLite and PostgreSQL."""
    delays = (
        ProgrammeStep.objects.filter(reminder_days_before__isnull=False)
        .values_list("reminder_days_before", flat=True)
        .distinct()
    )
    when = Q(pk__in=[])
    for delay in delays:
        when |= Q(step__reminder_days_before=delay, due_on=today + datetime.timedelta(days=delay))
    return CareTask.objects.open().filter(when, consenting("inclusion__")).order_by("pk")


# --- The opt-out link ------------------------------------------------------------------------


def stop_token(inclusion: Inclusion) -> str:
    return signing.dumps({"i": inclusion.pk}, salt=STOP_SALT, compress=False)


def inclusion_of_stop_token(token: str) -> Inclusion | None:
    """The inclusion the token names, or None (tampered with, or the inclusion purged)."""
    try:
        pk = signing.loads(token, salt=STOP_SALT)["i"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    return Inclusion.objects.select_related("cpts").filter(pk=pk).first() if type(pk) is int else None


def stop_url(inclusion: Inclusion) -> str:
    return sending.absolute(reverse("pathways_reminders_stop", args=[stop_token(inclusion)]))


def stop(inclusions, *, how: str, on: datetime.date | None = None) -> int:
    """Stop the reminders of `inclusions` (a queryset) not stopped yet; how many were. Journaled
    per inclusion with `how` (never the number nor the address)."""
    on = on or timezone.localdate()
    rows = list(inclusions.filter(reminders_stopped_on__isnull=True).values_list("pk", "cpts_id"))
    if not rows:
        return 0
    Inclusion.objects.filter(pk__in=[pk for pk, _ in rows]).update(reminders_stopped_on=on)
    journal.record_many(
        journal.Action.UPDATE,
        Inclusion,
        [(pk, cpts_id, f"rappels au patient arrêtés ({how})") for pk, cpts_id in rows],
        fields=["reminders_stopped_on"],
    )
    return len(rows)


def is_stop(text: str) -> bool:
    """A reply whose first word is STOP, ARRET or ARRÊT, in any case and punctuation."""
    words = (text or "").split()
    return bool(words) and words[0].strip(".,;:!?«»\"'").upper() in STOP_WORDS


def stop_by_sms(sender: str, text: str) -> int:
    """A reply « STOP » from `sender`: the reminders of every active inclusion with that number
    stop (all CPTS: the number is the person's). The numbers are compared in E.164; the last
    digit narrows the rows read (it ends every way a number is written)."""
    number = sending.e164(sender)
    if not number or not is_stop(text):
        return 0
    candidates = Inclusion.objects.filter(consenting(), phone__endswith=number[-1])
    matching = [pk for pk, phone in candidates.values_list("pk", "phone") if sending.e164(phone) == number]
    return stop(Inclusion.objects.filter(pk__in=matching), how="réponse STOP par SMS")


# --- The message -------------------------------------------------------------------------------


def message_key(task_id: int) -> str:
    """The task is the message: no enqueue id, so a second run of the job sends nothing new."""
    return sending.message_key(KIND, task_id)


def recipient_of(inclusion: Inclusion) -> sending.Recipient:
    """The one address of the channel the patient chose (the other is not given)."""
    sms = inclusion.reminder_channel == ReminderChannel.SMS
    return sending.Recipient(
        key=f"inclusion:{inclusion.pk}",
        phone=inclusion.phone if sms else "",
        email=inclusion.email if inclusion.reminder_channel == ReminderChannel.EMAIL else "",
    )


def content(task: CareTask) -> sending.Content:
    inclusion, cpts = task.inclusion, task.cpts
    day = date_format(task.due_on, "SHORT_DATE_FORMAT")
    what = GENERIC_STEP if inclusion.programme.perinatal else f"l'étape « {task.step.title} »"
    link = stop_url(inclusion)
    message = sending.from_cpts(
        cpts,
        f"rappel de votre rendez-vous de suivi du {day}",
        f"Votre parcours de soins prévoit {what} pour le {date_format(task.due_on, 'l j F Y')}. "
        "Si le rendez-vous n'est pas encore pris, pensez à contacter votre professionnel de santé.\n\n"
        "Ce message est un rappel automatique, envoyé avec votre accord.",
        link=link,
        link_label="Pour ne plus recevoir ces rappels (lien personnel, ne le transmettez pas) :",
    )
    message.headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message.sms = (
        f"{cpts.name} : rappel, un rendez-vous de suivi de votre parcours est prévu pour le {day}. "
        f"Pour ne plus recevoir ces rappels, répondez STOP ou ouvrez {link}"
    )
    return message


def send(task_id: int) -> bool:
    """Remind the patient of one task, if it is still open and the patient still consents."""
    task = (
        CareTask.objects.open()
        .select_related("cpts", "step", "inclusion__programme")
        .filter(pk=task_id, step__isnull=False)
        .first()
    )
    if task is None or not takes_reminders(task.inclusion):
        return False
    outcomes = sending.notify(KIND, message_key(task.pk), recipient_of(task.inclusion), content(task))
    return sending.sent_any(outcomes)


# --- Counts (the indicators) -------------------------------------------------------------------


def reminder_counts(cpts, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Of `cpts`, from `start` to `end` included: reminders sent and failed (the ledger's rows,
    one per message and channel; a failed row is retried until MAX_ATTEMPTS), and inclusions
    whose patient stopped them. A purged inclusion's rows no longer count."""
    keys = (
        Inclusion.objects.for_cpts(cpts)
        .annotate(key=Concat(Value("inclusion:"), Cast("pk", CharField()), output_field=CharField()))
        .values("key")
    )
    rows = Delivery.objects.filter(kind=KIND, recipient__in=keys, channel__in=[Channel.EMAIL, Channel.SMS])
    return {
        "sent": rows.filter(status=DeliveryStatus.SENT, sent_at__date__range=(start, end)).count(),
        "failed": rows.filter(status=DeliveryStatus.FAILED, created_at__date__range=(start, end)).count(),
        "opted_out": Inclusion.objects.for_cpts(cpts).filter(reminders_stopped_on__range=(start, end)).count(),
    }
