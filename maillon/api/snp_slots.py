"""Members' SNP slots: list, publish one, a weekly series, an .ics import, cancel, and the
SAS sharing of a slot or of an agenda (with its bookings feed address).

Who, as on the pages: `maillon.snp.policies` — an active member of a profession the CPTS
opens to SNP publishes and manages their own slots; the coordinator lists every slot of the
CPTS (`scope=cpts`) and may cancel one, but only the member changes what is shared with the
SAS (403). No role in the CPTS (a platform admin included) answers 404, as for a CPTS that
does not exist, and so does `scope=cpts` for a member (that list is the coordination's); a
slot or agenda the caller may not see answers 404 as a missing one. Slots hold no
patient data; cancelling a booked slot cancels its booking and e-mails the requester.
"""

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from maillon.core.time import paris
from maillon.core.workflows import TransitionNotAllowed
from maillon.snp import policies
from maillon.snp import slots as services
from maillon.snp.models import Agenda, Audience, Slot, SlotStatus

from .common import (
    CPTS_NOT_FOUND,
    CptsRouter,
    PageNumber,
    cpts_or_404,
    first_or_404,
    multipart_body,
    page_of,
    page_size,
)
from .errors import InvalidField, refusals_as_409, validation_error_response
from .presenters import code_label, code_name, person_ref, profession_of
from .schemas import CodeLabelOut, CommuneRefOut, IsoDate, IsoDateTime

router = CptsRouter(tags=["Soins non programmés : créneaux"])

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
SlotPageSize = page_size(MAX_PAGE_SIZE)
NOT_PUBLISHER = (
    "Seuls les membres adhérents d'une profession ouverte aux soins non programmés dans cette CPTS "
    "publient des créneaux."
)
MEMBER_CHOICE = "Le partage avec le SAS est le choix du membre : lui seul le change."
SLOT_NOT_FOUND = "Créneau introuvable."
AGENDA_NOT_FOUND = "Agenda introuvable."
PLACE_NOT_FOUND = "Lieu d'exercice : choisissez l'un de vos lieux d'exercice."
DISSOLVED = "CPTS dissoute : aucun créneau ne peut être publié ni modifié."

AudienceCode = Literal["PUBLIC", "SNP", "PRO", "CPTS"]
AUDIENCE_HELP = (
    "PUBLIC : tout public ; SNP : régulation SAS seulement ; PRO : professionnels de santé ; CPTS : membres."
)
SAS_HELP = (
    "Partagé avec le SAS : null pour suivre le choix par défaut de l'agenda "
    "(non partagé tant que le membre ne l'a pas changé)."
)


# --- Access ---------------------------------------------------------------------------


def access(request, cpts_id):
    """The CPTS; 404 (as a missing CPTS) without a role in it."""
    return cpts_or_404(request, cpts_id, policies.can_use_slots)


def writable(cpts):
    if cpts.is_dissolved:
        raise HttpError(409, DISSOLVED)


def publisher_of(request, cpts_id):
    """(cpts, professional) of a member who publishes slots: 409 in a dissolved CPTS, 403 for a
    user who may not publish."""
    cpts = access(request, cpts_id)
    writable(cpts)
    if not policies.can_publish_slots(request.auth, cpts):
        raise HttpError(403, NOT_PUBLISHER)
    return cpts, services.publisher(request.auth, cpts)


def agenda_at(cpts, professional, place_id):
    place = first_or_404(professional.practice_places.filter(pk=place_id), PLACE_NOT_FOUND)
    return services.ensure_agenda(cpts, professional, place)


def visible_slot(request, cpts, slot_id) -> Slot:
    slots = Slot.objects.for_cpts(cpts).select_related("professional", "commune").filter(pk=slot_id)
    return first_or_404(slots, SLOT_NOT_FOUND, request.auth, policies.can_see_slot)


def own_agenda(request, cpts, agenda_id) -> Agenda:
    agendas = Agenda.objects.for_cpts(cpts).select_related("professional", "practice_place__commune")
    return first_or_404(agendas.filter(pk=agenda_id), AGENDA_NOT_FOUND, request.auth, policies.can_manage_agenda)


# --- Schemas --------------------------------------------------------------------------


class SlotProfessionalRefOut(Schema):
    id: int
    first_name: str
    last_name: str


