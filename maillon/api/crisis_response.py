"""Crises and acknowledgements: activate the plan or declare a crisis, the live board, the
main courante, recognition, end, RETEX; and the member's answer through their link.

Who, as on the pages (`maillon.crisis_response.policies`): the coordinators of the CPTS
activate, run exercises, end, mobilise, write the RETEX and keep the alert chain; the
authorities of its territory declare, recognise a serious crisis and write in the main
courante; its observers read. No role (a platform admin without one included) answers 404,
as for a CPTS that does not exist, and so does the alert chain for anyone but the
coordination; a role without the right answers 403. Every member shown is journaled (ids and field names, never values);
every write goes through the journaled models.
"""

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from maillon.core import journal, throttle
from maillon.core.models import Cpts
from maillon.crisis_response import policies, services
from maillon.crisis_response.models import AlertLevel, ContactPreference, Crisis, CrisisRecipient, DeclaredAs, LogKind
from maillon.crisis_response.tokens import LinkError, recipient_of
from maillon.members.models import Professional

from .common import CptsRouter, cpts_or_404, first_or_404
from .errors import refusals_as_409
from .presenters import code_label
from .schemas import CodeLabelOut, IsoDateTime, MessageOut, ValidationErrorOut

router = CptsRouter(tags=["Crise : alertes"])

CRISIS_NOT_FOUND = "Crise introuvable."

Zone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LogText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Skills = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


# --- Access ---------------------------------------------------------------------------


ROLE_REFUSED = "Votre rôle ne permet pas cette opération sur les crises de cette CPTS."


def access(request, cpts_id, visible=policies.can_see_crises):
    """The CPTS; 404 (as a missing CPTS) unless `visible(user, cpts)` — by default, the user
    sees its crises."""
    return cpts_or_404(request, cpts_id, visible)


def ensure(request, cpts, allowed, message=ROLE_REFUSED) -> None:
    """403 when the user, who sees the crises, may not take this action."""
    if not allowed(request.auth, cpts):
        raise HttpError(403, message)


def crisis_of(request, cpts_id, crisis_id) -> tuple[Cpts, Crisis]:
    """(cpts, crisis); 404 as `access`, or for a crisis not of this CPTS."""
    cpts = access(request, cpts_id)
    return cpts, first_or_404(Crisis.objects.for_cpts(cpts).filter(pk=crisis_id), CRISIS_NOT_FOUND)


# --- Schemas --------------------------------------------------------------------------


class CrisisOut(Schema):
    id: int
    typology: CodeLabelOut
    zone: str
    started_at: datetime.datetime
    ended_at: datetime.datetime | None
    is_exercise: bool = Field(description="Un exercice n'est jamais une crise réelle ni reconnu.")
    declared_as: CodeLabelOut
    recognised_at: datetime.datetime | None = Field(description="Reconnue crise sanitaire grave par l'autorité.")
    alerted_level: int = Field(description="Le plus haut niveau de la chaîne alerté.")


class LevelFiguresOut(Schema):
    rank: int
    alerted: int
    reached: int
    reach_rate: int = Field(description="En %.")
    answered: int
    available: int
    median_answer_minutes: float | None
    slowest_answer_minutes: float | None


class DeliveryOut(Schema):
    channel: CodeLabelOut
    status: CodeLabelOut
    attempts: int
    sent_at: datetime.datetime | None
    last_error: str = Field(description="La classe de l'erreur seulement.")


class RecipientOut(Schema):
    id: int
    professional_id: int
    first_name: str
    last_name: str
    level: int
    alerted_at: datetime.datetime
    deliveries: list[DeliveryOut]
    answer: CodeLabelOut | None
    answered_at: datetime.datetime | None
    available_from: datetime.datetime | None
    skills: str
    assignment: str


class LogEntryOut(Schema):
    id: int
    at: datetime.datetime
    kind: CodeLabelOut
    text: str
    author_id: int | None
    professional_id: int | None


class BoardOut(Schema):
    crisis: CrisisOut
    levels: list[LevelFiguresOut]
    recipients: list[RecipientOut]
    log: list[LogEntryOut]


