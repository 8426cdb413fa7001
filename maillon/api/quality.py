"""Quality and relevance of care (mission 5): case conferences (« concertations
pluriprofessionnelles ») and their decisions, reviews of adverse events and their improvement
actions, practice-analysis groups and their sessions, and the evaluation of a patient's path
(docs/api.md, docs/quality.md).

Who: the rules of maillon/quality/policies.py, the ones the pages ask too. Any role in the
CPTS uses mission 5; nobody else, a platform admin included: 404, as for a CPTS that does not
exist. What the caller may not see answers 404 with the body of a missing one; what they see
but may not do, 403; what they could do were it in another state, 409 with the state
(`ConflictOut`). A refusal of the domain that names a field of the body answers 422 on that
field, nothing written.

Least access to health data: a conference is « Cas n° … » and a presentation that names
nobody; the patient (the inclusion's id and name) shows only to whoever sees the inclusion in
the pathways, and that read is journaled (`pathways.services.record_inclusion_reads`), as is the
evaluation of a path. A review of an adverse event is read whole by the coordinators, its
reporter and its referent; every member reads its anonymised summary once shared, nothing else.
"""

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from maillon.core.models import User
from maillon.meetings.models import Attendance
from maillon.members.models import Membership
from maillon.pathways import policies as pathways_policies
from maillon.pathways import services as pathways_services
from maillon.quality import evaluation, policies, services
from maillon.quality.documents import masker, patient_names
from maillon.quality.models import (
    CAUSE_CATEGORIES,
    CaseConference,
    ConferenceDecision,
    ConferenceStatus,
    Consequence,
    EventCategory,
    GroupSession,
    IncidentReview,
    PracticeGroup,
    ReviewStatus,
)

from .common import CptsRouter, PageNumber, PageSize, aware, cpts_or_404, first_or_404, page_of, required
from .errors import InvalidField, refusals_as_409
from .schemas import READ_ERRORS, ConflictOut, IsoDate, IsoDateTime, MessageOut, Text200, Text300

router = CptsRouter(tags=["Qualité et pertinence des soins"], read_errors=READ_ERRORS)

PAGE_SIZE = 20
BASE = "/cpts/{int:cpts_id}/quality"

CONFERENCE_NOT_FOUND = "Concertation introuvable."
DECISION_NOT_FOUND = "Décision introuvable."
REVIEW_NOT_FOUND = "Revue introuvable."
ACTION_NOT_FOUND = "Action d'amélioration introuvable."
GROUP_NOT_FOUND = "Groupe introuvable."
INCLUSION_NOT_FOUND = "Inclusion introuvable."

WRITERS_ONLY = "Qualité : seules les personnes qui ont un rôle dans une CPTS en activité écrivent ici."
PREPARERS_ONLY = "Concertation : seuls les coordinateurs de la CPTS la programment."
RECORDERS_ONLY = "Concertation : seuls les coordinateurs et la personne qui l'a demandée en écrivent le compte rendu."
CANCELLERS_ONLY = "Concertation : seuls les coordinateurs et la personne qui l'a demandée l'annulent."
DECISION_COMPLETERS_ONLY = (
    "Décision : seuls son responsable, les coordinateurs et la personne qui a demandé la concertation "
    "la déclarent réalisée."
)
DECISION_DROPPERS_ONLY = (
    "Décision : seuls les coordinateurs et la personne qui a demandé la concertation l'abandonnent."
)
REFERENT_NAMERS_ONLY = "Revue : seuls les coordinateurs nomment le référent de l'analyse."
ANALYSTS_ONLY = "Revue : seuls le référent de l'analyse et les coordinateurs la mènent."
ACTION_COMPLETERS_ONLY = (
    "Action d'amélioration : seuls son responsable, le référent de la revue et les coordinateurs la déclarent réalisée."
)
ACTION_DROPPERS_ONLY = "Action d'amélioration : seuls le référent de la revue et les coordinateurs l'abandonnent."
GROUP_CREATORS_ONLY = "Groupes : seuls les coordinateurs de la CPTS créent un groupe d'analyse des pratiques."
GROUP_MANAGERS_ONLY = "Groupe : seuls les coordinateurs et l'animateur ou l'animatrice du groupe le modifient."
GROUP_CLOSED = "Ce groupe est fermé : il ne change plus et ne tient plus de séance."

UNKNOWN_INCLUSION = "Patient inclus : choisissez un patient que vous suivez dans les parcours de la CPTS."
UNKNOWN_ADHERENT = "{label} : choisissez l'adhésion active d'un professionnel de la CPTS."
UNKNOWN_MEMBERS = "Membres : choisissez des adhésions actives de la CPTS."
UNKNOWN_REFERENT = "Référent : choisissez une personne qui a un rôle dans la CPTS."
ONE_REFERENT = "Référent : indiquez soit une adhésion (membership), soit un compte (user)."
UNKNOWN_CONFERENCE = "Cas étudié : choisissez une concertation tenue de la CPTS que vous voyez."
UNKNOWN_REVIEW = "Revue étudiée : choisissez une revue de la CPTS dont la synthèse est partagée."
BAD_VISIO_URL = "Lien de visioconférence : adresse web invalide (https://…)."

# The patient fields a conference's detail shows (names only in the journal, never values).
PATIENT_FIELDS = ["used_name", "birth_name", "first_given_name"]
# What the evaluation of a path reads of the patient's timeline (it names nobody).
EVALUATION_FIELDS = [
    "care_task.due_on",
    "care_task.done_on",
    "care_plan.next_review_on",
    "hospital_stay.admitted_on",
    "hospital_stay.discharged_on",
    "care_break",
]

# The choices as literals: the schema names no enum component.
ConferenceStatusCode = Literal[tuple(ConferenceStatus.values)]
ReviewStatusCode = Literal[tuple(ReviewStatus.values)]
CategoryCode = Literal[tuple(EventCategory.values)]
ConsequenceCode = Literal[tuple(Consequence.values)]
CauseCode = Literal[tuple(CAUSE_CATEGORIES)]

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Required = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Theme = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


# --- Schemas -------------------------------------------------------------------------------


class QualityAdherentOut(Schema):
    id: int = Field(description="L'adhésion.")
    name: str


class QualityUserOut(Schema):
    id: int = Field(description="Le compte.")
    name: str


class QualityMeetingRefOut(Schema):
    id: int = Field(description="La réunion (API des réunions : sondage de dates, invités, présence).")
    status: str
    status_label: str
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None


class QualityParticipantOut(Schema):
    membership_id: int
    name: str
    attendance: str = Field(description="present, absent ; vide tant que la présence n'est pas notée.")
    attendance_label: str


class QualityPatientOut(Schema):
    inclusion_id: int
    display_name: str = Field(description="NOM (d'usage, sinon de naissance) et premier prénom.")
    programme: str
    plan_id: int | None = Field(description="La version du PPCS où les décisions sont entrées ; null sinon.")


