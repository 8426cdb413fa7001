"""Same-day care requests: create and read requests, search slots, book, cancel, the duty
list and the outcome — the same domain calls as the CPTS space's pages.

Who, as on the pages: `maillon.snp.policies` — the coordinators see every request of the
CPTS; the requester, the member booked and the SAS regulation (over the CPTS's territory,
for the SAS's requests) see theirs; a platform admin without a role sees none. No role in
the CPTS and no SAS regulation over it: 404, as for a CPTS that does not exist (the duty
list needs a role in the CPTS); a request, booking or call the caller may not see: 404, as
a missing one; a visible one whose action the caller may not take: 403. Every request shown
is journaled.
Two operators booking the same slot: one gets 201, the other 409 with the reason. A move the
request's state does not allow (cancelling a booked request, sending a placed one to the duty
list…) answers 409 with that state: `{"detail", "status", "status_label"}`.
"""

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Case, IntegerField, Value, When
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from maillon.core import journal
from maillon.core.models import Cpts
from maillon.members.models import PracticePlace
from maillon.members.professions import Profession, Specialty
from maillon.snp import booking as booking_service
from maillon.snp import duty, policies, search
from maillon.snp.models import (
    NOT_WAITING,
    Booking,
    CareRequest,
    DutyCall,
    RequesterKind,
    RequestStatus,
    Slot,
)
from maillon.snp.outcomes import record_outcome
from maillon.snp.requests import PATIENT_FIELDS, cancel_request, create_request
from maillon.territories.models import Commune

from .common import CptsRouter, cpts_or_404, first_or_404
from .errors import InvalidField, refusals_as_409
from .presenters import code_label, code_name, profession_of, professional_ref
from .schemas import (
    BirthDate,
    CodeLabelOut,
    CommuneRefOut,
    ConflictOut,
    IsoDateTime,
    MessageOut,
)

router = CptsRouter(tags=["Soins non programmés : demandes"])

REQUEST_NOT_FOUND = "Demande introuvable."
BOOKING_NOT_FOUND = "Rendez-vous introuvable."
CALL_NOT_FOUND = "Appel introuvable."
SLOT_NOT_FOUND = "Créneau introuvable."
LIST_FIELDS = ["first_name", "last_name", "commune", "urgency", "profession"]
MAX_LIST = 200

Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


# --- Access ---------------------------------------------------------------------------


def access(request, cpts_id, allowed=policies.can_use_requests):
    """The CPTS; 404 (as a missing CPTS) unless `allowed(user, cpts)`: by default a role in the
    CPTS or the SAS regulation over it."""
    return cpts_or_404(request, cpts_id, allowed)


def visible_request(request, cpts, request_id) -> CareRequest:
    care_requests = CareRequest.objects.for_cpts(cpts).select_related("commune").filter(pk=request_id)
    return first_or_404(care_requests, REQUEST_NOT_FOUND, request.auth, policies.can_see_request)


def placeable_request(request, cpts_id, request_id) -> tuple[Cpts, CareRequest]:
    """(cpts, request) of a request the user places; 403 for one they only see."""
    cpts = access(request, cpts_id)
    care_request = visible_request(request, cpts, request_id)
    if not policies.can_place_request(request.auth, care_request):
        raise HttpError(403, "Seuls le demandeur, la coordination ou la régulation SAS placent cette demande.")
    return cpts, care_request


def visible_booking(request, cpts_id, booking_id) -> Booking:
    bookings = Booking.objects.for_cpts(access(request, cpts_id)).select_related("request", "professional")
    return first_or_404(bookings.filter(pk=booking_id), BOOKING_NOT_FOUND, request.auth, policies.can_see_booking)


def my_call(request, cpts_id, call_id) -> DutyCall:
    cpts = access(request, cpts_id, policies.can_use_duty_list)
    calls = DutyCall.objects.filter(pk=call_id, request__cpts=cpts).select_related("request")
    return first_or_404(calls, CALL_NOT_FOUND, request.auth, policies.can_answer_call)


# --- Schemas --------------------------------------------------------------------------


