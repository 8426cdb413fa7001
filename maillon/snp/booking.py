"""Booking a slot for a request, atomically; cancelling an appointment; the SAS weekly count.

`book` runs in one transaction: the slot's conditional UPDATE (`Slot.book`: free → booked)
decides who wins; then the request's conditional transition; then the Booking row (whose
partial unique constraints are the last line of defence). Whatever fails rolls everything
back, so a slot is never booked without its Booking nor twice.
"""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from maillon.core import journal

from .models import (
    Booking,
    CareRequest,
    DutyAnswer,
    RequesterKind,
    RequestStatus,
    Slot,
    SlotStatus,
)
from .search import slot_fits

SLOT_TAKEN = "Ce créneau vient d'être réservé par un autre opérateur : choisissez-en un autre."
REQUEST_TAKEN = "Cette demande vient d'être placée par quelqu'un d'autre : rechargez la page."
SLOT_UNFIT = "Ce créneau ne convient pas à cette demande (profession, délai ou public) : choisissez-en un autre."
# The SAS supplement (15 €) is paid for 20 SAS consultations a week at most (DOMAIN.md §3).
SAS_WEEKLY_CAP = 20


class SlotTaken(ValidationError):
    """The slot was booked by someone else a moment before: choose another one."""


def book(care_request: CareRequest, slot: Slot, *, by, now=None) -> Booking:
    """Book `slot` for `care_request`; SlotTaken for the loser of a race."""
    now = now or timezone.now()
    care_request.check_placeable()
    if slot.status == SlotStatus.BOOKED:
        raise SlotTaken(SLOT_TAKEN)
    if not slot_fits(care_request, slot, now=now):
        raise ValidationError(SLOT_UNFIT)
    try:
        with transaction.atomic():
            if not slot.book(by=by):
                raise SlotTaken(SLOT_TAKEN)
            if not care_request.book_from_waiting(by=by, now=now, note="créneau réservé"):
                raise care_request.refused(REQUEST_TAKEN)
            booking = Booking.objects.create(
                cpts_id=care_request.cpts_id,
                request=care_request,
                slot=slot,
                professional_id=slot.professional_id,
                practice_place_id=slot.agenda.practice_place_id,
                appointment_at=slot.start,
                booked_by=by,
                booked_at=now,
                via_sas=care_request.requester_kind == RequesterKind.SAS,
            )
            close_duty_calls(care_request, now=now)
    except IntegrityError as error:  # the unique constraints, should a path bypass Slot.book
        _reload(care_request, slot)
        raise SlotTaken(SLOT_TAKEN) from error
    except ValidationError:
        _reload(care_request, slot)
        raise
    return booking


def _reload(care_request, slot) -> None:
    """After a rollback, the objects say what the database says."""
    care_request.refresh_from_db(fields=["status", "answered_at"])
    slot.refresh_from_db(fields=["status"])


def close_duty_calls(care_request: CareRequest, *, now) -> None:
    """The volunteers still asked are told it is placed."""
    care_request.duty_calls.filter(answer=DutyAnswer.PENDING).update(answer=DutyAnswer.TOO_LATE, answered_at=now)


def cancel_booking(booking: Booking, *, by, now=None) -> None:
    """The appointment is cancelled: its slot is free again if still ahead, CANCELLED if already
    started (a BOOKED slot always has its live booking); the request goes back to be placed."""
    now = now or timezone.now()
    if booking.cancelled_at is not None:
        raise ValidationError("Ce rendez-vous est déjà annulé.")
    if booking.outcome != "pending":
        raise ValidationError("Ce rendez-vous a déjà une issue : il ne peut plus être annulé.")
    with transaction.atomic():
        cancelled = Booking.objects.filter(pk=booking.pk, cancelled_at__isnull=True).update(cancelled_at=now)
        if not cancelled:
            raise ValidationError("Ce rendez-vous est déjà annulé.")
        booking.cancelled_at = now
        if booking.slot_id:
            booked = Slot.objects.filter(pk=booking.slot_id, status=SlotStatus.BOOKED)
            note = "rendez-vous annulé"
            Slot.workflow.run_many(
                booked.filter(start__gt=now), "release", by=by, note=note, changes={"updated_at": now}
            )
            Slot.workflow.run_many(
                booked.filter(start__lte=now), "cancel", by=by, note=note, changes={"updated_at": now}
            )
        care_request = booking.request
        if care_request.status == RequestStatus.BOOKED:
            care_request.reopen(by=by, now=now)
        journal.record(journal.Action.UPDATE, booking, fields=["cancelled_at"], actor=by)


# --- The SAS supplement: SAS consultations per doctor and ISO week ---------------------------


def iso_week_bounds(moment: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """[Monday 00:00, next Monday 00:00) of the ISO week of `moment`, in local time."""
    local = timezone.localtime(moment)
    monday = local.date() - datetime.timedelta(days=local.weekday())
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
    return start, timezone.make_aware(datetime.datetime.combine(monday + datetime.timedelta(days=7), datetime.time.min))


def sas_count(professional_id: int, moment: datetime.datetime) -> int:
    """Live SAS appointments of a professional in the ISO week of `moment`."""
    start, end = iso_week_bounds(moment)
    return (
        Booking.objects.live()
        .filter(professional_id=professional_id, via_sas=True, appointment_at__gte=start, appointment_at__lt=end)
        .exclude(outcome="no_show")
        .count()
    )


def sas_counts(professional_ids, moment: datetime.datetime) -> dict[int, int]:
    """{professional id: count} for the ISO week of `moment`, in one query."""
    start, end = iso_week_bounds(moment)
    rows = (
        Booking.objects.live()
        .filter(
            professional_id__in=set(professional_ids), via_sas=True, appointment_at__gte=start, appointment_at__lt=end
        )
        .exclude(outcome="no_show")
        .values("professional_id")
        .annotate(count=Count("pk"))
    )
    return {row["professional_id"]: row["count"] for row in rows}


def sas_counts_by_slot(slots) -> dict[int, int]:
    """{slot id: its professional's SAS count in the ISO week of that slot} — the cap that
    matters is the one of the week the consultation falls in; one query per week."""
    by_week = defaultdict(list)
    for slot in slots:
        by_week[iso_week_bounds(slot.start)[0]].append(slot)
    result = {}
    for week_start, week_slots in by_week.items():
        counts = sas_counts([slot.professional_id for slot in week_slots], week_start)
        result.update({slot.pk: counts.get(slot.professional_id, 0) for slot in week_slots})
    return result


def sas_weekly_history(professional_id: int, *, weeks: int = 8, now=None) -> list[tuple[datetime.date, int]]:
    """The last `weeks` ISO weeks (their Monday, count), the current one first."""
    now = now or timezone.now()
    result = []
    for back in range(weeks):
        moment = now - datetime.timedelta(weeks=back)
        monday = iso_week_bounds(moment)[0].date()
        result.append((monday, sas_count(professional_id, moment)))
    return result


def cap_warning(professional, moment) -> str:
    """The operator's warning when the doctor has reached the weekly SAS cap, else ''."""
    count = sas_count(professional.pk, moment)
    if count >= SAS_WEEKLY_CAP:
        return (
            f"Ce professionnel a déjà {count} consultations SAS cette semaine : au-delà de {SAS_WEEKLY_CAP}, "
            "la majoration SAS n'est plus versée."
        )
    return ""
