"""Meetings and time entries of a CPTS (the same calls as the pages, see docs/meetings.md).

Who (`maillon.meetings.policies`, as on the pages): a coordinator reads every meeting and,
in the detail, every invitee with their answers and attendance (journaled); a member reads
the meetings they are invited to, with their own answers. Time entries: a member lists and
declares their own time; a coordinator lists everyone's (journaled) and validates or
rejects. No role in the CPTS (a platform admin included: invitees and time are personal
data) answers 404, as for a CPTS that does not exist; an object the user may not see (of
another CPTS, another member's) answers 404, as a missing one; a visible object the user
may not act on answers 403.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from maillon.core import journal
from maillon.core.missions import Mission
from maillon.meetings import policies, services
from maillon.meetings.models import Meeting, MeetingStatus, TimeEntry, TimeState

from .common import CPTS_NOT_FOUND, CptsRouter, PageNumber, PageSize, cpts_or_404, first_or_404, page_of
from .errors import InvalidField, refusals_as_409
from .schemas import READ_ERRORS, ConflictOut, IsoDate, MessageOut

router = CptsRouter(tags=["Réunions et temps indemnisé"], read_errors=READ_ERRORS)

MEETING_NOT_FOUND = "Réunion introuvable."
ENTRY_NOT_FOUND = "Temps introuvable."
REVIEWERS_ONLY = "Seuls les coordinateurs de cette CPTS valident ou refusent le temps déclaré."
NOT_A_MEMBER = "Votre compte n'est lié à aucune adhésion active de cette CPTS : vous ne déclarez pas de temps."

MeetingState = Annotated[MeetingStatus | None, Query(description="État de la réunion")]


# --- Schemas -----------------------------------------------------------------------------


class MeetingSlotOut(Schema):
    id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime


class MeetingOut(Schema):
    id: int
    title: str
    description: str
    place: str
    visio_url: str
    mission: int | None
    status: MeetingStatus
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    invited_count: int


class MeetingPageOut(Schema):
    items: list[MeetingOut]
    count: int


class MeetingAnswerOut(Schema):
    slot_id: int
    answer: str


class InviteeOut(Schema):
    membership_id: int
    name: str
    attendance: str
    answers: list[MeetingAnswerOut]


class MeetingDetailOut(MeetingOut):
    slots: list[MeetingSlotOut]
    invitees: list[InviteeOut] = Field(description="Tous les invités pour un coordinateur ; soi-même pour un membre")


class TimeEntryOut(Schema):
    id: int
    membership_id: int
    member: str
    date: datetime.date
    hours: Decimal
    mission: int | None
    kind: str
    meeting_id: int | None
    note: str
    state: TimeState
    validated_at: datetime.datetime | None
    rejected_at: datetime.datetime | None
    rejection_reason: str


class TimeEntryPageOut(Schema):
    items: list[TimeEntryOut]
    count: int


class TimeEntryIn(Schema):
    date: IsoDate
    hours: Decimal = Field(gt=0, le=24, description="Par quarts d'heure : 0.25, 0.5, 1.75…")
    mission: Mission | None = None
    note: str = Field("", max_length=300)


class ValidateIn(Schema):
    confirm_over_cap: bool = Field(False, description="Valider même si le plafond annuel est dépassé")


class RejectIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


# --- Meetings ----------------------------------------------------------------------------


def meeting_dict(meeting) -> dict:
    """The fields of `MeetingOut`, read off a meeting of `visible_meetings` (it counts the invitees)."""
    return {name: getattr(meeting, name) for name in MeetingOut.model_fields}


def access(request, cpts_id):
    """The CPTS; 404, as for a CPTS that does not exist, without a role there."""
    return cpts_or_404(request, cpts_id, policies.can_use_meetings)


def visible_meetings(request, cpts):
    meetings = Meeting.objects.for_cpts(cpts).annotate(invited_count=Count("invitations", distinct=True))
    return policies.visible_meetings(request.auth, cpts, meetings)


@router.get("/cpts/{int:cpts_id}/meetings", response=MeetingPageOut, summary="Lister les réunions")
def list_meetings(request, cpts_id: int, status: MeetingState = None, page: PageNumber = 1, page_size: PageSize = 20):
    """Les réunions de la CPTS, les plus récentes d'abord ; un membre voit celles où il est invité."""
    cpts = access(request, cpts_id)
    meetings = visible_meetings(request, cpts)
    if status:
        meetings = meetings.filter(status=status)
    items, count = page_of(meetings.order_by("-created_at", "-pk"), page, page_size)
    return {"items": [meeting_dict(meeting) for meeting in items], "count": count}