class ActivateIn(Schema):
    typology: Literal["injured", "sick", "emerging_infection", "nrc", "care_capacity_loss"]
    zone: Zone
    started_at: IsoDateTime | None = Field(None, description="Maintenant si absent.")
    is_exercise: bool = Field(False, description="Coordination seulement.")
    recognised: bool = Field(False, description="Autorité seulement : reconnaît une crise sanitaire grave.")


class LogIn(Schema):
    kind: Literal["decision", "action", "information"]
    text: LogText


class AssignIn(Schema):
    assignment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class EscalationOut(Schema):
    alerted: int


class RetexIn(Schema):
    went_well: LongText = ""
    went_wrong: LongText = ""
    improvement_actions: list[Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]] = Field(
        min_length=1, description="Reportées dans la prochaine version du plan de crise."
    )


class RetexOut(Schema):
    crisis_id: int
    improvement_actions: list[str]
    carried_at: datetime.datetime | None


class AlertOut(Schema):
    cpts: str
    is_exercise: bool
    typology: CodeLabelOut
    zone: str
    started_at: datetime.datetime
    expires_at: datetime.datetime


class AnswerIn(Schema):
    answer: Literal["available", "unavailable"]
    available_from: IsoDateTime | None = None
    skills: Skills = ""


class CrisisAnswerOut(Schema):
    answer: CodeLabelOut
    available_from: datetime.datetime | None
    answered_at: datetime.datetime


# --- Presenters -----------------------------------------------------------------------


def crisis_out(crisis: Crisis) -> dict:
    return {
        "id": crisis.pk,
        "typology": code_label(crisis.typology, crisis.get_typology_display()),
        "zone": crisis.zone,
        "started_at": crisis.started_at,
        "ended_at": crisis.ended_at,
        "is_exercise": crisis.is_exercise,
        "declared_as": code_label(crisis.declared_as, crisis.get_declared_as_display()),
        "recognised_at": crisis.recognised_at,
        "alerted_level": crisis.alerted_rank,
    }


def recipient_out(row) -> dict:
    recipient: CrisisRecipient = row["recipient"]
    return {
        "id": recipient.pk,
        "professional_id": recipient.professional_id,
        "first_name": recipient.professional.first_name,
        "last_name": recipient.professional.last_name,
        "level": recipient.level_rank,
        "alerted_at": recipient.alerted_at,
        "deliveries": [
            {
                "channel": code_label(d.channel, d.get_channel_display()),
                "status": code_label(d.status, d.get_status_display()),
                "attempts": d.attempts,
                "sent_at": d.sent_at,
                "last_error": d.last_error,
            }
            for d in row["deliveries"]
        ],
        "answer": code_label(recipient.answer, recipient.get_answer_display()) if recipient.answer else None,
        "answered_at": recipient.answered_at,
        "available_from": recipient.available_from,
        "skills": recipient.skills,
        "assignment": recipient.assignment,
    }


def board_out(crisis: Crisis, *, by) -> dict:
    rows = services.board(crisis, by=by, note="API tableau de crise")
    return {
        "crisis": crisis_out(crisis),
        "levels": [
            {**figures.__dict__, "reach_rate": figures.reach_rate} for figures in services.level_figures(crisis)
        ],
        "recipients": [recipient_out(row) for row in rows],
        "log": [
            {
                "id": entry.pk,
                "at": entry.at,
                "kind": code_label(entry.kind, entry.get_kind_display()),
                "text": entry.text,
                "author_id": entry.author_id,
                "professional_id": entry.professional_id,
            }
            for entry in crisis.log.order_by("at", "pk")
        ],
    }


# --- Operations -----------------------------------------------------------------------


@router.get("/cpts/{int:cpts_id}/crises", response=list[CrisisOut], summary="Crises et exercices")
def list_crises(request, cpts_id: int):
    """Les crises et les exercices de la CPTS, les plus récents d'abord."""
    cpts = access(request, cpts_id)
    return [crisis_out(crisis) for crisis in Crisis.objects.for_cpts(cpts).order_by("-started_at", "-pk")]


