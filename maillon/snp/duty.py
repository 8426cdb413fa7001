"""The duty list: when no slot fits, the CPTS's volunteers of the profession are asked.

Volunteers: active members of the CPTS whose card says they take part in same-day care
(`Professional.takes_part_in_snp`) and have the requested profession. Each gets a DutyCall
and an e-mail. The first to accept takes the request (a conditional transition of the
request: ON_DUTY_LIST/ESCALATED → BOOKED) and gives the time and place; the others' calls
become TOO_LATE. Without an answer after `duty_escalation_delay()` — or when everyone
declined, or nobody volunteers — the request is escalated to the coordinators: by a task
deferred with `run_after` when the task backend supports it, and by `manage.py snp_escalate`
(run it every few minutes) in every case.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend

from maillon.core import journal
from maillon.core.time import paris
from maillon.core.workflows import TransitionNotAllowed
from maillon.members.models import Membership, PracticePlace, Professional

from . import notifications
from .booking import close_duty_calls
from .models import (
    OPEN_REQUEST_STATUSES,
    Booking,
    CareRequest,
    DutyAnswer,
    DutyCall,
    RequesterKind,
    RequestStatus,
    Slot,
    SlotStatus,
    duty_escalation_delay,
)

logger = logging.getLogger(__name__)

# How long a duty appointment (given as a time, without a slot) holds the professional.
DUTY_APPOINTMENT = datetime.timedelta(minutes=20)
TOO_LATE = "Un autre volontaire a déjà pris cette demande : merci quand même."
ALREADY_ANSWERED = "Vous avez déjà répondu à cet appel."


def volunteers(care_request: CareRequest):
    """The professionals asked for this request."""
    active = Membership.objects.for_cpts(care_request.cpts_id).active().values("professional_id")
    people = Professional.objects.filter(pk__in=active, takes_part_in_snp=True, profession=care_request.profession)
    if care_request.specialty:
        people = people.filter(specialty=care_request.specialty)
    return people.order_by("pk")


def send_to_duty_list(care_request: CareRequest, *, by, now=None) -> int:
    """Ask the volunteers; escalate at once when there are none. Returns how many were asked."""
    now = now or timezone.now()
    people = list(volunteers(care_request))
    with transaction.atomic():
        care_request.send_to_duty(by=by, now=now)
        if not people:
            escalate(care_request, now=now, note="aucun volontaire de cette profession")
            return 0
        for professional in people:
            call, created = DutyCall.objects.get_or_create(
                request=care_request, professional=professional, defaults={"notified_at": now}
            )
            if not created:  # asked again after an escalation
                call.answer, call.notified_at, call.answered_at = DutyAnswer.PENDING, now, None
                call.save()
            notifications.on_commit(notifications.send_duty_call, call.pk)
        schedule_escalation(care_request, now=now)
    return len(people)


def schedule_escalation(care_request: CareRequest, *, now) -> None:
    """A deferred task where the backend can defer; otherwise `snp_escalate` does it."""
    if not getattr(default_task_backend, "supports_defer", False):
        return
    from .tasks import escalate_if_unanswered

    run_after = now + duty_escalation_delay()
    transaction.on_commit(
        lambda: escalate_if_unanswered.using(run_after=run_after).enqueue(care_request.pk), robust=True
    )


def escalate(care_request: CareRequest, *, now=None, note: str = "sans réponse des volontaires") -> bool:
    """Hand the request to the coordinators; False if it has left the duty list meanwhile."""
    try:
        care_request.escalate(by=None, now=now, note=note)
    except TransitionNotAllowed:
        return False
    notifications.on_commit(notifications.send_escalation, care_request.pk)
    return True


def is_overdue(care_request: CareRequest, now) -> bool:
    return (
        care_request.status == RequestStatus.ON_DUTY_LIST
        and care_request.sent_to_duty_at is not None
        and care_request.sent_to_duty_at + duty_escalation_delay() <= now
    )


def escalate_if_overdue(request_id: int, *, now) -> bool:
    care_request = CareRequest.objects.filter(pk=request_id).first()
    if care_request is None or not is_overdue(care_request, now):
        return False
    return escalate(care_request, now=now)


def escalate_overdue(*, now=None) -> int:
    """Every request left on the duty list longer than the delay; returns the count."""
    now = now or timezone.now()
    limit = now - duty_escalation_delay()
    overdue = CareRequest.objects.filter(status=RequestStatus.ON_DUTY_LIST, sent_to_duty_at__lte=limit)
    return sum(escalate(care_request, now=now) for care_request in overdue)


def close_expired(*, now=None) -> int:
    """Close the waiting requests whose deadline has passed; they stay unanswered (no
    `answered_at`), so the indicators count them as not placed. Returns the count."""
    now = now or timezone.now()
    expired = CareRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES, deadline__lt=now)
    closed = 0
    for care_request in expired:
        with transaction.atomic():
            try:
                care_request.expire(now=now)
            except TransitionNotAllowed:  # placed or cancelled meanwhile
                continue
            close_duty_calls(care_request, now=now)
            closed += 1
    return closed


def accept(
    call: DutyCall, *, by, appointment_at: datetime.datetime, practice_place: PracticePlace | None = None, now=None
) -> Booking:
    """The volunteer takes the request at `appointment_at`, at one of their practice places."""
    now = now or timezone.now()
    if call.answer != DutyAnswer.PENDING:
        raise ValidationError(TOO_LATE if call.answer == DutyAnswer.TOO_LATE else ALREADY_ANSWERED)
    place = practice_place or call.professional.practice_places.order_by("-is_main", "pk").first()
    if place is None or place.professional_id != call.professional_id:
        raise ValidationError({"practice_place": "Lieu : choisissez l'un de vos lieux d'exercice."})
    appointment_at = paris(appointment_at)
    care_request = CareRequest.objects.get(pk=call.request_id)
    if care_request.status not in OPEN_REQUEST_STATUSES:
        _mark(call, DutyAnswer.TOO_LATE, now)
        raise ValidationError(TOO_LATE)
    check_appointment_time(care_request, call.professional_id, appointment_at, now=now)
    with transaction.atomic():
        taken = DutyCall.objects.filter(pk=call.pk, answer=DutyAnswer.PENDING).update(
            answer=DutyAnswer.ACCEPTED, answered_at=now
        )
        if not taken or not care_request.book_from_waiting(by=by, now=now, note="pris par un volontaire"):
            transaction.set_rollback(True)
            lost = True
        else:
            lost = False
            booking = Booking.objects.create(
                cpts_id=care_request.cpts_id,
                request=care_request,
                slot=None,
                professional_id=call.professional_id,
                practice_place=place,
                appointment_at=appointment_at,
                booked_by=by,
                booked_at=now,
                via_sas=care_request.requester_kind == RequesterKind.SAS,
            )
            close_duty_calls(care_request, now=now)
            journal.record(journal.Action.UPDATE, call, fields=["answer"], actor=by)
    if lost:
        _mark(call, DutyAnswer.TOO_LATE, now)
        raise ValidationError(TOO_LATE)
    call.answer, call.answered_at = DutyAnswer.ACCEPTED, now
    return booking


def check_appointment_time(care_request: CareRequest, professional_id: int, appointment_at, *, now) -> None:
    """Between now and the request's deadline, and not over the professional's own booked
    slots or appointments (a duty appointment counts DUTY_APPOINTMENT long, docs/snp.md)."""
    if appointment_at < now:
        raise ValidationError({"appointment_at": "Rendez-vous le : l'heure doit être à venir."})
    if appointment_at > care_request.deadline:
        deadline = timezone.localtime(care_request.deadline)
        raise ValidationError(
            {"appointment_at": f"Rendez-vous le : au plus tard le {deadline:%d/%m/%Y à %H:%M}, échéance de la demande."}
        )
    end = appointment_at + DUTY_APPOINTMENT
    booked_slots = Slot.objects.filter(
        professional_id=professional_id, status=SlotStatus.BOOKED, start__lt=end, end__gt=appointment_at
    )
    other_appointments = Booking.objects.live().filter(
        professional_id=professional_id,
        slot__isnull=True,
        appointment_at__gt=appointment_at - DUTY_APPOINTMENT,
        appointment_at__lt=end,
    )
    if booked_slots.exists() or other_appointments.exists():
        raise ValidationError({"appointment_at": "Rendez-vous le : vous avez déjà un rendez-vous à cette heure-là."})


def decline(call: DutyCall, *, by, now=None) -> None:
    """The volunteer cannot; when nobody is left to answer, the coordinators take over at once."""
    now = now or timezone.now()
    with transaction.atomic():
        if not DutyCall.objects.filter(pk=call.pk, answer=DutyAnswer.PENDING).update(
            answer=DutyAnswer.DECLINED, answered_at=now
        ):
            raise ValidationError(ALREADY_ANSWERED)
        journal.record(journal.Action.UPDATE, call, fields=["answer"], actor=by)
        call.answer, call.answered_at = DutyAnswer.DECLINED, now
        # Locked: of two last declines at the same moment, the second sees the first and escalates.
        care_request = CareRequest.objects.select_for_update().get(pk=call.request_id)
        nobody_left = not care_request.duty_calls.filter(answer=DutyAnswer.PENDING).exists()
        if nobody_left and care_request.status == RequestStatus.ON_DUTY_LIST:
            escalate(care_request, now=now, note="tous les volontaires ont décliné")


def _mark(call: DutyCall, answer: str, now) -> None:
    DutyCall.objects.filter(pk=call.pk, answer=DutyAnswer.PENDING).update(answer=answer, answered_at=now)
    call.answer, call.answered_at = answer, now