@router.get("/cpts/{int:cpts_id}/meetings/{int:meeting_id}", response=MeetingDetailOut, summary="Détail d'une réunion")
def get_meeting(request, cpts_id: int, meeting_id: int):
    """La réunion, ses créneaux proposés et ses invités (réponses au sondage, présence)."""
    cpts = access(request, cpts_id)
    meeting = first_or_404(visible_meetings(request, cpts).filter(pk=meeting_id), MEETING_NOT_FOUND)
    all_invitees = policies.can_see_invitees(request.auth, meeting)
    invitations = meeting.invitations.select_related("membership__professional", "membership__structure")
    if not all_invitees:
        invitations = invitations.filter(membership=policies.own_membership(request.auth, cpts))
    invitations = list(invitations.prefetch_related("answers"))
    if all_invitees:
        journal.record(
            journal.Action.READ, meeting, fields=["invitations.name"], note=f"API : {len(invitations)} invité(s)"
        )
    return {
        **meeting_dict(meeting),
        "slots": [
            {"id": slot.pk, "starts_at": slot.starts_at, "ends_at": slot.ends_at} for slot in meeting.slots.all()
        ],
        "invitees": [
            {
                "membership_id": invitation.membership_id,
                "name": str(invitation.membership.member),
                "attendance": invitation.attendance,
                "answers": [
                    {"slot_id": answer.slot_id, "answer": answer.answer} for answer in invitation.answers.all()
                ],
            }
            for invitation in invitations
        ],
    }


# --- Time entries ------------------------------------------------------------------------


def entry_dict(entry) -> dict:
    return {
        "id": entry.pk,
        "membership_id": entry.membership_id,
        "member": str(entry.membership.member),
        "date": entry.date,
        "hours": entry.hours,
        "mission": entry.mission,
        "kind": entry.kind,
        "meeting_id": entry.meeting_id,
        "note": entry.note,
        "state": entry.state,
        "validated_at": entry.validated_at,
        "rejected_at": entry.rejected_at,
        "rejection_reason": entry.rejection_reason,
    }


def entries_of(cpts):
    return TimeEntry.objects.for_cpts(cpts).select_related("membership__professional", "membership__structure")


STATE_FILTERS = {
    TimeState.DECLARED: lambda entries: entries.pending(),
    TimeState.VALIDATED: lambda entries: entries.validated(),
    TimeState.REJECTED: lambda entries: entries.rejected(),
}


