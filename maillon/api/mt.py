"""The médecin traitant desk: the waiting queue, a patient, the doctors' offers, the
proposals, a run of the engine and the workflow's steps.

Who: the rules of maillon/mt/policies.py, the ones the desk's pages ask too. The
coordinators of the CPTS read everything and run the engine; a member reads the patients
they registered themselves; the doctor of an offer accepts or refuses its proposals, the
coordinator takes the other steps. No role in the CPTS answers 404, as for a CPTS that
does not exist — a platform admin without a role there too; a patient or proposal the
caller may not see answers 404, as a missing one; a member on a coordinator's operation,
or a step the caller may not take on a proposal they see, gets 403. A step the proposal's
state does not allow answers 409 with the state (`ConflictOut`). Every patient shown is journaled: one
entry per patient of a list (its id and the field names, never values), one per detail.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from maillon.core import journal
from maillon.mt import export, policies, services
from maillon.mt.models import (
    Criterion,
    DoctorOffer,
    OfferStatus,
    Patient,
    PriorityWeight,
    Proposal,
    ProposalStatus,
    Trait,
)

from .common import CPTS_NOT_FOUND, CptsRouter, PageNumber, first_or_404, get_cpts_or_404, page_of, page_size
from .errors import refusals_as_409
from .presenters import code_label, code_name, person_ref
from .schemas import CodeLabelOut, CommuneRefOut, ConflictOut, Text200

router = CptsRouter(tags=["Médecin traitant"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
COORDINATOR_ONLY = "Seuls les coordinateurs de cette CPTS ont accès à la file d'attente du médecin traitant."
PATIENT_NOT_FOUND = "Patient introuvable."
PROPOSAL_NOT_FOUND = "Proposition introuvable."
DISSOLVED = "CPTS dissoute : aucune proposition ne peut être calculée."
DOCTOR_ONLY = "État : seul le médecin de l'offre accepte ou refuse une proposition."
COORDINATOR_STEP = "État : seule la coordination enregistre cette étape."

# The personal fields each answer shows, for the journal (names only, never values).
QUEUE_FIELDS = ["first_name", "last_name", "commune", "criteria", "channel"]
PATIENT_FIELDS = ["first_name", "last_name", "birth_date", "commune", "email", "phone", "criteria", "nir"]
PROPOSAL_FIELDS = ["first_name", "last_name", "commune"]
DOCTOR_FIELDS = ["first_name", "last_name"]

PageSize = page_size(MAX_PAGE_SIZE)


# --- Access -------------------------------------------------------------------------


def access(request, cpts_id, *, coordinator_only=False, coordination_list=False):
    """(cpts, is_coordinator); 404 without a role in the CPTS (a platform admin included) and for
    a member on the coordination's lists (`coordination_list`: they may not see them), 403 for a
    member on a coordination's action (`coordinator_only`)."""
    user = request.auth
    cpts = get_cpts_or_404(cpts_id)
    is_coordinator = policies.can_coordinate(user, cpts)
    if not policies.can_use_desk(user, cpts) or (coordination_list and not is_coordinator):
        raise HttpError(404, CPTS_NOT_FOUND)
    if coordinator_only and not is_coordinator:
        raise HttpError(403, COORDINATOR_ONLY)
    return cpts, is_coordinator


def visible_patient(request, cpts, patient_id) -> Patient:
    """A patient the caller may see (`policies.can_see_patient`), else 404 as a missing one."""
    patients = Patient.objects.for_cpts(cpts).select_related("commune").filter(pk=patient_id)
    return first_or_404(patients, PATIENT_NOT_FOUND, request.auth, policies.can_see_patient)


def visible_proposal(request, cpts, proposal_id) -> Proposal:
    """A proposal the caller may see (`policies.can_see_proposal`), else 404 as a missing one."""
    proposals = Proposal.objects.filter(patient__cpts=cpts, pk=proposal_id).select_related(
        "patient__commune", "offer__doctor"
    )
    return first_or_404(proposals, PROPOSAL_NOT_FOUND, request.auth, policies.can_see_proposal)


def journal_patients(cpts, patient_ids, *, fields, note):
    """One journal entry per patient shown."""
    journal.record_reads(Patient, patient_ids, fields, cpts_id=cpts.pk, note=note)


# --- Schemas --------------------------------------------------------------------------


class ReasonOut(Schema):
    label: str
    points: int


class MtPatientRefOut(Schema):
    id: int
    first_name: str
    last_name: str
    commune: CommuneRefOut


class QueueItemOut(Schema):
    patient: MtPatientRefOut
    channel: CodeLabelOut
    score: int
    reasons: list[ReasonOut]
    waiting_days: int


class QueuePageOut(Schema):
    items: list[QueueItemOut]
    count: int