class SlotOut(Schema):
    id: int
    agenda_id: int
    series_id: int | None
    professional: SlotProfessionalRefOut
    profession: CodeLabelOut
    commune: CommuneRefOut
    start: datetime.datetime
    end: datetime.datetime
    audience: CodeLabelOut = Field(description=AUDIENCE_HELP)
    shared_with_sas: bool
    status: CodeLabelOut
    ics_uid: str = Field(description="UID de l'événement .ics importé, vide sinon.")


class SlotPageOut(Schema):
    items: list[SlotOut]
    count: int


class SlotIn(Schema):
    practice_place_id: int = Field(description="Un de vos lieux d'exercice (votre agenda SNP y est créé au besoin).")
    start: IsoDateTime = Field(description="Sans décalage horaire : heure de Paris.")
    end: IsoDateTime
    audience: AudienceCode = Field("PUBLIC", description=AUDIENCE_HELP)
    shared_with_sas: bool | None = Field(None, description=SAS_HELP)


class SeriesIn(Schema):
    practice_place_id: int
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(min_length=1, description="0 = lundi … 6 = dimanche.")
    start_time: datetime.time = Field(description="Heure de Paris du premier créneau de la journée.")
    duration_minutes: int = Field(ge=5, le=720)
    count_per_day: int = Field(1, ge=1, le=48, description="Créneaux à la suite chaque jour.")
    first_date: IsoDate
    last_date: IsoDate = Field(description="12 mois au plus après aujourd'hui.")
    exceptions: list[IsoDate] = Field([], max_length=400, description="Dates sans créneau.")
    audience: AudienceCode = Field("PUBLIC", description=AUDIENCE_HELP)
    shared_with_sas: bool | None = Field(None, description=SAS_HELP)


class SeriesOut(Schema):
    id: int
    agenda_id: int
    weekdays: list[int]
    start_time: datetime.time
    duration_minutes: int
    count_per_day: int
    first_date: datetime.date
    last_date: datetime.date
    exceptions: list[datetime.date]
    audience: CodeLabelOut
    shared_with_sas: bool
    slots_created: int


class ImportOut(Schema):
    agenda_id: int
    events: int = Field(description="Événements (UID) lus dans le fichier.")
    created: int
    updated: int
    unchanged: int
    cancelled: int = Field(description="Créneaux libres à venir d'un UID du fichier dont l'occurrence en a disparu.")


class SlotPatchIn(Schema):
    shared_with_sas: bool


class PlaceOut(Schema):
    id: int
    address: str
    commune: CommuneRefOut


class AgendaOut(Schema):
    id: int
    practice_place: PlaceOut
    shares_with_sas: bool = Field(description="Le choix par défaut des nouveaux créneaux.")
    feed_url: str = Field(description="Adresse secrète du flux .ics des rendez-vous (sans nom de patient).")


class AgendaPatchIn(Schema):
    shares_with_sas: bool | None = None
    apply_to_free_slots: bool = Field(False, description="Appliquer aussi le choix aux créneaux libres à venir.")
    regenerate_feed_token: bool = Field(False, description="Changer l'adresse du flux ; l'ancienne cesse de marcher.")


# --- Presenters -----------------------------------------------------------------------


def slot_dict(slot):
    return {
        "id": slot.pk,
        "agenda_id": slot.agenda_id,
        "series_id": slot.series_id,
        "professional": person_ref(slot.professional),
        "profession": profession_of(slot),
        "commune": code_name(slot.commune),
        "start": slot.start,
        "end": slot.end,
        "audience": code_label(slot.audience, slot.get_audience_display()),
        "shared_with_sas": slot.shared_with_sas,
        "status": code_label(slot.status, slot.get_status_display()),
        "ics_uid": slot.ics_uid,
    }


def agenda_dict(request, agenda):
    path = reverse("snp_slots_feed", args=[agenda.cpts.slug, agenda.feed_token])
    place = agenda.practice_place
    return {
        "id": agenda.pk,
        "practice_place": {
            "id": place.pk,
            "address": place.address,
            "commune": code_name(place.commune),
        },
        "shares_with_sas": agenda.shares_with_sas,
        "feed_url": request.build_absolute_uri(path),
    }


# --- Slots ----------------------------------------------------------------------------