class RequestIn(Schema):
    first_name: Short
    last_name: Short
    birth_date: BirthDate
    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=6, max_length=20)]
    commune: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5)] = Field(
        description="Code INSEE de la commune où se trouve le patient."
    )
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
    urgency: Literal["24h", "48h"] = "24h"
    profession: Profession = Profession.MEDECIN
    specialty: Specialty = Specialty.NONE


class CareRequestEventOut(Schema):
    from_status: str
    to_status: str
    at: datetime.datetime
    note: str


class CareRequestProfessionalOut(Schema):
    id: int
    first_name: str
    last_name: str
    profession: CodeLabelOut


class BookingOut(Schema):
    id: int
    request_id: int
    slot_id: int | None
    professional: CareRequestProfessionalOut
    place: str
    commune: CommuneRefOut
    appointment_at: datetime.datetime
    via_sas: bool
    cancelled_at: datetime.datetime | None
    outcome: CodeLabelOut
    sas_count_this_week: int = Field(
        description="Consultations SAS du professionnel dans la semaine ISO du rendez-vous."
    )
    warning: str = Field(description="Avertissement (plafond SAS atteint), vide sinon.")


class RequestListItemOut(Schema):
    id: int
    first_name: str
    last_name: str
    commune: CommuneRefOut
    urgency: CodeLabelOut
    profession: CodeLabelOut
    status: CodeLabelOut
    requester_kind: CodeLabelOut
    created_at: datetime.datetime
    deadline: datetime.datetime


class RequestOut(RequestListItemOut):
    birth_date: datetime.date
    phone: str
    reason: str
    specialty: str
    answered_at: datetime.datetime | None
    escalated_at: datetime.datetime | None
    events: list[CareRequestEventOut]
    bookings: list[BookingOut]


class RequestListOut(Schema):
    items: list[RequestListItemOut]
    count: int


class SlotHitOut(Schema):
    id: int
    start: datetime.datetime
    end: datetime.datetime
    distance_km: float | None
    professional: CareRequestProfessionalOut
    place: str
    commune: CommuneRefOut
    sas_count_this_week: int | None = Field(description="Pour une demande du SAS : consultations SAS de la semaine.")


class SearchOut(Schema):
    radius_km: int
    default_radius_km: int
    step_km: int
    slots: list[SlotHitOut]


class BookIn(Schema):
    slot_id: int


class AcceptIn(Schema):
    appointment_at: IsoDateTime
    practice_place_id: int | None = Field(default=None, description="Votre lieu d'exercice ; le principal sinon.")


class OutcomeIn(Schema):
    outcome: Literal["honoured", "no_show", "redirected_ed", "redirected_specialist"]


class DutyCallOut(Schema):
    id: int
    request_id: int
    profession: CodeLabelOut
    commune: CommuneRefOut
    urgency: CodeLabelOut
    deadline: datetime.datetime
    answer: CodeLabelOut


class SentOut(Schema):
    status: CodeLabelOut
    volunteers_asked: int


# --- Presenters -----------------------------------------------------------------------


def status_of(care_request):
    return code_label(care_request.status, RequestStatus(care_request.status).label)


def list_item(care_request):
    return {
        "id": care_request.pk,
        "first_name": care_request.first_name,
        "last_name": care_request.last_name,
        "commune": code_name(care_request.commune),
        "urgency": code_label(care_request.urgency, care_request.get_urgency_display()),
        "profession": profession_of(care_request),
        "status": status_of(care_request),
        "requester_kind": code_label(care_request.requester_kind, care_request.get_requester_kind_display()),
        "created_at": care_request.created_at,
        "deadline": care_request.deadline,
    }


def booking_dict(booking, *, warning=""):
    return {
        "id": booking.pk,
        "request_id": booking.request_id,
        "slot_id": booking.slot_id,
        "professional": professional_ref(booking.professional),
        "place": booking.practice_place.address,
        "commune": code_name(booking.practice_place.commune),
        "appointment_at": booking.appointment_at,
        "via_sas": booking.via_sas,
        "cancelled_at": booking.cancelled_at,
        "outcome": code_label(booking.outcome, booking.get_outcome_display()),
        "sas_count_this_week": booking_service.sas_count(booking.professional_id, booking.appointment_at),
        "warning": warning,
    }