@router.post(
    "/cpts/{int:cpts_id}/crises",
    response={201: BoardOut},
    summary="Activer le plan, lancer un exercice ou déclarer une crise",
)
def activate(request, cpts_id: int, payload: ActivateIn):
    """La coordination active le plan (ou lance un exercice, `is_exercise`) ; l'autorité du
    territoire déclare une crise et peut la reconnaître crise sanitaire grave (`recognised`).
    L'alerte part aussitôt vers le niveau 1 de la chaîne."""
    cpts = access(request, cpts_id)
    ensure(request, cpts, policies.can_declare_crisis)
    if payload.is_exercise:
        ensure(request, cpts, policies.can_run_exercise, "Seule la coordination lance un exercice.")
    if payload.recognised:
        ensure(request, cpts, policies.can_recognise_crisis, "Seule l'autorité reconnaît une crise sanitaire grave.")
    role = policies.response_role(request.auth, cpts)
    with refusals_as_409():
        crisis = services.activate(
            cpts,
            typology=payload.typology,
            zone=payload.zone,
            started_at=payload.started_at,
            by=request.auth,
            declared_as=DeclaredAs.AUTHORITY if role == policies.AUTHORITY else DeclaredAs.COORDINATOR,
            is_exercise=payload.is_exercise,
            recognised=payload.recognised,
        )
    return Status(201, board_out(crisis, by=request.auth))


@router.get("/cpts/{int:cpts_id}/crises/{int:crisis_id}", response=BoardOut, summary="Tableau de la crise")
def get_board(request, cpts_id: int, crisis_id: int):
    """Qui a été alerté, joint (état de chaque envoi), qui a répondu, qui est mobilisé où ;
    les chiffres par niveau (taux de joignabilité, temps de réponse) ; la main courante."""
    _, crisis = crisis_of(request, cpts_id, crisis_id)
    return board_out(crisis, by=request.auth)


@router.post(
    "/cpts/{int:cpts_id}/crises/{int:crisis_id}/log", response={201: LogEntryOut}, summary="Ajouter à la main courante"
)
def add_log(request, cpts_id: int, crisis_id: int, payload: LogIn):
    """Une ligne horodatée, en ajout seul (jamais modifiée ni supprimée)."""
    cpts, crisis = crisis_of(request, cpts_id, crisis_id)
    ensure(request, cpts, policies.can_write_log, "Votre rôle ne permet pas d'écrire dans la main courante.")
    with refusals_as_409():
        entry = services.add_log(crisis, text=payload.text, kind=payload.kind, by=request.auth)
    return Status(
        201,
        {
            "id": entry.pk,
            "at": entry.at,
            "kind": code_label(entry.kind, LogKind(entry.kind).label),
            "text": entry.text,
            "author_id": entry.author_id,
            "professional_id": None,
        },
    )


@router.post(
    "/cpts/{int:cpts_id}/crises/{int:crisis_id}/end", response=CrisisOut, summary="Terminer la crise ou l'exercice"
)
def end_crisis(request, cpts_id: int, crisis_id: int):
    """Plus aucune alerte ni réponse ; le RETEX peut être rédigé."""
    cpts, crisis = crisis_of(request, cpts_id, crisis_id)
    ensure(request, cpts, policies.can_end_crisis)
    with refusals_as_409():
        services.end(crisis, by=request.auth)
    return crisis_out(crisis)


@router.post(
    "/cpts/{int:cpts_id}/crises/{int:crisis_id}/recipients/{int:recipient_id}/assignment",
    response=BoardOut,
    summary="Mobiliser un membre disponible",
)
def assign(request, cpts_id: int, crisis_id: int, recipient_id: int, payload: AssignIn):
    """Où un membre qui a répondu « disponible » est mobilisé (vide : mobilisation levée) ;
    écrit dans la main courante. Coordination seule, crise en cours."""
    cpts, crisis = crisis_of(request, cpts_id, crisis_id)
    ensure(request, cpts, policies.can_mobilise)
    recipient = first_or_404(crisis.recipients.filter(pk=recipient_id), "Membre alerté introuvable.")
    if not crisis.is_active:
        raise HttpError(409, "La crise est terminée : plus de mobilisation.")
    with refusals_as_409():
        services.assign(recipient, assignment=payload.assignment, by=request.auth)
    return board_out(crisis, by=request.auth)