@router.get("/cpts/{int:cpts_id}/snp/slots", response=SlotPageOut, summary="Créneaux SNP")
def list_slots(
    request,
    cpts_id: int,
    from_: Annotated[IsoDateTime | None, Query(alias="from", description="Début au plus tôt")] = None,
    to: Annotated[IsoDateTime | None, Query(description="Début au plus tard (exclu)")] = None,
    scope: Annotated[Literal["mine", "cpts"], Query(description="cpts : tous les membres (coordination)")] = "mine",
    status: Annotated[Literal["free", "booked", "cancelled"] | None, Query(description="État")] = None,
    page: PageNumber = 1,
    page_size: SlotPageSize = PAGE_SIZE,
):
    """Vos créneaux (par défaut à partir de maintenant), du plus proche au plus lointain ; paginé.

    La coordination voit ceux de tous les membres avec `scope=cpts`."""
    cpts = access(request, cpts_id)
    rows = policies.visible_slots(request.auth, cpts)
    if scope == "cpts":
        if not policies.can_see_all_slots(request.auth, cpts):
            raise HttpError(404, CPTS_NOT_FOUND)
    else:
        rows = rows.filter(professional__user=request.auth)
    rows = rows.filter(start__gte=paris(from_) if from_ else timezone.now())
    if to:
        rows = rows.filter(start__lt=paris(to))
    if status:
        rows = rows.filter(status=status)
    items, count = page_of(rows.select_related("professional", "commune").order_by("start", "pk"), page, page_size)
    return {"items": [slot_dict(slot) for slot in items], "count": count}


@router.post("/cpts/{int:cpts_id}/snp/slots", response={201: SlotOut}, summary="Publier un créneau SNP")
def create_slot(request, cpts_id: int, payload: SlotIn):
    """Un créneau à l'un de vos lieux d'exercice ; refusé s'il chevauche un de vos créneaux."""
    cpts, professional = publisher_of(request, cpts_id)
    try:
        agenda = agenda_at(cpts, professional, payload.practice_place_id)
        slot = services.publish_slot(
            agenda,
            start=paris(payload.start),
            end=paris(payload.end),
            audience=payload.audience,
            shared_with_sas=payload.shared_with_sas,
        )
    except DjangoValidationError as error:
        raise InvalidField.of(error) from error
    return Status(201, slot_dict(slot))


@router.post(
    "/cpts/{int:cpts_id}/snp/slot-series", response={201: SeriesOut}, summary="Publier une récurrence de créneaux SNP"
)
def create_series(request, cpts_id: int, payload: SeriesIn):
    """Les mêmes créneaux chaque semaine (12 mois au plus), sauf les exceptions ; tous créés d'un coup,
    ou aucun si l'un chevauche un de vos créneaux."""
    cpts, professional = publisher_of(request, cpts_id)
    try:
        agenda = agenda_at(cpts, professional, payload.practice_place_id)
        series = services.create_series(agenda, **payload.dict(exclude={"practice_place_id"}))
    except DjangoValidationError as error:
        raise InvalidField.of(error) from error
    return Status(
        201,
        {
            "id": series.pk,
            "agenda_id": series.agenda_id,
            "weekdays": series.weekdays,
            "start_time": series.start_time,
            "duration_minutes": series.duration_minutes,
            "count_per_day": series.count_per_day,
            "first_date": series.first_date,
            "last_date": series.last_date,
            "exceptions": [datetime.date.fromisoformat(day) for day in series.exceptions],
            "audience": code_label(series.audience, series.get_audience_display()),
            "shared_with_sas": series.shared_with_sas,
            "slots_created": series.slots.count(),
        },
    )


IMPORT_BODY = multipart_body(
    {
        "file": {"type": "string", "format": "binary", "description": "Fichier .ics, 1 Mo au plus."},
        "practice_place_id": {"type": "integer"},
        "audience": {"type": "string", "enum": list(Audience.values), "default": "PUBLIC"},
        "shared_with_sas": {"type": "boolean", "description": SAS_HELP},
    },
    ["file", "practice_place_id"],
)


def form_int(request, name):
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() else None