class DoctorRefOut(Schema):
    id: int
    first_name: str
    last_name: str


class ProposalOut(Schema):
    id: int
    status: CodeLabelOut
    patient: MtPatientRefOut | None = Field(description="Null pour le médecin d'une proposition close sans lui.")
    offer_id: int
    doctor: DoctorRefOut
    run_id: int | None
    distance_km: Decimal | None
    reasons: list[str] = Field(description="Pourquoi cette proposition, en français.")
    created_at: datetime.datetime
    expires_at: datetime.datetime
    decided_at: datetime.datetime | None


class ProposalPageOut(Schema):
    items: list[ProposalOut]
    count: int


class MtEventOut(Schema):
    from_status: str
    to_status: str
    at: datetime.datetime
    proposal_id: int | None
    note: str
    for_doctor: bool = Field(description="Réponse du médecin saisie pour lui par la coordination.")


class MtPatientOut(Schema):
    id: int
    first_name: str
    last_name: str
    birth_date: datetime.date
    age: int
    commune: CommuneRefOut
    email: str
    phone: str
    nir: str
    criteria: list[CodeLabelOut]
    channel: CodeLabelOut
    status: CodeLabelOut
    registered_at: datetime.datetime
    closed_at: datetime.datetime | None
    waiting_days: int
    score: int
    reasons: list[ReasonOut]
    events: list[MtEventOut]
    proposals: list[ProposalOut] = Field(description="Pour la coordination seulement (vide sinon).")


class OfferOut(Schema):
    id: int
    doctor: DoctorRefOut
    status: CodeLabelOut
    places_per_month: int
    places_left: int = Field(description="Places restantes ce mois-ci.")
    radius_km: int | None
    communes: list[CommuneRefOut]
    refuses: list[CodeLabelOut]


class OfferPageOut(Schema):
    items: list[OfferOut]
    count: int


class RunOut(Schema):
    id: int
    started_at: datetime.datetime
    patients_considered: int
    doctors_considered: int
    proposals_made: int
    skipped_offers: int = Field(description="Offres sans lieu d'exercice ni commune desservie, laissées de côté.")
    proposals: list[ProposalOut]


Step = Literal["accepted", "refused_by_doctor", "informed", "declared", "refused_by_patient", "withdrawn"]


class TransitionIn(Schema):
    status: Step = Field(description="Le nouvel état de la proposition.")
    note: Text200 = ""


class DoctorAnswerIn(Schema):
    status: Literal["accepted", "refused_by_doctor"] = Field(description="La réponse du médecin.")
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = Field(
        description="Obligatoire : comment la réponse a été reçue (« Réponse reçue par téléphone le … »)."
    )


# --- Presenters -----------------------------------------------------------------------


def patient_ref(patient):
    return {**person_ref(patient), "commune": code_name(patient.commune)}


def reasons_out(reasons):
    return [{"label": label, "points": points} for label, points in reasons]


def proposal_dict(proposal, *, shows_patient=True):
    return {
        "id": proposal.pk,
        "status": code_label(proposal.status, ProposalStatus(proposal.status).label),
        "patient": patient_ref(proposal.patient) if shows_patient else None,
        "offer_id": proposal.offer_id,
        "doctor": person_ref(proposal.offer.doctor),
        "run_id": proposal.run_id,
        "distance_km": proposal.distance_km,
        # The reasons hint at the patient's health: not once hidden from the doctor.
        "reasons": [str(reason) for reason in proposal.reasons or []] if shows_patient else [],
        "created_at": proposal.created_at,
        "expires_at": proposal.expires_at,
        "decided_at": proposal.decided_at,
    }


# --- Queue and patients ---------------------------------------------------------------


