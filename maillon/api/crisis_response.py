"""Crises and acknowledgements: activate the plan or declare a crisis, the live board, the
main courante, recognition, end, RETEX; and the member's answer through their link.

Who, as on the pages (maillon/crisis_response/access.py): the coordinators of the CPTS
activate, run exercises, end, mobilise and write the RETEX; the authorities of its
territory declare, recognise a serious crisis and write in the main courante; its
observers read. No role answers 404, as for a CPTS that does not exist; a role without the
right answers 403. Every member shown is journaled (ids and field names, never values);
every write goes through the journaled models.
"""

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from maillon.core import journal
from maillon.core.access import role_in
from maillon.crisis_response import services
from maillon.crisis_response.access import AUTHORITY, COORDINATOR, can_write_log, response_role
from maillon.crisis_response.models import Crisis, CrisisRecipient, DeclaredAs, LogKind
from maillon.crisis_response.tokens import LinkError, recipient_of

from .auth import PRIVATE
from .cpts import CPTS_NOT_FOUND, get_cpts_or_404
from .presenters import code_label
from .schemas import CodeLabelOut, MessageOut, ValidationErrorOut

router = Router(tags=["Crise : alertes"])

CRISIS_NOT_FOUND = "Crise introuvable."
READ_ERRORS = {401: MessageOut, 403: MessageOut, 404: MessageOut, 422: ValidationErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 409: MessageOut}
RECIPIENT_FIELDS = ["first_name", "last_name", "answer", "available_from", "skills", "assignment"]

Zone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LogText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Skills = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


# --- Access ---------------------------------------------------------------------------


def access(request, cpts_id, *roles):
    """(cpts, role); 404 without a role over the CPTS, 403 without one of `roles`."""
    cpts = get_cpts_or_404(cpts_id)
    role = response_role(request.auth, cpts, role_in(request.auth, cpts))
    if role is None:
        raise HttpError(404, CPTS_NOT_FOUND)
    if roles and role not in roles:
        raise HttpError(403, "Votre rôle ne permet pas cette opération sur les crises de cette CPTS.")
    return cpts, role


def crisis_of(cpts, crisis_id) -> Crisis:
    crisis = Crisis.objects.for_cpts(cpts).filter(pk=crisis_id).first()
    if crisis is None:
        raise HttpError(404, CRISIS_NOT_FOUND)
    return crisis


def refused(error: DjangoValidationError):
    """A rule of the domain refused the write: 409 with its French message."""
    raise HttpError(409, " ".join(error.messages))


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
    started_at: datetime.datetime | None = Field(None, description="Maintenant si absent.")
    is_exercise: bool = Field(False, description="Coordination seulement.")
    recognised: bool = Field(False, description="Autorité seulement : reconnaît une crise sanitaire grave.")


class LogIn(Schema):
    kind: Literal["decision", "action", "information"]
    text: LogText


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
    available_from: datetime.datetime | None = None
    skills: Skills = ""


class AnswerOut(Schema):
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


def board_out(crisis: Crisis) -> dict:
    rows = services.board_rows(crisis)
    if rows:
        journal.record_reads(
            CrisisRecipient,
            [row["recipient"].pk for row in rows],
            RECIPIENT_FIELDS,
            cpts_id=crisis.cpts_id,
            note="API tableau de crise",
        )
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


@router.get(
    "/cpts/{cpts_id}/crises",
    response={200: list[CrisisOut], **READ_ERRORS},
    auth=PRIVATE,
    summary="Crises et exercices",
)
def list_crises(request, cpts_id: int):
    """Les crises et les exercices de la CPTS, les plus récents d'abord."""
    cpts, _ = access(request, cpts_id)
    return [crisis_out(crisis) for crisis in Crisis.objects.for_cpts(cpts).order_by("-started_at", "-pk")]


@router.post(
    "/cpts/{cpts_id}/crises",
    response={201: BoardOut, **WRITE_ERRORS},
    auth=PRIVATE,
    summary="Activer le plan, lancer un exercice ou déclarer une crise",
)
def activate(request, cpts_id: int, payload: ActivateIn):
    """La coordination active le plan (ou lance un exercice, `is_exercise`) ; l'autorité du
    territoire déclare une crise et peut la reconnaître crise sanitaire grave (`recognised`).
    L'alerte part aussitôt vers le niveau 1 de la chaîne."""
    cpts, role = access(request, cpts_id, COORDINATOR, AUTHORITY)
    if payload.is_exercise and role != COORDINATOR:
        raise HttpError(403, "Seule la coordination lance un exercice.")
    if payload.recognised and role != AUTHORITY:
        raise HttpError(403, "Seule l'autorité reconnaît une crise sanitaire grave.")
    try:
        crisis = services.activate(
            cpts,
            typology=payload.typology,
            zone=payload.zone,
            started_at=payload.started_at,
            by=request.auth,
            declared_as=DeclaredAs.AUTHORITY if role == AUTHORITY else DeclaredAs.COORDINATOR,
            is_exercise=payload.is_exercise,
            recognised=payload.recognised,
        )
    except DjangoValidationError as error:
        refused(error)
    return Status(201, board_out(crisis))