def booking_answer(booking, *, warning=""):
    """The booking as it stands after a write."""
    booking = Booking.objects.select_related("professional", "practice_place__commune").get(pk=booking.pk)
    return booking_dict(booking, warning=warning)


def request_dict(care_request):
    bookings = care_request.bookings.select_related("professional", "practice_place__commune")
    return {
        **list_item(care_request),
        "birth_date": care_request.birth_date,
        "phone": care_request.phone,
        "reason": care_request.reason,
        "specialty": care_request.specialty,
        "answered_at": care_request.answered_at,
        "escalated_at": care_request.escalated_at,
        "events": [
            {"from_status": event.from_status, "to_status": event.to_status, "at": event.at, "note": event.note}
            for event in care_request.events.all()
        ],
        "bookings": [booking_dict(booking) for booking in bookings],
    }


def read_request(cpts, care_request):
    journal.record(journal.Action.READ, care_request, fields=PATIENT_FIELDS, cpts_id=cpts.pk)
    return request_dict(care_request)


# --- Requests -------------------------------------------------------------------------


@router.post(
    "/cpts/{int:cpts_id}/snp/requests", response={201: RequestOut}, summary="Créer une demande de soins non programmés"
)
def post_request(request, cpts_id: int, payload: RequestIn):
    """Le minimum pour que le patient soit reçu ; l'échéance suit l'urgence (24 h ou 48 h).

    Une personne de la régulation SAS (sans rôle dans la CPTS) crée une demande « SAS »."""
    cpts = access(request, cpts_id, policies.can_create_request)
    commune = Commune.objects.filter(code=payload.commune.upper()).first()
    if commune is None:
        raise InvalidField("commune", [f"Commune : le code INSEE « {payload.commune} » n'existe pas."])
    data = payload.dict()
    data["commune"] = commune
    try:
        care_request = create_request(
            cpts, by=request.auth, requester_kind=policies.requester_kind(request.auth, cpts), **data
        )
    except DjangoValidationError as error:
        raise InvalidField.of(error) from error
    return Status(201, read_request(cpts, CareRequest.objects.select_related("commune").get(pk=care_request.pk)))