@router.post(
    "/cpts/{int:cpts_id}/snp/slots/import",
    response={201: ImportOut},
    summary="Importer des créneaux SNP d'un fichier .ics",
    openapi_extra=IMPORT_BODY,
)
def import_slots(request, cpts_id: int):
    """Un fichier iCalendar (multipart, champ `file`) : chaque occurrence d'événement devient un créneau
    (RRULE et EXDATE sur 12 mois). Tout ou rien ; un nouvel import du même fichier met à jour sans doubler."""
    cpts, professional = publisher_of(request, cpts_id)
    upload = request.FILES.get("file")
    place_id = form_int(request, "practice_place_id")
    if upload is None:
        return validation_error_response(["body", "file"], ["Fichier : joignez un fichier .ics (champ « file »)."])
    if place_id is None:
        return validation_error_response(
            ["body", "practice_place_id"], ["Lieu d'exercice : un identifiant est attendu."]
        )
    audience = request.POST.get("audience") or Audience.PUBLIC
    if audience not in Audience.values:
        return validation_error_response(["body", "audience"], [f"Pour qui : {', '.join(Audience.values)}."])
    shared = request.POST.get("shared_with_sas")
    shared_with_sas = None if shared in (None, "") else shared.lower() in ("true", "1", "on")
    if upload.size > services.MAX_ICS_BYTES:
        return validation_error_response(["body", "file"], ["Fichier : 1024 Ko au plus."])
    try:
        agenda = agenda_at(cpts, professional, place_id)
        summary = services.import_ics(agenda, upload.read(), audience=audience, shared_with_sas=shared_with_sas)
    except TransitionNotAllowed:
        raise  # 409: a slot it cancels moved meanwhile
    except DjangoValidationError as error:
        return validation_error_response(["body", "file"], error.messages)
    return Status(201, {"agenda_id": agenda.pk, **summary.__dict__})


@router.post("/cpts/{int:cpts_id}/snp/slots/{int:slot_id}/cancel", response=SlotOut, summary="Annuler un créneau SNP")
def cancel_slot(request, cpts_id: int, slot_id: int):
    """Le membre annule son créneau (la coordination peut annuler celui d'un membre). Un créneau réservé :
    son rendez-vous est annulé, la demande remise à placer et son demandeur prévenu par courriel."""
    cpts = access(request, cpts_id)
    slot = visible_slot(request, cpts, slot_id)
    if not policies.can_cancel_slot(request.auth, slot):
        raise HttpError(403, "Seuls le membre et la coordination annulent ce créneau.")
    writable(cpts)
    if slot.status == SlotStatus.CANCELLED:
        raise Slot.workflow.refusal(slot)  # 409 with the slot's state
    with refusals_as_409():
        services.cancel_slot(slot, by=request.auth)
    return slot_dict(Slot.objects.select_related("professional", "commune").get(pk=slot.pk))


@router.patch(
    "/cpts/{int:cpts_id}/snp/slots/{int:slot_id}", response=SlotOut, summary="Partager un créneau avec le SAS, ou non"
)
def patch_slot(request, cpts_id: int, slot_id: int, payload: SlotPatchIn):
    """Le choix du membre pour ce créneau ; la coordination ne le change pas (403)."""
    cpts = access(request, cpts_id)
    slot = visible_slot(request, cpts, slot_id)
    if not policies.can_share_slot(request.auth, slot):
        raise HttpError(403, MEMBER_CHOICE)
    writable(cpts)
    with refusals_as_409():
        services.set_slot_sharing(slot, payload.shared_with_sas)
    return slot_dict(slot)


# --- Agendas --------------------------------------------------------------------------


@router.get("/cpts/{int:cpts_id}/snp/agendas", response=list[AgendaOut], summary="Mes agendas SNP")
def list_agendas(request, cpts_id: int):
    """Un agenda par lieu d'exercice : le partage avec le SAS par défaut et l'adresse du flux .ics."""
    cpts = access(request, cpts_id)
    agendas = (
        policies.visible_agendas(request.auth, cpts).select_related("cpts", "practice_place__commune").order_by("pk")
    )
    return [agenda_dict(request, agenda) for agenda in agendas]


@router.patch(
    "/cpts/{int:cpts_id}/snp/agendas/{int:agenda_id}",
    response=AgendaOut,
    summary="Partage SAS par défaut d'un agenda, adresse du flux",
)
def patch_agenda(request, cpts_id: int, agenda_id: int, payload: AgendaPatchIn):
    """Le choix par défaut des nouveaux créneaux (et, si demandé, des créneaux libres à venir) ;
    `regenerate_feed_token` change l'adresse secrète du flux."""
    cpts = access(request, cpts_id)
    agenda = own_agenda(request, cpts, agenda_id)
    writable(cpts)
    if payload.shares_with_sas is not None:
        services.set_agenda_sharing(agenda, payload.shares_with_sas, apply_to_free_slots=payload.apply_to_free_slots)
    if payload.regenerate_feed_token:
        services.regenerate_feed_token(agenda)
    return agenda_dict(request, agenda)