@router.get(
    "/cpts/{cpts_id}/crises/{crisis_id}",
    response={200: BoardOut, **READ_ERRORS},
    auth=PRIVATE,
    summary="Tableau de la crise",
)
def get_board(request, cpts_id: int, crisis_id: int):
    """Qui a été alerté, joint (état de chaque envoi), qui a répondu, qui est mobilisé où ;
    les chiffres par niveau (taux de joignabilité, temps de réponse) ; la main courante."""
    cpts, _ = access(request, cpts_id)
    return board_out(crisis_of(cpts, crisis_id))


@router.post(
    "/cpts/{cpts_id}/crises/{crisis_id}/log",
    response={201: LogEntryOut, **WRITE_ERRORS},
    auth=PRIVATE,
    summary="Ajouter à la main courante",
)
def add_log(request, cpts_id: int, crisis_id: int, payload: LogIn):
    """Une ligne horodatée, en ajout seul (jamais modifiée ni supprimée)."""
    cpts, role = access(request, cpts_id, COORDINATOR, AUTHORITY)
    crisis = crisis_of(cpts, crisis_id)
    if not can_write_log(role):
        raise HttpError(403, "Votre rôle ne permet pas d'écrire dans la main courante.")
    try:
        entry = services.add_log(crisis, text=payload.text, kind=payload.kind, by=request.auth)
    except DjangoValidationError as error:
        refused(error)
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
    "/cpts/{cpts_id}/crises/{crisis_id}/end",
    response={200: CrisisOut, **WRITE_ERRORS},
    auth=PRIVATE,
    summary="Terminer la crise ou l'exercice",
)
def end_crisis(request, cpts_id: int, crisis_id: int):
    """Plus aucune alerte ni réponse ; le RETEX peut être rédigé."""
    cpts, _ = access(request, cpts_id, COORDINATOR)
    crisis = crisis_of(cpts, crisis_id)
    try:
        services.end(crisis, by=request.auth)
    except DjangoValidationError as error:
        refused(error)
    return crisis_out(crisis)


@router.post(
    "/cpts/{cpts_id}/crises/{crisis_id}/recognition",
    response={200: CrisisOut, **WRITE_ERRORS},
    auth=PRIVATE,
    summary="Reconnaître une crise sanitaire grave (autorité)",
)
def recognise(request, cpts_id: int, crisis_id: int):
    """Seule l'autorité du territoire reconnaît une crise sanitaire grave (jamais un exercice) :
    le fait `serious_crisis_recognised` de l'année du contrat devient vrai."""
    cpts, _ = access(request, cpts_id, AUTHORITY)
    crisis = crisis_of(cpts, crisis_id)
    try:
        crisis.recognise(by=request.auth)
    except DjangoValidationError as error:
        refused(error)
    return crisis_out(crisis)


@router.post(
    "/cpts/{cpts_id}/crises/{crisis_id}/retex",
    response={201: RetexOut, **WRITE_ERRORS},
    auth=PRIVATE,
    summary="Rédiger le RETEX",
)
def write_retex(request, cpts_id: int, crisis_id: int, payload: RetexIn):
    """Une fois la crise terminée ; les actions d'amélioration sont reportées dans la prochaine
    version du plan de crise."""
    cpts, _ = access(request, cpts_id, COORDINATOR)
    crisis = crisis_of(cpts, crisis_id)
    try:
        retex = services.write_retex(
            crisis,
            went_well=payload.went_well,
            went_wrong=payload.went_wrong,
            improvement_actions="\n".join(payload.improvement_actions),
            by=request.auth,
        )
    except DjangoValidationError as error:
        refused(error)
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
    response={201: AnswerOut, 404: MessageOut, 422: ValidationErrorOut},
    auth=None,
    summary="Répondre à une alerte",
)
def answer_alert(request, token: str, payload: AnswerIn):
    """Disponible ou non, à partir de quand, avec quelles compétences ; une seule réponse par lien."""
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