@router.get(
    "/cpts/{int:cpts_id}/mt/queue", response=QueuePageOut, summary="File d'attente des patients sans médecin traitant"
)
def get_queue(request, cpts_id: int, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """Les patients en attente, du score de priorité le plus haut au plus bas, puis par ancienneté ; paginé."""
    cpts, _ = access(request, cpts_id, coordination_list=True)
    today = timezone.localdate()
    shown, count = page_of(services.queue(cpts, on=today), page, page_size)
    if shown:
        patient_ids = [patient.pk for patient, _, _ in shown]
        journal_patients(cpts, patient_ids, fields=QUEUE_FIELDS, note="file d’attente (API)")
    items = [
        {
            "patient": patient_ref(patient),
            "channel": code_label(patient.channel, patient.get_channel_display()),
            "score": score,
            "reasons": reasons_out(reasons),
            "waiting_days": patient.waiting_days(today),
        }
        for patient, score, reasons in shown
    ]
    return {"items": items, "count": count}


@router.get(
    "/cpts/{int:cpts_id}/mt/patients/{int:patient_id}", response=MtPatientOut, summary="Détail d'un patient inscrit"
)
def get_patient(request, cpts_id: int, patient_id: int):
    """L'inscription, le score et ses raisons, l'historique ; la coordination voit aussi les propositions.

    La coordination voit tous les patients ; un membre, ceux qu'il a inscrits lui-même.
    """
    cpts, is_coordinator = access(request, cpts_id)
    patient = visible_patient(request, cpts, patient_id)
    journal.record(journal.Action.READ, patient, fields=PATIENT_FIELDS, cpts_id=cpts.pk)
    today = timezone.localdate()
    score, reasons = patient.score(PriorityWeight.weights_of(cpts), today)
    proposals = patient.proposals.select_related("offer__doctor", "patient__commune") if is_coordinator else []
    return {
        "id": patient.pk,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "birth_date": patient.birth_date,
        "age": patient.age_on(today),
        "commune": code_name(patient.commune),
        "email": patient.email,
        "phone": patient.phone,
        "nir": patient.nir,
        "criteria": [code_label(criterion, Criterion(criterion).label) for criterion in patient.criteria(today)],
        "channel": code_label(patient.channel, patient.get_channel_display()),
        "status": code_label(patient.status, patient.get_status_display()),
        "registered_at": patient.registered_at,
        "closed_at": patient.closed_at,
        "waiting_days": patient.waiting_days(today),
        "score": score,
        "reasons": reasons_out(reasons),
        "events": [
            {
                "from_status": event.from_status,
                "to_status": event.to_status,
                "at": event.at,
                "proposal_id": event.proposal_id,
                "note": event.note,
                "for_doctor": event.for_doctor,
            }
            for event in patient.events.all()
        ],
        "proposals": [proposal_dict(proposal) for proposal in proposals],
    }


# --- Offers ---------------------------------------------------------------------------


@router.get("/cpts/{int:cpts_id}/mt/offers", response=OfferPageOut, summary="Offres des médecins volontaires")
def list_offers(
    request,
    cpts_id: int,
    status: Annotated[OfferStatus | None, Query(description="État de l'offre")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les offres des médecins de la CPTS : places par mois et restantes, communes, patients non acceptés."""
    cpts, _ = access(request, cpts_id, coordination_list=True)
    today = timezone.localdate()
    offers = (
        DoctorOffer.objects.for_cpts(cpts)
        .with_places_used(today)
        .select_related("doctor")
        .prefetch_related("communes")
        .order_by("pk")
    )
    if status:
        offers = offers.filter(status=status)
    shown, count = page_of(offers, page, page_size)
    journal.record(
        journal.Action.READ,
        object_type="members.Professional",
        cpts_id=cpts.pk,
        fields=DOCTOR_FIELDS,
        note=f"offres médecin traitant : {len(shown)} (page {page}, {count} en tout)",
    )
    items = [
        {
            "id": offer.pk,
            "doctor": person_ref(offer.doctor),
            "status": code_label(offer.status, offer.get_status_display()),
            "places_per_month": offer.places_per_month,
            "places_left": offer.places_left(today),
            "radius_km": offer.radius_km,
            "communes": [code_name(commune) for commune in offer.communes.all()],
            "refuses": [code_label(trait, label) for trait, label in Trait.choices if trait in (offer.refuses or [])],
        }
        for offer in shown
    ]
    return {"items": items, "count": count}


# --- Proposals ------------------------------------------------------------------------


@router.get("/cpts/{int:cpts_id}/mt/proposals", response=ProposalPageOut, summary="Propositions de médecin traitant")
def list_proposals(
    request,
    cpts_id: int,
    status: Annotated[ProposalStatus | None, Query(description="État de la proposition")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les propositions, des plus récentes aux plus anciennes ; paginé."""
    cpts, _ = access(request, cpts_id, coordination_list=True)
    proposals = Proposal.objects.filter(patient__cpts=cpts).select_related("patient__commune", "offer__doctor")
    if status:
        proposals = proposals.filter(status=status)
    shown, count = page_of(proposals.order_by("-created_at", "-pk"), page, page_size)
    if shown:
        journal_patients(
            cpts, [proposal.patient_id for proposal in shown], fields=PROPOSAL_FIELDS, note="propositions (API)"
        )
    return {"items": [proposal_dict(proposal) for proposal in shown], "count": count}


@router.post("/cpts/{int:cpts_id}/mt/proposals/run", response={201: RunOut}, summary="Calculer des propositions")
def run_proposals(request, cpts_id: int):
    """Le moteur propose des médecins aux patients en attente ; répond le calcul et ses propositions."""
    cpts, _ = access(request, cpts_id, coordinator_only=True)
    if cpts.is_dissolved:
        raise HttpError(409, DISSOLVED)
    with refusals_as_409():
        run = services.propose(cpts, by=request.auth)
    proposals = list(run.proposals.select_related("patient__commune", "offer__doctor").order_by("pk"))
    if proposals:
        journal_patients(
            cpts, [proposal.patient_id for proposal in proposals], fields=PROPOSAL_FIELDS, note=f"calcul n° {run.pk}"
        )
    return Status(
        201,
        {
            "id": run.pk,
            "started_at": run.started_at,
            "patients_considered": run.patients_considered,
            "doctors_considered": run.doctors_considered,
            "proposals_made": run.proposals_made,
            "skipped_offers": int((run.objective or {}).get("skipped_offers") or 0),
            "proposals": [proposal_dict(proposal) for proposal in proposals],
        },
    )


@router.post(
    "/cpts/{int:cpts_id}/mt/proposals/{int:proposal_id}/transition",
    response={200: ProposalOut, 409: ConflictOut},
    summary="Faire avancer une proposition",
)
def transition_proposal(request, cpts_id: int, proposal_id: int, payload: TransitionIn):
    """Une étape : le médecin de l'offre accepte (`accepted`) ou refuse (`refused_by_doctor`) ;
    la coordination enregistre `informed`, `declared`, `refused_by_patient` ou `withdrawn`.

    Une étape impossible depuis l'état de la proposition répond 409 avec cet état.
    """
    cpts, _ = access(request, cpts_id)
    proposal = visible_proposal(request, cpts, proposal_id)
    to = ProposalStatus(payload.status)
    if not policies.can_take_step(request.auth, proposal, to):
        raise HttpError(403, DOCTOR_ONLY if to in policies.DOCTOR_STEPS else COORDINATOR_STEP)
    with refusals_as_409():
        proposal = services.transition(proposal, to, by=request.auth, note=payload.note)
    return proposal_answer(request, cpts, proposal)


@router.post(
    "/cpts/{int:cpts_id}/mt/proposals/{int:proposal_id}/doctor-answer",
    response={200: ProposalOut, 409: ConflictOut},
    summary="Saisir la réponse du médecin pour lui",
)
def answer_for_doctor(request, cpts_id: int, proposal_id: int, payload: DoctorAnswerIn):
    """La coordination enregistre l'acceptation (`accepted`) ou le refus (`refused_by_doctor`) que le
    médecin a donné par téléphone ou autrement, avec une note obligatoire ; l'historique garde qui l'a
    saisi, pour le médecin. Une étape impossible depuis l'état de la proposition répond 409 avec cet état.
    """
    cpts, _ = access(request, cpts_id)
    proposal = visible_proposal(request, cpts, proposal_id)
    if not policies.can_answer_for_doctor(request.auth, proposal):
        raise HttpError(403, COORDINATOR_ONLY)
    to = ProposalStatus(payload.status)
    if not policies.can_take_step(request.auth, proposal, to, for_doctor=True):
        raise HttpError(403, COORDINATOR_STEP)
    with refusals_as_409("note"):
        proposal = services.answer_for_doctor(proposal, to, by=request.auth, note=payload.note)
    return proposal_answer(request, cpts, proposal)


def proposal_answer(request, cpts, proposal):
    """The proposal after a step, as this caller sees it (its patient journaled when shown)."""
    proposal = Proposal.objects.filter(pk=proposal.pk).select_related("patient__commune", "offer__doctor").get()
    shows_patient = policies.shows_patient(request.auth, proposal)
    if shows_patient:
        journal.record(journal.Action.READ, proposal.patient, fields=PROPOSAL_FIELDS, cpts_id=cpts.pk)
    return proposal_dict(proposal, shows_patient=shows_patient)


# --- Export on request ------------------------------------------------------------------


@router.get(
    "/cpts/{int:cpts_id}/mt/patients/{int:patient_id}/export",
    response=dict[str, Any],
    summary="Export des données détenues sur un patient",
)
def export_patient(request, cpts_id: int, patient_id: int):
    """Tout ce que le guichet détient sur la personne (droit d'accès) : identité et contact,
    critères et priorité, état, étapes, propositions (médecin, dates, états, raisons) et journal
    des consultations et modifications (qui, quand, quels champs ; jamais les valeurs).
    Coordination seulement ; l'export est journalisé. Le même contenu que le fichier JSON de la page
    du patient.
    """
    cpts, _ = access(request, cpts_id)
    patient = visible_patient(request, cpts, patient_id)
    if not policies.can_export_patient(request.auth, patient):
        raise HttpError(403, COORDINATOR_ONLY)
    data = export.person_data(patient, audience=export.COORDINATION)
    export.record_export(patient, fmt="json (API)", audience=export.COORDINATION, actor=request.auth)
    return data