class QualityDecisionOut(Schema):
    id: int
    conference_id: int
    case_label: str
    description: str
    owner: QualityAdherentOut | None
    due_on: datetime.date
    status: str = Field(description="open, done, dropped.")
    status_label: str
    done_on: datetime.date | None
    outcome: str = Field(description="Ce qui a été fait, ou le motif de l'abandon.")
    late: bool = Field(description="À faire et l'échéance est passée.")
    on_time: bool | None = Field(description="Réalisée à l'échéance ; null tant qu'à faire ou une fois abandonnée.")
    in_care_plan: bool = Field(description="Entrée comme action dans le PPCS du patient.")


class QualityConferenceOut(Schema):
    id: int
    case_label: str = Field(description="« Cas n° … » : le pseudonyme que lisent les participants.")
    status: str = Field(description="requested, scheduled, held, cancelled.")
    status_label: str
    question: str
    requested_at: datetime.datetime
    requested_by: QualityUserOut | None
    held_on: datetime.date | None
    meeting: QualityMeetingRefOut | None
    decisions_count: int


class QualityConferencePageOut(Schema):
    items: list[QualityConferenceOut]
    count: int


class QualityConferenceDetailOut(QualityConferenceOut):
    context: str = Field(description="La présentation du cas, sans nom ni numéro.")
    conclusions: str
    recorded_by: QualityUserOut | None
    patient: QualityPatientOut | None = Field(
        description="Le patient inclus : seulement pour qui le voit dans les parcours (lecture journalisée) ; "
        "null pour les autres et pour un cas hors parcours."
    )
    participants: list[QualityParticipantOut] = Field(description="Les adhérents invités et leur présence.")
    decisions: list[QualityDecisionOut]
    can_schedule: bool
    can_record: bool
    can_cancel: bool


class QualityConferenceIn(Schema):
    context: Required = Field(description="Âge, sexe, situation, antécédents utiles : sans nom ni numéro.")
    question: Required
    inclusion: int | None = Field(None, description="Un patient inclus que vous voyez dans les parcours.")


class QualitySlotIn(Schema):
    starts_at: IsoDateTime = Field(description="Heure de Paris si sans fuseau.")
    ends_at: IsoDateTime


class QualityScheduleIn(Schema):
    slots: list[QualitySlotIn] = Field(min_length=1, max_length=20, description="Les dates proposées au sondage.")
    memberships: list[int] = Field(
        min_length=1, max_length=200, description="Les adhésions actives invitées (seulement elles)."
    )
    visio_url: Url = ""
    place: Text300 = ""


class QualityDecisionIn(Schema):
    description: Description
    owner: int = Field(description="L'adhésion active du responsable.")
    due_on: IsoDate


class QualityRecordIn(Schema):
    conclusions: Required
    held_on: IsoDate = Field(description="Le jour où la concertation s'est tenue (pas dans le futur).")
    decisions: list[QualityDecisionIn] = Field(default_factory=list, max_length=50)
    next_review_on: IsoDate | None = Field(
        None, description="Réévaluation du PPCS qui reçoit les décisions ; celle du PPCS en vigueur par défaut."
    )


class QualityNoteIn(Schema):
    note: Text200 = ""


class QualityCompleteIn(Schema):
    outcome: Text300 = ""
    done_on: IsoDate | None = Field(None, description="Aujourd'hui par défaut ; pas dans le futur.")


class QualityCauseOut(Schema):
    category: str
    label: str
    text: str


class QualityActionOut(Schema):
    id: int
    review_id: int
    description: str
    owner: QualityAdherentOut | None
    due_on: datetime.date
    status: str = Field(description="open, done, dropped.")
    status_label: str
    done_on: datetime.date | None
    outcome: str
    late: bool
    on_time: bool | None


class QualityReviewOut(Schema):
    """Whole (`whole: true`) for the coordinators, the reporter and the referent; for the other
    members, the shared summary only: every other field is null."""

    id: int
    whole: bool = Field(description="La revue entière ; false : la synthèse partagée seulement.")
    title: str | None
    category: str | None = Field(description="care_break, error, near_miss, other.")
    category_label: str | None
    occurred_on: datetime.date | None
    consequence: str | None
    consequence_label: str | None
    status: str | None = Field(description="reported, analysis, actions, closed, dismissed.")
    status_label: str | None
    reported_at: datetime.datetime | None
    referent: QualityUserOut | None
    summary: str = Field(description="La synthèse anonymisée ; vide tant qu'elle n'est pas partagée.")
    shared_at: datetime.datetime | None


class QualityReviewPageOut(Schema):
    items: list[QualityReviewOut]
    count: int


class QualityReviewDetailOut(QualityReviewOut):
    description: str | None
    reported_by: QualityUserOut | None
    facts: str | None
    causes: list[QualityCauseOut] | None = Field(description="Par catégorie de la grille ALARM, dans son ordre.")
    protective_factors: str | None
    lessons: str | None
    closed_on: datetime.date | None
    actions: list[QualityActionOut] | None
    can_name_referent: bool
    can_analyse: bool
    can_close: bool
    can_dismiss: bool
    can_share: bool


class QualityReportIn(Schema):
    title: Title
    category: CategoryCode
    occurred_on: IsoDate
    description: Required = Field(description="Les faits : sans nom de patient ni de professionnel, sans numéro.")
    consequence: ConsequenceCode | None = Field(None, description="none par défaut.")


class QualityReferentIn(Schema):
    membership: int | None = Field(None, description="L'adhésion d'un adhérent qui a un compte.")
    user: int | None = Field(None, description="Un compte qui a un rôle dans la CPTS (un coordinateur).")


class QualityAnalysisIn(Schema):
    """The whole analysis: what is not sent is emptied."""

    facts: Text = ""
    causes: dict[str, Text] = Field(
        default_factory=dict,
        max_length=len(CAUSE_CATEGORIES),
        description=f"Par catégorie : {', '.join(CAUSE_CATEGORIES)}.",
    )
    protective_factors: Text = ""
    lessons: Text = ""


class QualityActionIn(Schema):
    description: Description
    owner: int = Field(description="L'adhésion active du responsable.")
    due_on: IsoDate = Field(description="Aujourd'hui ou plus tard.")


class QualityShareIn(Schema):
    summary: Text = Field("", description="Ce que liront les adhérents : sans nom, sans numéro.")


class QualityGroupOut(Schema):
    id: int
    name: str
    themes: list[str]
    description: str
    facilitator: QualityAdherentOut | None
    members_count: int
    sessions_count: int
    created_at: datetime.datetime
    closed_on: datetime.date | None
    is_open: bool


class QualityGroupPageOut(Schema):
    items: list[QualityGroupOut]
    count: int


class QualityGroupDetailOut(QualityGroupOut):
    members: list[QualityAdherentOut]
    can_manage: bool