@router.get(
    "/cpts/{int:cpts_id}/snp/requests", response=RequestListOut, summary="Lister les demandes de soins non programmés"
)
def list_requests(
    request,
    cpts_id: int,
    status: Annotated[RequestStatus | None, Query(description="État de la demande")] = None,
):
    """Les demandes que vous voyez : toutes pour la coordination (remontées d'abord, puis par
    échéance) ; les vôtres, celles où vous recevez le patient, celles du SAS pour la régulation."""
    cpts = access(request, cpts_id)
    requests = policies.visible_requests(request.auth, cpts)
    if status:
        requests = requests.filter(status=status)
    requests = requests.annotate(
        escalated_first=Case(
            When(status=RequestStatus.ESCALATED, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("escalated_first", "-created_at", "-pk")
    count = requests.count()
    shown = list(requests[:MAX_LIST])
    if shown:
        journal.record_reads(CareRequest, [item.pk for item in shown], LIST_FIELDS, cpts_id=cpts.pk, note="SNP (API)")
    return {"items": [list_item(item) for item in shown], "count": count}


@router.get(
    "/cpts/{int:cpts_id}/snp/requests/{int:request_id}",
    response=RequestOut,
    summary="Détail d'une demande de soins non programmés",
)
def get_request(request, cpts_id: int, request_id: int):
    """Le patient, le besoin, l'état et ses étapes, les rendez-vous et leur issue."""
    cpts = access(request, cpts_id)
    return read_request(cpts, visible_request(request, cpts, request_id))


@router.post(
    "/cpts/{int:cpts_id}/snp/requests/{int:request_id}/cancel",
    response={200: RequestOut, 409: ConflictOut},
    summary="Annuler une demande",
)
def post_cancel_request(request, cpts_id: int, request_id: int):
    """Une demande pas encore placée ; sinon annulez d'abord le rendez-vous (409)."""
    cpts, care_request = placeable_request(request, cpts_id, request_id)
    with refusals_as_409():
        cancel_request(care_request, by=request.auth)
    return read_request(cpts, care_request)


@router.get(
    "/cpts/{int:cpts_id}/snp/requests/{int:request_id}/slots",
    response={200: SearchOut, 409: MessageOut},
    summary="Chercher des créneaux pour une demande",
)
def get_slots(request, cpts_id: int, request_id: int):
    """Les créneaux libres avant l'échéance, du plus proche au plus lointain puis du plus tôt,
    dans le rayon SAS du département, élargi de son pas tant qu'il y en a moins de 5."""
    cpts, care_request = placeable_request(request, cpts_id, request_id)
    if care_request.status not in (RequestStatus.OPEN, RequestStatus.ON_DUTY_LIST, RequestStatus.ESCALATED):
        raise HttpError(409, NOT_WAITING)
    journal.record(journal.Action.READ, care_request, fields=["commune", "urgency", "profession"], cpts_id=cpts.pk)
    result = search.search(care_request)
    sas = care_request.requester_kind == RequesterKind.SAS
    counts = booking_service.sas_counts_by_slot([hit.slot for hit in result.hits]) if sas else {}
    return {
        "radius_km": result.radius_km,
        "default_radius_km": result.default_km,
        "step_km": result.step_km,
        "slots": [
            {
                "id": hit.slot.pk,
                "start": hit.slot.start,
                "end": hit.slot.end,
                "distance_km": round(hit.distance_km, 2) if hit.distance_km is not None else None,
                "professional": professional_ref(hit.slot.professional),
                "place": hit.slot.agenda.practice_place.address,
                "commune": code_name(hit.slot.commune),
                "sas_count_this_week": counts.get(hit.slot.pk, 0) if sas else None,
            }
            for hit in result.hits
        ],
    }


@router.post(
    "/cpts/{int:cpts_id}/snp/requests/{int:request_id}/bookings",
    response={201: BookingOut, 409: ConflictOut | MessageOut},
    summary="Réserver un créneau pour une demande",
)
def post_booking(request, cpts_id: int, request_id: int, payload: BookIn):
    """Atomique : de deux réservations simultanées du même créneau, l'une réussit (201), l'autre
    reçoit 409 « Ce créneau vient d'être réservé par un autre opérateur : choisissez-en un autre. »"""
    cpts, care_request = placeable_request(request, cpts_id, request_id)
    slots = Slot.objects.for_cpts(cpts).select_related("agenda", "professional")
    slot = first_or_404(slots.filter(pk=payload.slot_id), SLOT_NOT_FOUND)
    with refusals_as_409():  # SlotTaken too: the loser of a race
        booking = booking_service.book(care_request, slot, by=request.auth)
    warning = booking_service.cap_warning(slot.professional, booking.appointment_at) if booking.via_sas else ""
    return Status(201, booking_answer(booking, warning=warning))


@router.post(
    "/cpts/{int:cpts_id}/snp/requests/{int:request_id}/duty",
    response={200: SentOut, 409: ConflictOut},
    summary="Envoyer une demande aux volontaires de garde",
)
def post_duty(request, cpts_id: int, request_id: int):
    """Chaque volontaire de la profession reçoit un courriel ; sans volontaire, la demande remonte à la coordination."""
    _, care_request = placeable_request(request, cpts_id, request_id)
    with refusals_as_409():
        asked = duty.send_to_duty_list(care_request, by=request.auth)
    return {"status": status_of(care_request), "volunteers_asked": asked}


# --- Bookings -------------------------------------------------------------------------

CANCEL_REFUSED = "Seuls le demandeur, la coordination, la régulation SAS ou le professionnel l'annulent."
OUTCOME_REFUSED = "Seul le professionnel du rendez-vous, ou la coordination, en renseigne l'issue."


def act_on_booking(request, cpts_id, booking_id, may, refusal, write, *args):
    """The booking after `write(booking, *args, by=user)`: 404 as `visible_booking`, 403 with
    `refusal` unless `may(user, booking)`, 409 when the domain refuses the write."""
    booking = visible_booking(request, cpts_id, booking_id)
    if not may(request.auth, booking):
        raise HttpError(403, refusal)
    with refusals_as_409():
        write(booking, *args, by=request.auth)
    return booking_answer(booking)


@router.post(
    "/cpts/{int:cpts_id}/snp/bookings/{int:booking_id}/cancel",
    response={200: BookingOut, 409: ConflictOut | MessageOut},
    summary="Annuler un rendez-vous",
)
def post_cancel_booking(request, cpts_id: int, booking_id: int):
    """Le créneau redevient libre et la demande est de nouveau à placer."""
    return act_on_booking(
        request, cpts_id, booking_id, policies.can_cancel_booking, CANCEL_REFUSED, booking_service.cancel_booking
    )


@router.post(
    "/cpts/{int:cpts_id}/snp/bookings/{int:booking_id}/outcome",
    response={200: BookingOut, 409: ConflictOut | MessageOut},
    summary="Renseigner l'issue d'un rendez-vous",
)
def post_outcome(request, cpts_id: int, booking_id: int, payload: OutcomeIn):
    """Le professionnel qui reçoit le patient (ou la coordination), après l'heure du rendez-vous :
    honoré, non honoré, réorienté aux urgences ou vers un spécialiste. La demande est close."""
    return act_on_booking(
        request, cpts_id, booking_id, policies.can_record_outcome, OUTCOME_REFUSED, record_outcome, payload.outcome
    )


# --- Duty list ------------------------------------------------------------------------

# What a volunteer sees of a request before accepting it (the patient's commune is personal).
DUTY_FIELDS = ["commune", "deadline", "profession", "urgency"]


@router.get("/cpts/{int:cpts_id}/snp/duty-calls", response=list[DutyCallOut], summary="Mes appels de la liste de garde")
def list_duty_calls(request, cpts_id: int):
    """Les demandes sans créneau qui vous sont proposées, sans rien de personnel avant d'accepter."""
    cpts = access(request, cpts_id, policies.can_use_duty_list)
    calls = list(
        policies.visible_duty_calls(request.auth, cpts)
        .select_related("request__commune")
        .order_by("request__deadline", "pk")
    )
    if calls:
        journal.record_reads(
            CareRequest, [call.request_id for call in calls], DUTY_FIELDS, cpts_id=cpts.pk, note="liste de garde (API)"
        )
    return [duty_call_dict(call) for call in calls]


def duty_call_dict(call) -> dict:
    """What a volunteer sees of a request before taking it: no name, no reason."""
    return {
        "id": call.pk,
        "request_id": call.request_id,
        "profession": profession_of(call.request),
        "commune": code_name(call.request.commune),
        "urgency": code_label(call.request.urgency, call.request.get_urgency_display()),
        "deadline": call.request.deadline,
        "answer": code_label(call.answer, call.get_answer_display()),
    }


@router.post(
    "/cpts/{int:cpts_id}/snp/duty-calls/{int:call_id}/accept",
    response={201: BookingOut},
    summary="Accepter un appel de la liste de garde",
)
def post_accept(request, cpts_id: int, call_id: int, payload: AcceptIn):
    """Le premier volontaire qui accepte prend la demande ; les suivants reçoivent 409."""
    call = my_call(request, cpts_id, call_id)
    place = None
    if payload.practice_place_id is not None:
        place = PracticePlace.objects.filter(pk=payload.practice_place_id, professional_id=call.professional_id).first()
        if place is None:
            raise InvalidField("practice_place_id", ["Lieu : choisissez l'un de vos lieux d'exercice."])
    with refusals_as_409():
        booking = duty.accept(call, by=request.auth, appointment_at=payload.appointment_at, practice_place=place)
    return Status(201, booking_answer(booking))


@router.post(
    "/cpts/{int:cpts_id}/snp/duty-calls/{int:call_id}/decline",
    response=DutyCallOut,
    summary="Décliner un appel de la liste de garde",
)
def post_decline(request, cpts_id: int, call_id: int):
    call = my_call(request, cpts_id, call_id)
    with refusals_as_409():
        duty.decline(call, by=request.auth)
    return duty_call_dict(DutyCall.objects.select_related("request__commune").get(pk=call.pk))
