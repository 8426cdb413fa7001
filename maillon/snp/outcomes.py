"""The outcome of an appointment, told by the member who received the patient (or the
coordination) once its time has come: honoured, no-show, or redirected. It closes the request."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Booking, Outcome, RequestStatus

FINAL_OUTCOMES = (Outcome.HONOURED, Outcome.NO_SHOW, Outcome.REDIRECTED_ED, Outcome.REDIRECTED_SPECIALIST)


def record_outcome(booking: Booking, outcome: str, *, by, now=None) -> Booking:
    now = now or timezone.now()
    if outcome not in FINAL_OUTCOMES:
        raise ValidationError({"outcome": "Issue : honoré, non honoré ou réorienté (urgences, spécialiste)."})
    if booking.cancelled_at is not None:
        raise ValidationError("Ce rendez-vous est annulé : il n'a pas d'issue.")
    if booking.appointment_at > now:
        raise ValidationError("L'issue se renseigne une fois l'heure du rendez-vous passée.")
    with transaction.atomic():
        booking.outcome, booking.outcome_at, booking.outcome_by = outcome, now, by
        booking.save(update_fields=["outcome", "outcome_at", "outcome_by"])
        care_request = booking.request
        if care_request.status == RequestStatus.BOOKED:
            care_request.close(by=by, now=now, note=Outcome(outcome).label)
    return booking