class QualityGroupIn(Schema):
    name: Title
    themes: list[Theme] = Field(min_length=1, max_length=20)
    description: Text = ""
    facilitator: int | None = Field(None, description="L'adhésion active de l'animateur ou de l'animatrice.")
    members: list[int] = Field(default_factory=list, max_length=200, description="Adhésions actives de la CPTS.")


class QualityGroupPatchIn(Schema):
    """Only the fields sent change; `facilitator: null` removes the facilitator."""

    name: Title | None = None
    themes: list[Theme] | None = Field(None, min_length=1, max_length=20)
    description: Text | None = None
    facilitator: int | None = None
    members: list[int] | None = Field(None, max_length=200)
    closed_on: IsoDate | None = Field(None, description="Ferme le groupe (il ne change plus ensuite).")


class QualityMaterialConferenceOut(Schema):
    id: int
    case_label: str


class QualityMaterialReviewOut(Schema):
    id: int
    summary: str


class QualitySessionOut(Schema):
    id: int
    group_id: int
    theme: str
    meeting: QualityMeetingRefOut
    conference: QualityMaterialConferenceOut | None = Field(description="Le cas étudié (pseudonymisé).")
    review: QualityMaterialReviewOut | None = Field(description="La revue étudiée (sa synthèse partagée).")
    invited_count: int
    present_count: int
    notes: str


class QualitySessionPageOut(Schema):
    items: list[QualitySessionOut]
    count: int


class QualitySessionIn(Schema):
    theme: Title
    slots: list[QualitySlotIn] = Field(min_length=1, max_length=20)
    visio_url: Url = ""
    place: Text300 = ""
    conference: int | None = Field(None, description="Une concertation tenue, comme cas étudié.")
    review: int | None = Field(None, description="Une revue dont la synthèse est partagée.")


class QualityEvaluatedInclusionOut(Schema):
    id: int
    programme: str
    programme_version: int
    status: str
    status_label: str
    included_on: datetime.date
    closed_on: datetime.date | None


class QualityFindingOut(Schema):
    on: datetime.date
    kind: str = Field(description="late_task_done, late_task_open, missed_review, stay_without_visit, care_break, gap.")
    kind_label: str
    title: str
    detail: str
    delay_days: int | None


class QualityFindingCountOut(Schema):
    kind: str
    label: str
    count: int


class QualityEvaluationOut(Schema):
    inclusion: QualityEvaluatedInclusionOut = Field(description="Pseudonymisée : le numéro et le programme.")
    findings: list[QualityFindingOut] = Field(description="Les ruptures et les retards, par date.")
    counts: list[QualityFindingCountOut]
    delay_days_total: int


# --- Presenters ----------------------------------------------------------------------------


def adherent_dict(membership) -> dict | None:
    return {"id": membership.pk, "name": str(membership.member)} if membership else None


def user_dict(user) -> dict | None:
    return {"id": user.pk, "name": user.get_full_name() or "Personne sans nom"} if user else None


def meeting_ref(meeting) -> dict | None:
    if meeting is None:
        return None
    return {
        "id": meeting.pk,
        "status": meeting.status,
        "status_label": meeting.get_status_display(),
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
    }


def follow_up_dict(row) -> dict:
    return {
        "id": row.pk,
        "description": row.description,
        "owner": adherent_dict(row.owner),
        "due_on": row.due_on,
        "status": row.status,
        "status_label": row.get_status_display(),
        "done_on": row.done_on,
        "outcome": row.outcome,
        "late": row.is_late_on(timezone.localdate()),
        "on_time": row.on_time,
    }


def decision_dict(decision) -> dict:
    return {
        **follow_up_dict(decision),
        "conference_id": decision.conference_id,
        "case_label": decision.conference.case_label,
        "in_care_plan": decision.plan_action_id is not None,
    }


def action_dict(action) -> dict:
    return {**follow_up_dict(action), "review_id": action.review_id}


def conference_dict(conference) -> dict:
    return {
        "id": conference.pk,
        "case_label": conference.case_label,
        "status": conference.status,
        "status_label": conference.get_status_display(),
        "question": conference.question,
        "requested_at": conference.requested_at,
        "requested_by": user_dict(conference.requested_by),
        "held_on": conference.held_on,
        "meeting": meeting_ref(conference.meeting),
        "decisions_count": conference.decisions_count,
    }


def patient_of(user, conference) -> dict | None:
    """The patient, for whoever sees the inclusion in the pathways (journaled); else None."""
    if not policies.sees_patient(user, conference):
        return None
    inclusion = conference.inclusion
    pathways_services.record_inclusion_reads([inclusion], PATIENT_FIELDS, note="concertation (API)")
    return {
        "inclusion_id": inclusion.pk,
        "display_name": inclusion.display_name,
        "programme": inclusion.programme.name,
        "plan_id": conference.plan_id,
    }


def conference_detail(request, conference) -> dict:
    user = request.auth
    invitations = []
    if conference.meeting is not None:
        invitations = list(
            conference.meeting.invitations.select_related("membership__professional", "membership__structure")
        )
    decisions = list(
        conference.decisions.select_related("owner__professional", "owner__structure").order_by("due_on", "pk")
    )
    for decision in decisions:
        decision.conference = conference  # its case label, without a query per decision
    return {
        **conference_dict(conference),
        "context": conference.context,
        "conclusions": conference.conclusions,
        "recorded_by": user_dict(conference.recorded_by),
        "patient": patient_of(user, conference),
        "participants": [
            {
                "membership_id": invitation.membership_id,
                "name": str(invitation.membership.member),
                "attendance": invitation.attendance,
                "attendance_label": invitation.get_attendance_display(),
            }
            for invitation in invitations
        ],
        "decisions": [decision_dict(decision) for decision in decisions],
        "can_schedule": policies.can_prepare_conference(user, conference),
        "can_record": policies.can_record_conference(user, conference),
        "can_cancel": policies.can_cancel_conference(user, conference),
    }


def review_dict(review, whole: bool) -> dict:
    shown = {
        "id": review.pk,
        "whole": whole,
        "summary": review.summary if (whole or review.is_shared) else "",
        "shared_at": review.shared_at,
    }
    if not whole:
        return {
            **shown,
            **dict.fromkeys(
                [
                    "title",
                    "category",
                    "category_label",
                    "occurred_on",
                    "consequence",
                    "consequence_label",
                    "status",
                    "status_label",
                    "reported_at",
                    "referent",
                ]
            ),
        }
    return {
        **shown,
        "title": review.title,
        "category": review.category,
        "category_label": review.get_category_display(),
        "occurred_on": review.occurred_on,
        "consequence": review.consequence,
        "consequence_label": review.get_consequence_display(),
        "status": review.status,
        "status_label": review.get_status_display(),
        "reported_at": review.reported_at,
        "referent": user_dict(review.referent),
    }