@router.get("/cpts/{int:cpts_id}/time-entries", response=TimeEntryPageOut, summary="Lister le temps déclaré")
def list_time_entries(
    request,
    cpts_id: int,
    scope: Annotated[Literal["mine", "all"], Query(description="« all » : coordinateurs seulement")] = "mine",
    state: Annotated[TimeState | None, Query(description="À valider, validé ou refusé")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
):
    """Son propre temps (`scope=mine`), ou celui de tous les membres pour un coordinateur (`scope=all`) ;
    `scope=all` répond 404 à qui ne peut pas lire le temps de tous, comme une CPTS inexistante."""
    cpts = access(request, cpts_id)
    entries = entries_of(cpts)
    if scope == "all":
        if not policies.can_see_all_time(request.auth, cpts):
            raise HttpError(404, CPTS_NOT_FOUND)
    else:
        membership = policies.own_membership(request.auth, cpts)
        entries = entries.filter(membership=membership) if membership else entries.none()
    if state:
        entries = STATE_FILTERS[state](entries)
    if year:
        entries = entries.of_year(year)
    items, count = page_of(entries.order_by("-date", "-pk"), page, page_size)
    if scope == "all":
        journal.record(
            journal.Action.READ,
            object_type="meetings.TimeEntry",
            cpts_id=cpts.pk,
            fields=["membership.name", "hours", "note"],
            note=f"API : liste de {len(items)} temps (page {page}, {count} en tout)",
        )
    return {"items": [entry_dict(entry) for entry in items], "count": count}


@router.post("/cpts/{int:cpts_id}/time-entries", response={201: TimeEntryOut}, summary="Déclarer du temps de projet")
def declare_time_entry(request, cpts_id: int, payload: TimeEntryIn):
    """Du temps de projet passé, par quarts d'heure, sur l'adhésion de l'appelant ; à valider par la coordination."""
    cpts = access(request, cpts_id)
    if not policies.can_declare_time(request.auth, cpts):
        raise HttpError(403, NOT_A_MEMBER)
    membership = policies.own_membership(request.auth, cpts)
    try:
        entry = services.declare_time(
            membership=membership,
            date=payload.date,
            hours=payload.hours,
            mission=int(payload.mission) if payload.mission else None,
            note=payload.note,
        )
    except DjangoValidationError as error:
        raise InvalidField.of(error, unnamed="body") from error
    return Status(201, entry_dict(entries_of(cpts).get(pk=entry.pk)))


def entry_for_decision(request, cpts_id, entry_id):
    """(cpts, entry); 404 for an entry the user may not see (another member's, as a missing
    one), 403 for one they see (their own) but may not review."""
    cpts = access(request, cpts_id)
    entry = first_or_404(
        policies.visible_time_entries(request.auth, cpts, entries_of(cpts)).filter(pk=entry_id), ENTRY_NOT_FOUND
    )
    if not policies.can_review_time_entry(request.auth, entry):
        raise HttpError(403, REVIEWERS_ONLY)
    return cpts, entry


@router.post(
    "/cpts/{int:cpts_id}/time-entries/{int:entry_id}/validate",
    response={200: TimeEntryOut, 409: ConflictOut | MessageOut},
    summary="Valider du temps déclaré",
)
def validate_time_entry(request, cpts_id: int, entry_id: int, payload: ValidateIn):
    """Valide le temps ; 409 s'il ferait dépasser le plafond annuel du membre sans `confirm_over_cap`,
    ou s'il est déjà validé ou refusé (un temps refusé se valide une fois redéclaré par le membre)."""
    cpts, entry = entry_for_decision(request, cpts_id, entry_id)
    with refusals_as_409():
        outcome = services.validate_time(entry=entry, by=request.auth, confirm_over_cap=payload.confirm_over_cap)
    if not outcome.validated:
        raise HttpError(409, outcome.message + " Envoyez confirm_over_cap: true pour valider quand même.")
    return entry_dict(entries_of(cpts).get(pk=entry.pk))


@router.post(
    "/cpts/{int:cpts_id}/time-entries/{int:entry_id}/reject",
    response={200: TimeEntryOut, 409: ConflictOut | MessageOut},
    summary="Refuser du temps déclaré",
)
def reject_time_entry(request, cpts_id: int, entry_id: int, payload: RejectIn):
    """Refuse le temps avec un motif, que le membre lit ; un temps validé de l'année en cours peut aussi l'être."""
    cpts, entry = entry_for_decision(request, cpts_id, entry_id)
    with refusals_as_409("reason"):
        services.reject_time(entry=entry, by=request.auth, reason=payload.reason)
    return entry_dict(entries_of(cpts).get(pk=entry.pk))
