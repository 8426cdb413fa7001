"""A request's creation and the retention of its patient data (who sees it: `policies`).

Its transitions are declared on the model (`CareRequest.workflow`): each is one conditional
UPDATE on the request's current status, so two people acting at the same moment (two
volunteers accepting, an operator booking while the escalation runs) never both succeed: the
loser gets TransitionNotAllowed (or False from `CareRequest.book_from_waiting`).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillon.core import journal

from .models import CareRequest, RequesterKind, RequestEvent, RequestStatus, Urgency

S = RequestStatus
# The personal fields of a request (names only go to the journal).
PATIENT_FIELDS = ["first_name", "last_name", "birth_date", "phone", "commune", "reason"]
CREATE_FIELDS = ("first_name", "last_name", "birth_date", "phone", "commune", "reason", "urgency", "profession")


def create_request(cpts, *, by, requester_kind: str, **data) -> CareRequest:
    """A new request (OPEN), its deadline from its urgency, and the first line of its log."""
    missing = [name for name in CREATE_FIELDS if not data.get(name)]
    if missing:
        raise ValidationError(
            {name: f"{CareRequest._meta.get_field(name).verbose_name.capitalize()} : obligatoire." for name in missing}
        )
    if data["urgency"] not in Urgency.values:
        raise ValidationError({"urgency": "Urgence : dans les 24 heures (24h) ou les 48 heures (48h)."})
    if requester_kind not in RequesterKind.values:
        raise ValidationError({"requester_kind": "Demandeur inconnu."})
    care_request = CareRequest(cpts=cpts, requested_by=by, requester_kind=requester_kind, **data)
    care_request.full_clean(exclude=["deadline"])
    with transaction.atomic():
        care_request.save()
        CareRequest.workflow.start(care_request, by=by, log={"at": care_request.created_at})
    return care_request


def cancel_request(care_request: CareRequest, *, by, note: str = "") -> None:
    """Only a request not placed yet (TransitionNotAllowed otherwise: cancel the appointment first)."""
    care_request.cancel(by=by, note=note)


def answer_delay(care_request: CareRequest) -> datetime.timedelta | None:
    if care_request.answered_at is None:
        return None
    return care_request.answered_at - care_request.created_at


# --- Retention -----------------------------------------------------------------------------

# What is left of a purged request: its history and figures, not the patient.
PURGED = {"first_name": "", "last_name": "", "phone": "", "reason": ""}


def purge_expired(now=None) -> int:
    """Blank the patient of CLOSED/CANCELLED requests closed more than
    MAILLON_SNP_RETENTION_DAYS ago (birth date kept as 1 January of its year, for age-band
    statistics); rows, bookings and events stay so the indicators do not change. Journaled as
    one count per CPTS, never an id nor a name. Returns how many were purged."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.MAILLON_SNP_RETENTION_DAYS)
    closed_long_ago = RequestEvent.objects.filter(to_status__in=[S.CLOSED, S.CANCELLED], at__lte=limit).values(
        "request_id"
    )
    expired = CareRequest.objects.filter(status__in=[S.CLOSED, S.CANCELLED], pk__in=closed_long_ago).exclude(
        last_name="", first_name="", phone="", reason=""
    )
    total = 0
    for cpts_id in sorted(set(expired.values_list("cpts_id", flat=True))):
        with transaction.atomic():
            rows = list(expired.filter(cpts_id=cpts_id).select_for_update().values_list("pk", "birth_date"))
            for pk, birth_date in rows:
                CareRequest.objects.filter(pk=pk).update(
                    **PURGED, birth_date=birth_date.replace(month=1, day=1), updated_at=now
                )
            journal.record(
                journal.Action.DELETE,
                cpts_id=cpts_id,
                object_type=CareRequest._meta.label,
                object_id="",
                fields=[*PURGED, "birth_date"],
                note=f"purge SNP : {len(rows)} demande(s)",
            )
        total += len(rows)
    return total