def review_detail(request, review) -> dict:
    user = request.auth
    whole = policies.reads_review_whole(user, review)
    flags = {
        "can_name_referent": policies.can_assign_referent(user, review),
        "can_analyse": policies.can_analyse_review(user, review),
        "can_close": policies.can_close_review(user, review),
        "can_dismiss": policies.can_dismiss_review(user, review),
        "can_share": policies.can_share_review(user, review),
    }
    if not whole:
        hidden = ["description", "reported_by", "facts", "causes", "protective_factors", "lessons", "actions"]
        return {**review_dict(review, False), **dict.fromkeys(hidden), "closed_on": None, **flags}
    actions = review.actions.select_related("owner__professional", "owner__structure").order_by("due_on", "pk")
    return {
        **review_dict(review, True),
        "description": review.description,
        "reported_by": user_dict(review.reported_by),
        "facts": review.facts,
        "causes": [
            {"category": key, "label": label, "text": review.causes[key]}
            for key, label in CAUSE_CATEGORIES.items()
            if (review.causes or {}).get(key)
        ],
        "protective_factors": review.protective_factors,
        "lessons": review.lessons,
        "closed_on": review.closed_on,
        "actions": [action_dict(action) for action in actions],
        **flags,
    }


def group_dict(group) -> dict:
    return {
        "id": group.pk,
        "name": group.name,
        "themes": group.theme_list,
        "description": group.description,
        "facilitator": adherent_dict(group.facilitator),
        "members_count": group.members_count,
        "sessions_count": group.sessions_count,
        "created_at": group.created_at,
        "closed_on": group.closed_on,
        "is_open": group.is_open,
    }


def group_detail(request, group) -> dict:
    members = group.members.select_related("professional", "structure").order_by(
        "professional__last_name", "professional__first_name", "pk"
    )
    return {
        **group_dict(group),
        "members": [adherent_dict(member) for member in members],
        "can_manage": policies.can_manage_group(request.auth, group),
    }


def session_dict(session) -> dict:
    conference, review = session.conference, session.review
    return {
        "id": session.pk,
        "group_id": session.group_id,
        "theme": session.theme,
        "meeting": meeting_ref(session.meeting),
        "conference": {"id": conference.pk, "case_label": conference.case_label} if conference else None,
        "review": {"id": review.pk, "summary": review.summary} if review else None,
        "invited_count": session.invited_count,
        "present_count": session.present_count,
        "notes": session.notes,
    }


# --- Access and lookups --------------------------------------------------------------------


def access(request, cpts_id):
    """The CPTS; 404, as for a CPTS that does not exist, without a role there."""
    return cpts_or_404(request, cpts_id, policies.can_use_quality)


def conferences_of(request, cpts):
    return (
        policies.visible_conferences(request.auth, cpts)
        .select_related("requested_by", "recorded_by", "meeting", "inclusion__programme")
        .annotate(decisions_count=Count("decisions"))
    )


def visible_conference(request, cpts, conference_id) -> CaseConference:
    return first_or_404(conferences_of(request, cpts).filter(pk=conference_id), CONFERENCE_NOT_FOUND)


def conference_answer(request, cpts, conference_id) -> dict:
    return conference_detail(request, visible_conference(request, cpts, conference_id))


def visible_decision(request, cpts, decision_id):
    decisions = policies.visible_decisions(request.auth, cpts).select_related(
        "conference", "owner__professional", "owner__structure"
    )
    return first_or_404(decisions.filter(pk=decision_id), DECISION_NOT_FOUND)


def reviews_of(request, cpts):
    return policies.visible_reviews(request.auth, cpts).select_related("referent", "reported_by")


def visible_review(request, cpts, review_id) -> IncidentReview:
    return first_or_404(reviews_of(request, cpts).filter(pk=review_id), REVIEW_NOT_FOUND)


def visible_action(request, cpts, action_id):
    actions = policies.visible_improvement_actions(request.auth, cpts).select_related(
        "review", "owner__professional", "owner__structure"
    )
    return first_or_404(actions.filter(pk=action_id), ACTION_NOT_FOUND)


def count_of(model, fk):
    """How many rows of `model` point to the group by `fk`: a subquery each, no join of one
    relation with the other."""
    rows = model.objects.filter(**{fk: OuterRef("pk")}).order_by().values(fk)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0, output_field=IntegerField())


def groups_of(request, cpts):
    return (
        policies.visible_groups(request.auth, cpts)
        .select_related("facilitator__professional", "facilitator__structure")
        .annotate(members_count=count_of(PracticeGroup.members.through, "practicegroup"))
        .annotate(sessions_count=count_of(GroupSession, "group"))
    )


def visible_group(request, cpts, group_id) -> PracticeGroup:
    return first_or_404(groups_of(request, cpts).filter(pk=group_id), GROUP_NOT_FOUND)


def sessions_of(request, cpts):
    present = Q(meeting__invitations__attendance=Attendance.PRESENT)
    return (
        policies.visible_sessions(request.auth, cpts)
        .select_related("meeting", "conference", "review")
        .annotate(
            invited_count=Count("meeting__invitations", distinct=True),
            present_count=Count("meeting__invitations", filter=present, distinct=True),
        )
    )


# The states where a review's analysis is written, and where its summary is shared.
ANALYSED = (ReviewStatus.ANALYSIS, ReviewStatus.ACTIONS)
SHARED = (ReviewStatus.ACTIONS, ReviewStatus.CLOSED)


def ensure_in(review, states, can, message, user):
    """An operation on a review that is no transition: 409 with the state outside `states`,
    then 403 `message` unless `can(user, review)`."""
    if review.status not in states:
        raise IncidentReview.workflow.refusal(review)
    if not can(user, review):
        raise HttpError(403, message)


def ensure_writer(request, cpts, can=policies.can_write_quality, message=WRITERS_ONLY):
    if not can(request.auth, cpts):
        raise HttpError(403, message)


def adherent_of(cpts, membership_id, field, label):
    """An active adhesion of a professional of the CPTS, else 422 on `field`."""
    found = (
        Membership.objects.for_cpts(cpts)
        .active()
        .filter(pk=membership_id, professional__isnull=False)
        .select_related("professional")
        .first()
    )
    if found is None:
        raise InvalidField(field, [UNKNOWN_ADHERENT.format(label=label)])
    return found


def members_of(cpts, ids) -> list:
    ids = list(dict.fromkeys(ids))
    found = list(Membership.objects.for_cpts(cpts).active().filter(pk__in=ids))
    if len(found) != len(ids):
        raise InvalidField("members", [UNKNOWN_MEMBERS])
    return found


def slots_of(slots) -> list[tuple]:
    return [(aware(slot.starts_at), aware(slot.ends_at)) for slot in slots]


def checked_url(url):
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except DjangoValidationError as error:
            raise InvalidField("visio_url", [BAD_VISIO_URL]) from error
    return url