@router.post(
    "/cpts/{int:cpts_id}/crises/{int:crisis_id}/escalation",
    response=EscalationOut,
    summary="Vérifier la cascade maintenant",
)
def escalate(request, cpts_id: int, crisis_id: int):
    """Alerte le niveau suivant si le délai du niveau en cours est écoulé et qu'un de ses
    membres n'a pas répondu « disponible » ; `alerted` : combien (0 : rien à faire)."""
    cpts, crisis = crisis_of(request, cpts_id, crisis_id)
    ensure(request, cpts, policies.can_mobilise)
    return {"alerted": services.escalate_due(crisis)}


@router.post(
    "/cpts/{int:cpts_id}/crises/{int:crisis_id}/recognition",
    response=CrisisOut,
    summary="Reconnaître une crise sanitaire grave (autorité)",
)
def recognise(request, cpts_id: int, crisis_id: int):
    """Seule l'autorité du territoire reconnaît une crise sanitaire grave (jamais un exercice) :
    le fait `serious_crisis_recognised` de l'année du contrat devient vrai."""
    cpts, crisis = crisis_of(request, cpts_id, crisis_id)
    ensure(request, cpts, policies.can_recognise_crisis, "Seule l'autorité reconnaît une crise sanitaire grave.")
    with refusals_as_409():
        crisis.recognise(by=request.auth)
    return crisis_out(crisis)


@router.post("/cpts/{int:cpts_id}/crises/{int:crisis_id}/retex", response={201: RetexOut}, summary="Rédiger le RETEX")
def write_retex(request, cpts_id: int, crisis_id: int, payload: RetexIn):
    """Une fois la crise terminée ; les actions d'amélioration sont reportées dans la prochaine
    version du plan de crise."""
    cpts, crisis = crisis_of(request, cpts_id, crisis_id)
    ensure(request, cpts, policies.can_write_retex)
    with refusals_as_409():
        retex = services.write_retex(
            crisis,
            went_well=payload.went_well,
            went_wrong=payload.went_wrong,
            improvement_actions="\n".join(payload.improvement_actions),
            by=request.auth,
        )
    return Status(
        201, {"crisis_id": crisis.pk, "improvement_actions": retex.action_list, "carried_at": retex.carried_at}
    )


def _recipient_or_404(token):
    try:
        return recipient_of(token)
    except LinkError as error:
        raise HttpError(404, str(error)) from error


@router.get(
    "/crises/acknowledgements/{token}",
    response={200: AlertOut, 404: MessageOut},
    auth=None,
    summary="L'alerte d'un lien d'accusé de réception",
)
def get_alert(request, token: str):
    """Sans connexion : le jeton signé du lien reçu par SMS ou courriel est la seule preuve.
    Un lien faux, expiré, déjà utilisé ou d'une crise close répond 404."""
    recipient = _recipient_or_404(token)
    crisis = recipient.crisis
    return {
        "cpts": crisis.cpts.name,
        "is_exercise": crisis.is_exercise,
        "typology": code_label(crisis.typology, crisis.get_typology_display()),
        "zone": crisis.zone,
        "started_at": crisis.started_at,
        "expires_at": recipient.link_expires_at(),
    }


@router.post(
    "/crises/acknowledgements/{token}",
    response={201: CrisisAnswerOut, 404: MessageOut, 422: ValidationErrorOut, 429: MessageOut},
    auth=None,
    summary="Répondre à une alerte",
)
def answer_alert(request, token: str, payload: AnswerIn):
    """Disponible ou non, à partir de quand, avec quelles compétences ; une seule réponse par lien."""
    if not throttle.allow_link(request, "crisis_response_ack"):  # per address, as the page's form
        raise HttpError(429, "Trop de tentatives depuis cette adresse : réessayez dans une heure.")
    recipient = _recipient_or_404(token)
    try:
        services.acknowledge(
            recipient, answer=payload.answer, available_from=payload.available_from, skills=payload.skills
        )
    except DjangoValidationError as error:
        raise HttpError(404, " ".join(error.messages)) from error
    return Status(
        201,
        {
            "answer": code_label(recipient.answer, recipient.get_answer_display()),
            "available_from": recipient.available_from,
            "answered_at": recipient.answered_at,
        },
    )