# --- Case conferences ----------------------------------------------------------------------


@router.get(f"{BASE}/conferences", response=QualityConferencePageOut, summary="Concertations pluriprofessionnelles")
def list_conferences(
    request,
    cpts_id: int,
    status: Annotated[ConferenceStatusCode | None, Query(description="État de la concertation")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les concertations que vous voyez, les plus récentes d'abord : toutes pour la coordination ;
    pour un membre, celles qu'il a demandées, où il est invité, sur ses patients, ou dont une
    décision est la sienne. Chacune sous son pseudonyme (« Cas n° … ») : la liste ne montre aucun patient."""
    cpts = access(request, cpts_id)
    conferences = conferences_of(request, cpts)
    if status:
        conferences = conferences.filter(status=status)
    shown, count = page_of(conferences.order_by("-requested_at", "-pk"), page, page_size)
    return {"items": [conference_dict(conference) for conference in shown], "count": count}


@router.post(f"{BASE}/conferences", response={201: QualityConferenceDetailOut}, summary="Demander une concertation")
def request_conference(request, cpts_id: int, payload: QualityConferenceIn):
    """Un cas présenté sans nom ni numéro (un texte qui contient un NIR/INS ou le nom du patient
    est refusé : 422) et la question posée ; sur un patient inclus (`inclusion`), seulement par
    qui le voit dans les parcours. Tout rôle dans la CPTS."""
    cpts = access(request, cpts_id)
    ensure_writer(request, cpts, policies.can_request_conference)
    inclusion = None
    if payload.inclusion is not None:
        inclusion = (
            pathways_policies.visible_inclusions(request.auth, cpts)
            .select_related("programme")
            .filter(pk=payload.inclusion)
            .first()
        )
        if inclusion is None:
            raise InvalidField("inclusion", [UNKNOWN_INCLUSION])
    with refusals_as_409("context", "question", "inclusion"), transaction.atomic():
        conference = services.request_conference(
            cpts, by=request.auth, context=payload.context, question=payload.question, inclusion=inclusion
        )
    return Status(201, conference_answer(request, cpts, conference.pk))


@router.get(
    f"{BASE}/conferences/{{int:conference_id}}",
    response=QualityConferenceDetailOut,
    summary="Une concertation",
)
def get_conference(request, cpts_id: int, conference_id: int):
    """Le cas, la question, la réunion et ses participants, les conclusions et les décisions
    (responsable, échéance, état). Le patient (`patient`) seulement pour qui le voit dans les
    parcours ; cette lecture est journalisée."""
    cpts = access(request, cpts_id)
    return conference_answer(request, cpts, conference_id)


@router.post(
    f"{BASE}/conferences/{{int:conference_id}}/schedule",
    response={200: QualityConferenceDetailOut, 409: ConflictOut | MessageOut},
    summary="Programmer une concertation",
)
def schedule_conference(request, cpts_id: int, conference_id: int, payload: QualityScheduleIn):
    """Un sondage de dates parmi les adhérents choisis (`memberships` : eux seuls sont invités),
    réunion de la mission 5 : leur présence compte leur temps indemnisé. Les coordinateurs ; une
    concertation déjà programmée, tenue ou annulée : 409 avec son état."""
    cpts = access(request, cpts_id)
    conference = visible_conference(request, cpts, conference_id)
    CaseConference.workflow.check(conference, "schedule")
    if not policies.can_prepare_conference(request.auth, conference):
        raise HttpError(403, PREPARERS_ONLY)
    with refusals_as_409("slots", "memberships", "visio_url", "place"), transaction.atomic():
        services.schedule_conference(
            conference,
            by=request.auth,
            slots=slots_of(payload.slots),
            membership_ids=list(dict.fromkeys(payload.memberships)),
            visio_url=checked_url(payload.visio_url),
            place=payload.place,
        )
    return conference_answer(request, cpts, conference_id)


@router.post(
    f"{BASE}/conferences/{{int:conference_id}}/record",
    response={200: QualityConferenceDetailOut, 409: ConflictOut | MessageOut},
    summary="Écrire le compte rendu d'une concertation",
)
def record_conference(request, cpts_id: int, conference_id: int, payload: QualityRecordIn):
    """Les conclusions et les décisions, chacune avec son responsable (une adhésion active) et son
    échéance (pas avant le jour de la concertation). Pour un patient inclus et suivi, les décisions
    deviennent les actions d'une nouvelle version de son PPCS. Les coordinateurs et la personne qui
    l'a demandée, une fois programmée ; sinon 409 avec son état. Tout ou rien."""
    cpts = access(request, cpts_id)
    conference = visible_conference(request, cpts, conference_id)
    CaseConference.workflow.check(conference, "record")
    if not policies.can_record_conference(request.auth, conference):
        raise HttpError(403, RECORDERS_ONLY)
    decisions = [
        {"description": row.description, "owner": row.owner, "due_on": row.due_on} for row in payload.decisions
    ]
    body_fields = ("conclusions", "held_on", "decisions", "next_review_on")
    with refusals_as_409(*body_fields), transaction.atomic():
        services.record_conference(
            conference,
            by=request.auth,
            conclusions=payload.conclusions,
            held_on=payload.held_on,
            decisions=decisions,
            next_review_on=payload.next_review_on,
        )
    return conference_answer(request, cpts, conference_id)


@router.post(
    f"{BASE}/conferences/{{int:conference_id}}/cancel",
    response={200: QualityConferenceDetailOut, 409: ConflictOut},
    summary="Annuler une concertation",
)
def cancel_conference(request, cpts_id: int, conference_id: int, payload: QualityNoteIn):
    """Demandée ou programmée ; tenue ou déjà annulée : 409 avec son état. Les coordinateurs et la
    personne qui l'a demandée."""
    cpts = access(request, cpts_id)
    conference = visible_conference(request, cpts, conference_id)
    CaseConference.workflow.check(conference, "cancel")
    if not policies.can_cancel_conference(request.auth, conference):
        raise HttpError(403, CANCELLERS_ONLY)
    with refusals_as_409("note", renames={"reason": "note"}):
        services.cancel_conference(conference, by=request.auth, reason=payload.note)
    return conference_answer(request, cpts, conference_id)


# --- Decisions -----------------------------------------------------------------------------

# The body fields of each move of a decision or an improvement action (`complete`, `drop`).
MOVE_FIELDS = {"complete": ("outcome", "done_on"), "drop": ("note",)}


def move_follow_up(request, row, move, can, message, **fields) -> dict:
    """Complete or drop a decision or an improvement action (409 with its state once done or
    dropped, 403 `message` unless `can`), answered from the row `workflow.run` has moved."""
    type(row).workflow.check(row, move)
    if not can(request.auth, row):
        raise HttpError(403, message)
    with refusals_as_409(*MOVE_FIELDS[move]):
        getattr(row, move)(by=request.auth, **fields)
    return decision_dict(row) if isinstance(row, ConferenceDecision) else action_dict(row)


@router.post(
    f"{BASE}/decisions/{{int:decision_id}}/complete",
    response={200: QualityDecisionOut, 409: ConflictOut},
    summary="Déclarer une décision réalisée",
)
def complete_decision(request, cpts_id: int, decision_id: int, payload: QualityCompleteIn):
    """Ce qui a été fait et quand (aujourd'hui par défaut, pas dans le futur). Son responsable, les
    coordinateurs et la personne qui a demandé la concertation ; déjà réalisée ou abandonnée : 409."""
    decision = visible_decision(request, access(request, cpts_id), decision_id)
    return move_follow_up(
        request,
        decision,
        "complete",
        policies.can_complete_decision,
        DECISION_COMPLETERS_ONLY,
        outcome=payload.outcome,
        on=payload.done_on,
    )


@router.post(
    f"{BASE}/decisions/{{int:decision_id}}/drop",
    response={200: QualityDecisionOut, 409: ConflictOut},
    summary="Abandonner une décision",
)
def drop_decision(request, cpts_id: int, decision_id: int, payload: QualityNoteIn):
    """Avec son motif (`note`, obligatoire). Les coordinateurs et la personne qui a demandé la
    concertation ; déjà réalisée ou abandonnée : 409."""
    decision = visible_decision(request, access(request, cpts_id), decision_id)
    return move_follow_up(
        request, decision, "drop", policies.can_drop_decision, DECISION_DROPPERS_ONLY, note=payload.note
    )


# --- Reviews of adverse events -------------------------------------------------------------


@router.get(f"{BASE}/incident-reviews", response=QualityReviewPageOut, summary="Revues d'événements indésirables")
def list_reviews(
    request,
    cpts_id: int,
    status: Annotated[ReviewStatusCode | None, Query(description="État (des revues lues en entier)")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les plus récentes d'abord. En entier (`whole: true`) pour la coordination, la personne qui
    l'a déclarée et le référent ; pour les autres membres, la synthèse partagée seulement."""
    cpts = access(request, cpts_id)
    reviews = reviews_of(request, cpts)
    if status:
        reviews = reviews.filter(status=status, pk__in=policies.reviews_read_whole(request.auth, cpts).values("pk"))
    shown, count = page_of(reviews.order_by("-reported_at", "-pk"), page, page_size)
    items = [review_dict(review, policies.reads_review_whole(request.auth, review)) for review in shown]
    return {"items": items, "count": count}


@router.post(
    f"{BASE}/incident-reviews", response={201: QualityReviewDetailOut}, summary="Déclarer un événement indésirable"
)
def report_event(request, cpts_id: int, payload: QualityReportIn):
    """Une rupture de parcours, une erreur, un presque-accident : sans nommer le patient ni
    quiconque (un NIR/INS est refusé : 422). Tout rôle dans la CPTS."""
    cpts = access(request, cpts_id)
    ensure_writer(request, cpts, policies.can_report_event)
    with refusals_as_409(*QualityReportIn.model_fields), transaction.atomic():
        review = services.report_event(cpts, by=request.auth, **payload.model_dump())
    return Status(201, review_answer(request, cpts, review.pk))


@router.get(f"{BASE}/incident-reviews/{{int:review_id}}", response=QualityReviewDetailOut, summary="Une revue")
def get_review(request, cpts_id: int, review_id: int):
    """La revue entière (faits, causes par catégorie, ce qui a protégé, enseignements, actions
    d'amélioration) pour qui la lit en entier ; la synthèse partagée seulement pour les autres."""
    cpts = access(request, cpts_id)
    return review_answer(request, cpts, review_id)


def review_answer(request, cpts, review_id) -> dict:
    return review_detail(request, visible_review(request, cpts, review_id))


@router.post(
    f"{BASE}/incident-reviews/{{int:review_id}}/referent",
    response={200: QualityReviewDetailOut, 409: ConflictOut},
    summary="Nommer le référent de l'analyse",
)
def name_referent(request, cpts_id: int, review_id: int, payload: QualityReferentIn):
    """Un adhérent qui a un compte (`membership`) ou un compte qui a un rôle dans la CPTS
    (`user`) ; la revue passe en analyse. Les coordinateurs ; une revue qui n'est plus déclarée : 409."""
    cpts = access(request, cpts_id)
    review = visible_review(request, cpts, review_id)
    IncidentReview.workflow.check(review, "start_analysis")
    if not policies.can_assign_referent(request.auth, review):
        raise HttpError(403, REFERENT_NAMERS_ONLY)
    if (payload.membership is None) == (payload.user is None):
        raise InvalidField("membership", [ONE_REFERENT])
    field = "membership" if payload.membership is not None else "user"
    if payload.membership is not None:
        membership = (
            Membership.objects.for_cpts(cpts)
            .active()
            .filter(pk=payload.membership, professional__user__isnull=False)
            .select_related("professional__user")
            .first()
        )
        referent = membership.professional.user if membership else None
    else:
        referent = User.objects.filter(pk=payload.user, is_active=True).first()
    if referent is None:
        raise InvalidField(field, [UNKNOWN_REFERENT])
    with refusals_as_409(field, renames={"referent": field}):
        services.start_analysis(review, referent=referent, by=request.auth)
    return review_answer(request, cpts, review_id)


@router.put(
    f"{BASE}/incident-reviews/{{int:review_id}}/analysis",
    response={200: QualityReviewDetailOut, 409: ConflictOut},
    summary="Écrire l'analyse d'une revue",
)
def save_analysis(request, cpts_id: int, review_id: int, payload: QualityAnalysisIn):
    """La chronologie des faits, les causes par catégorie (la grille ALARM : `patient`, `tasks`,
    `professional`, `team`, `environment`, `organisation`, `institutional`), ce qui a protégé, les
    enseignements ; l'analyse entière remplace la précédente. Sans nom ni numéro (422). Le référent
    et les coordinateurs, en analyse ou pendant les actions ; sinon 409 avec son état."""
    cpts = access(request, cpts_id)
    review = visible_review(request, cpts, review_id)
    ensure_in(review, ANALYSED, policies.can_analyse_review, ANALYSTS_ONLY, request.auth)
    with refusals_as_409(*IncidentReview.ANALYSIS_FIELDS), transaction.atomic():
        services.save_analysis(review, by=request.auth, **payload.model_dump())
    return review_answer(request, cpts, review_id)


@router.post(
    f"{BASE}/incident-reviews/{{int:review_id}}/actions",
    response={201: QualityActionOut, 409: ConflictOut},
    summary="Décider une action d'amélioration",
)
def add_action(request, cpts_id: int, review_id: int, payload: QualityActionIn):
    """Ce qui change, son responsable (une adhésion active) et son échéance (aujourd'hui ou plus
    tard). Le référent et les coordinateurs, en analyse ou pendant les actions ; sinon 409."""
    cpts = access(request, cpts_id)
    review = visible_review(request, cpts, review_id)
    ensure_in(review, ANALYSED, policies.can_analyse_review, ANALYSTS_ONLY, request.auth)
    with refusals_as_409("description", "owner", "due_on"), transaction.atomic():
        action = services.add_improvement_action(
            review, by=request.auth, description=payload.description, owner=payload.owner, due_on=payload.due_on
        )
    return Status(201, action_dict(visible_action(request, cpts, action.pk)))


@router.post(
    f"{BASE}/incident-reviews/{{int:review_id}}/decide",
    response={200: QualityReviewDetailOut, 409: ConflictOut | MessageOut},
    summary="Clore l'analyse : les actions sont décidées",
)
def decide(request, cpts_id: int, review_id: int):
    """L'analyse est complète (faits, au moins une cause, enseignements) et au moins une action
    d'amélioration est décidée, sinon 409 qui dit ce qui manque ; une revue qui n'est pas en
    analyse : 409 avec son état. Le référent et les coordinateurs."""
    cpts = access(request, cpts_id)
    review = visible_review(request, cpts, review_id)
    IncidentReview.workflow.check(review, "decide")
    if not policies.can_analyse_review(request.auth, review):
        raise HttpError(403, ANALYSTS_ONLY)
    with refusals_as_409():
        review.decide(by=request.auth)
    return review_answer(request, cpts, review_id)


@router.post(
    f"{BASE}/incident-reviews/{{int:review_id}}/close",
    response={200: QualityReviewDetailOut, 409: ConflictOut | MessageOut},
    summary="Clore une revue",
)
def close_review(request, cpts_id: int, review_id: int):
    """Une fois toutes ses actions réalisées ou abandonnées (sinon 409) ; une revue qui n'en est
    pas aux actions : 409 avec son état. Le référent et les coordinateurs."""
    cpts = access(request, cpts_id)
    review = visible_review(request, cpts, review_id)
    IncidentReview.workflow.check(review, "close")
    if not policies.can_close_review(request.auth, review):
        raise HttpError(403, ANALYSTS_ONLY)
    with refusals_as_409():
        review.close(by=request.auth)
    return review_answer(request, cpts, review_id)


@router.post(
    f"{BASE}/incident-reviews/{{int:review_id}}/dismiss",
    response={200: QualityReviewDetailOut, 409: ConflictOut},
    summary="Classer une revue sans suite",
)
def dismiss_review(request, cpts_id: int, review_id: int, payload: QualityNoteIn):
    """Avec son motif (`note`, obligatoire), tant qu'elle est déclarée ou en analyse ; sinon 409.
    Le référent et les coordinateurs."""
    cpts = access(request, cpts_id)
    review = visible_review(request, cpts, review_id)
    IncidentReview.workflow.check(review, "dismiss")
    if not policies.can_dismiss_review(request.auth, review):
        raise HttpError(403, ANALYSTS_ONLY)
    with refusals_as_409("note"):
        review.dismiss(by=request.auth, note=payload.note)
    return review_answer(request, cpts, review_id)


@router.post(
    f"{BASE}/incident-reviews/{{int:review_id}}/share",
    response={200: QualityReviewDetailOut, 409: ConflictOut},
    summary="Partager la synthèse d'une revue",
)
def share_review(request, cpts_id: int, review_id: int, payload: QualityShareIn):
    """La synthèse anonymisée que tous les adhérents liront (sans nom ni numéro : 422), une fois
    l'analyse faite (actions en cours ou revue close ; sinon 409 avec son état). Le référent et
    les coordinateurs ; partager à nouveau remplace la synthèse."""
    cpts = access(request, cpts_id)
    review = visible_review(request, cpts, review_id)
    ensure_in(review, SHARED, policies.can_share_review, ANALYSTS_ONLY, request.auth)
    with refusals_as_409("summary"):
        review.share(summary=payload.summary, by=request.auth)
    return review_answer(request, cpts, review_id)


# --- Improvement actions -------------------------------------------------------------------


@router.post(
    f"{BASE}/improvement-actions/{{int:action_id}}/complete",
    response={200: QualityActionOut, 409: ConflictOut},
    summary="Déclarer une action d'amélioration réalisée",
)
def complete_action(request, cpts_id: int, action_id: int, payload: QualityCompleteIn):
    """Ce qui a été fait et quand (aujourd'hui par défaut). Son responsable, le référent de la
    revue et les coordinateurs ; déjà réalisée ou abandonnée : 409."""
    action = visible_action(request, access(request, cpts_id), action_id)
    return move_follow_up(
        request,
        action,
        "complete",
        policies.can_complete_action,
        ACTION_COMPLETERS_ONLY,
        outcome=payload.outcome,
        on=payload.done_on,
    )


@router.post(
    f"{BASE}/improvement-actions/{{int:action_id}}/drop",
    response={200: QualityActionOut, 409: ConflictOut},
    summary="Abandonner une action d'amélioration",
)
def drop_action(request, cpts_id: int, action_id: int, payload: QualityNoteIn):
    """Avec son motif (`note`, obligatoire). Le référent de la revue et les coordinateurs ; déjà
    réalisée ou abandonnée : 409."""
    action = visible_action(request, access(request, cpts_id), action_id)
    return move_follow_up(request, action, "drop", policies.can_drop_action, ACTION_DROPPERS_ONLY, note=payload.note)


# --- Practice-analysis groups --------------------------------------------------------------


def ensure_group_manager(request, group):
    """409 for a closed group; 403 for who may not change it."""
    if not group.is_open:
        raise HttpError(409, GROUP_CLOSED)
    if not policies.can_manage_group(request.auth, group):
        raise HttpError(403, GROUP_MANAGERS_ONLY)


GROUP_FIELDS = ("name", "themes", "description", "facilitator", "members", "closed_on")


@router.get(f"{BASE}/groups", response=QualityGroupPageOut, summary="Groupes d'analyse des pratiques")
def list_groups(
    request,
    cpts_id: int,
    open: Annotated[bool | None, Query(description="true : les groupes ouverts ; false : les fermés")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Par nom : thèmes, animation, nombre de membres et de séances. Tout rôle dans la CPTS."""
    cpts = access(request, cpts_id)
    groups = groups_of(request, cpts)
    if open is not None:
        groups = groups.filter(closed_on__isnull=open)
    shown, count = page_of(groups.order_by("name", "pk"), page, page_size)
    return {"items": [group_dict(group) for group in shown], "count": count}


@router.post(f"{BASE}/groups", response={201: QualityGroupDetailOut}, summary="Créer un groupe d'analyse des pratiques")
def create_group(request, cpts_id: int, payload: QualityGroupIn):
    """Son nom, ses thèmes, l'animateur ou l'animatrice et les membres (des adhésions actives de
    la CPTS). Les coordinateurs."""
    cpts = access(request, cpts_id)
    ensure_writer(request, cpts, policies.can_create_group, GROUP_CREATORS_ONLY)
    facilitator = (
        adherent_of(cpts, payload.facilitator, "facilitator", "Animation") if payload.facilitator is not None else None
    )
    members = members_of(cpts, payload.members)
    group = PracticeGroup(
        cpts=cpts,
        name=payload.name,
        themes=", ".join(payload.themes),
        description=payload.description,
        facilitator=facilitator,
    )
    with refusals_as_409(*GROUP_FIELDS), transaction.atomic():
        services.save_group(group, members=members)
    return Status(201, group_detail(request, visible_group(request, cpts, group.pk)))


@router.get(
    f"{BASE}/groups/{{int:group_id}}", response=QualityGroupDetailOut, summary="Un groupe d'analyse des pratiques"
)
def get_group(request, cpts_id: int, group_id: int):
    """Le groupe et ses membres."""
    cpts = access(request, cpts_id)
    return group_detail(request, visible_group(request, cpts, group_id))


@router.patch(
    f"{BASE}/groups/{{int:group_id}}",
    response=QualityGroupDetailOut,
    summary="Modifier un groupe d'analyse des pratiques",
)
def update_group(request, cpts_id: int, group_id: int, payload: QualityGroupPatchIn):
    """Seuls les champs envoyés changent ; `members` remplace les membres ; `closed_on` ferme le
    groupe. Les coordinateurs et l'animateur ou l'animatrice ; un groupe fermé : 409."""
    cpts = access(request, cpts_id)
    group = visible_group(request, cpts, group_id)
    ensure_group_manager(request, group)
    sent = payload.model_fields_set
    required(PracticeGroup, payload, ["name", "themes"])
    if "name" in sent:
        group.name = payload.name
    if "themes" in sent:
        group.themes = ", ".join(payload.themes)
    if "description" in sent:
        group.description = payload.description or ""
    if "facilitator" in sent:
        group.facilitator = (
            adherent_of(cpts, payload.facilitator, "facilitator", "Animation")
            if payload.facilitator is not None
            else None
        )
    if "closed_on" in sent:
        group.closed_on = payload.closed_on
    members = members_of(cpts, payload.members) if payload.members is not None else None
    with refusals_as_409(*GROUP_FIELDS), transaction.atomic():
        services.save_group(group, members=members)
    return group_detail(request, visible_group(request, cpts, group_id))


@router.get(
    f"{BASE}/groups/{{int:group_id}}/sessions",
    response=QualitySessionPageOut,
    summary="Séances d'un groupe d'analyse des pratiques",
)
def list_sessions(request, cpts_id: int, group_id: int, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """Les séances, les plus récentes d'abord : thème, réunion (date, état), support (un cas
    pseudonymisé ou la synthèse d'une revue), invités et présents."""
    cpts = access(request, cpts_id)
    group = visible_group(request, cpts, group_id)
    sessions = sessions_of(request, cpts).filter(group=group)
    shown, count = page_of(sessions.order_by("-meeting__starts_at", "-pk"), page, page_size)
    return {"items": [session_dict(session) for session in shown], "count": count}


@router.post(
    f"{BASE}/groups/{{int:group_id}}/sessions",
    response={201: QualitySessionOut},
    summary="Programmer une séance d'un groupe",
)
def create_session(request, cpts_id: int, group_id: int, payload: QualitySessionIn):
    """Un sondage de dates parmi les membres actifs du groupe (réunion de la mission 5 : leur
    présence compte leur temps) ; pour support, une concertation tenue (`conference`) ou une revue
    dont la synthèse est partagée (`review`), pas les deux. Les coordinateurs et l'animateur ou
    l'animatrice ; un groupe fermé ou sans membre actif : 409."""
    cpts = access(request, cpts_id)
    group = visible_group(request, cpts, group_id)
    ensure_group_manager(request, group)
    conference = review = None
    if payload.conference is not None:
        conference = policies.visible_conferences(request.auth, cpts).filter(pk=payload.conference).first()
        if conference is None:
            raise InvalidField("conference", [UNKNOWN_CONFERENCE])
    if payload.review is not None:
        review = policies.visible_reviews(request.auth, cpts).shared().filter(pk=payload.review).first()
        if review is None:
            raise InvalidField("review", [UNKNOWN_REVIEW])
    with refusals_as_409("theme", "slots", "visio_url", "place", "conference", "review"), transaction.atomic():
        session = services.hold_session(
            group,
            by=request.auth,
            theme=payload.theme,
            slots=slots_of(payload.slots),
            visio_url=checked_url(payload.visio_url),
            place=payload.place,
            conference=conference,
            review=review,
        )
    return Status(201, session_dict(sessions_of(request, cpts).get(pk=session.pk)))


# --- Pathway evaluation --------------------------------------------------------------------


@router.get(
    f"{BASE}/inclusions/{{int:inclusion_id}}/evaluation",
    response=QualityEvaluationOut,
    summary="Évaluer le parcours d'un patient",
)
def evaluate_pathway(request, cpts_id: int, inclusion_id: int):
    """En lecture seule, d'une inclusion en cours ou close : le parcours parcouru de bout en bout,
    ses ruptures et ses retards (tâches faites ou encore en retard, réévaluation du PPCS manquée,
    sortie d'hospitalisation sans visite, rupture signalée, plus de 90 jours sans contact). Pour qui
    voit le patient dans les parcours ; la lecture est journalisée. Pseudonymisée : le numéro de
    l'inclusion et le programme."""
    cpts = access(request, cpts_id)
    inclusion = first_or_404(
        pathways_policies.visible_inclusions(request.auth, cpts).select_related("programme").filter(pk=inclusion_id),
        INCLUSION_NOT_FOUND,
    )
    result = evaluation.evaluate(inclusion)
    pathways_services.record_inclusion_reads([inclusion], EVALUATION_FIELDS, note="évaluation du parcours (API)")
    mask = masker(patient_names(inclusion))
    programme = inclusion.programme
    return {
        "inclusion": {
            "id": inclusion.pk,
            "programme": programme.name,
            "programme_version": programme.version,
            "status": inclusion.status,
            "status_label": inclusion.get_status_display(),
            "included_on": inclusion.included_on,
            "closed_on": inclusion.closed_on,
        },
        "findings": [
            {
                "on": finding.on,
                "kind": finding.kind,
                "kind_label": finding.kind_label,
                "title": mask(finding.title),
                "detail": mask(finding.detail),
                "delay_days": finding.delay_days,
            }
            for finding in result.findings
        ],
        "counts": [
            {"kind": kind, "label": str(evaluation.FINDING_KINDS[kind]), "count": count}
            for kind, count in result.counts.items()
        ],
        "delay_days_total": result.delay_days_total,
    }