# --- The alert chain and the members' channels (coordination) ------------------------------

CHAIN_FIELDS = ["first_name", "last_name"]


class ChainMemberOut(Schema):
    professional_id: int
    first_name: str
    last_name: str
    by_email: bool
    by_sms: bool


class ChainLevelOut(Schema):
    id: int
    rank: int
    name: str
    wait_minutes: int
    members: list[ChainMemberOut]


class LevelIn(Schema):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    wait_minutes: int = Field(15, ge=1, le=1440)


class LevelMemberIn(Schema):
    professional_id: int


class PreferenceIn(Schema):
    by_email: bool
    by_sms: bool


def chain_out(cpts) -> list[dict]:
    """The levels in order with their members and channels; each member shown is journaled."""
    preferences = {row.professional_id: row for row in ContactPreference.objects.for_cpts(cpts)}
    chain = services.chain(cpts)
    shown = {row.professional_id for _, rows in chain for row in rows}
    if shown:
        journal.record_reads(Professional, shown, CHAIN_FIELDS, cpts_id=cpts.pk, note="API chaîne d'alerte")

    def member(row):
        preference = preferences.get(row.professional_id)
        return {
            "professional_id": row.professional_id,
            "first_name": row.professional.first_name,
            "last_name": row.professional.last_name,
            "by_email": preference.by_email if preference else True,
            "by_sms": preference.by_sms if preference else True,
        }

    return [
        {
            "id": level.pk,
            "rank": level.rank,
            "name": level.name,
            "wait_minutes": level.wait_minutes,
            "members": [member(row) for row in rows],
        }
        for level, rows in chain
    ]


def active_member_or_404(cpts, professional_id):
    return first_or_404(services.active_professionals(cpts).filter(pk=professional_id), "Adhérent actif introuvable.")


@router.get("/cpts/{int:cpts_id}/alert-chain", response=list[ChainLevelOut], summary="La chaîne d'alerte")
def get_chain(request, cpts_id: int):
    """Les niveaux de la cascade dans l'ordre, leurs membres et leurs canaux (coordination)."""
    cpts = access(request, cpts_id, policies.can_manage_chain)
    return chain_out(cpts)


@router.post(
    "/cpts/{int:cpts_id}/alert-chain/levels",
    response={201: list[ChainLevelOut]},
    summary="Ajouter un niveau à la chaîne d'alerte",
)
def add_level(request, cpts_id: int, payload: LevelIn):
    """Le niveau prend le rang suivant le dernier."""
    cpts = access(request, cpts_id, policies.can_manage_chain)
    with refusals_as_409():
        services.add_level(cpts, name=payload.name, wait_minutes=payload.wait_minutes)
    return Status(201, chain_out(cpts))


@router.post(
    "/cpts/{int:cpts_id}/alert-chain/levels/{int:level_id}/members",
    response={201: list[ChainLevelOut]},
    summary="Placer un adhérent dans un niveau",
)
def add_level_member(request, cpts_id: int, level_id: int, payload: LevelMemberIn):
    """Un adhérent actif, dans un seul niveau de la chaîne."""
    cpts = access(request, cpts_id, policies.can_manage_chain)
    level = first_or_404(AlertLevel.objects.for_cpts(cpts).filter(pk=level_id), "Niveau introuvable.")
    professional = active_member_or_404(cpts, payload.professional_id)
    with refusals_as_409():
        services.add_to_level(level, professional)
    return Status(201, chain_out(cpts))


@router.put(
    "/cpts/{int:cpts_id}/alert-chain/preferences/{int:professional_id}",
    response=list[ChainLevelOut],
    summary="Canaux d'alerte d'un adhérent",
)
def set_preference(request, cpts_id: int, professional_id: int, payload: PreferenceIn):
    """Courriel, SMS ou les deux (au moins un)."""
    cpts = access(request, cpts_id, policies.can_manage_chain)
    professional = active_member_or_404(cpts, professional_id)
    with refusals_as_409():
        services.set_preference(cpts, professional, by_email=payload.by_email, by_sms=payload.by_sms)
    return chain_out(cpts)
