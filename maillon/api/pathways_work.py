"""The work of a care pathway (mission 2): care tasks across patients and marking one done,
the breaks board and resolving a break, the PPCS in versions and its PDF, hospital stays and
a patient's timeline (docs/api.md).

Who: the rules of maillon/pathways/policies.py, as for the inclusions (maillon/api/pathways.py,
whose access helpers these operations share). The tasks follow the patient: whoever sees the
inclusion sees its tasks and records one done; each member's list holds the open tasks given
to them. The breaks board shows the coordinators every break, a member those of the patients
they lead; the lead or a coordinator resolves one. The lead and the coordinators write the
PPCS; the care team records a hospital stay and its discharge (a nurse at home is often the
first to know). What the caller may not see answers 404 with the body of a missing one; a
refusal of the domain naming a body field, 422 on that field; a state that forbids the write,
409. Every patient shown is journaled (`services.record_inclusion_reads`, field names only).
"""

import datetime
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Max
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from maillon.pathways import care, documents, policies, selectors, services
from maillon.pathways.models import (
    ASSESSMENT_DIMENSIONS,
    ActionKind,
    BreakKind,
    BreakStatus,
    CareBreak,
    CarePlan,
    CareTask,
    CareTaskStatus,
    HospitalStay,
    InclusionStatus,
)

from .common import CptsRouter, PageNumber, first_or_404, page_of
from .errors import InvalidField, conflict, refusals_as_409
from .pathways import (
    PAGE_SIZE,
    PLAN_FIELDS,
    PageSize,
    ProgrammeRefOut,
    editable_inclusion,
    inclusions_access,
    visible_inclusion,
    visible_inclusions,
)
from .schemas import READ_ERRORS, CodeLabelOut, ConflictOut, IsoDate, Text300

router = CptsRouter(tags=["Parcours"], read_errors=READ_ERRORS)

TASK_NOT_FOUND = "Tâche de soins introuvable."
BREAK_NOT_FOUND = "Rupture introuvable."
PLAN_NOT_FOUND = "PPCS introuvable."
STAY_NOT_FOUND = "Hospitalisation introuvable."
NOT_YOURS = "Tâche : seuls l'équipe de soins, le référent et la coordination la notent faite."
LEAD_OR_COORDINATION = "Rupture : seuls le référent et la coordination la résolvent."
STAY_CLOSED = "Hospitalisation : l'inclusion est close."
ALREADY_DISCHARGED = "Sortie : elle est déjà notée."

# The fields of the patient a list of work shows (the display name), for the journal.
NAME_FIELDS = ["used_name", "birth_name", "first_given_name"]
STAY_FIELDS = ["hospital_stay.admitted_on", "hospital_stay.discharged_on"]
TIMELINE_FIELDS = [*NAME_FIELDS, "care_task.outcome", *PLAN_FIELDS, *STAY_FIELDS, "care_break.resolution"]
ACTION_FIELDS = {"kind", "description", "owner", "due_on"}

LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Required300 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Required150 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=150)]


# --- Schemas -------------------------------------------------------------------------------


class PatientNameOut(Schema):
    display_name: str = Field(description="NOM (d'usage, sinon de naissance) et premier prénom.")


class AssigneeOut(Schema):
    id: int = Field(description="L'adhésion du professionnel à qui la tâche est confiée.")
    name: str


class CareTaskOut(Schema):
    id: int
    title: str
    who: str = Field(description="La profession ou le rôle qui fait la tâche.")
    assignee: AssigneeOut | None = Field(description="null : la coordination la confie.")
    due_on: datetime.date
    late_from: datetime.date = Field(description="En retard après ce jour (échéance + tolérance).")
    late: bool
    status: CareTaskStatus
    status_label: str
    done_on: datetime.date | None
    outcome: str
    inclusion_id: int
    programme: ProgrammeRefOut
    patient: PatientNameOut


class CareTaskPageOut(Schema):
    items: list[CareTaskOut]
    count: int


class CompleteIn(Schema):
    outcome: Text300 = Field(description="Le résultat en quelques mots.")
    done_on: IsoDate | None = Field(None, description="Aujourd'hui par défaut ; jamais dans le futur.")


class CareBreakOut(Schema):
    id: int
    kind: BreakKind
    kind_label: str
    subject: str = Field(description="Ce qui a rompu : task:<id>, plan:<id>, stay:<id> ou profession:<code>.")
    subject_label: str
    detected_on: datetime.date
    status: BreakStatus
    status_label: str
    resolved_on: datetime.date | None
    resolution: str
    inclusion_id: int
    programme: ProgrammeRefOut
    patient: PatientNameOut


class CareBreakPageOut(Schema):
    items: list[CareBreakOut]
    count: int


class ResolveIn(Schema):
    resolution: Text300 = Field(description="Ce qui a été fait.")


class AssessmentOut(Schema):
    dimension: str
    label: str
    text: str


class ActionOut(Schema):
    id: int
    kind: CodeLabelOut
    description: str
    owner: str
    due_on: datetime.date | None


class CarePlanOut(Schema):
    id: int
    inclusion_id: int
    version: int
    is_current: bool
    written_at: datetime.datetime
    written_by: str = Field(description="Le nom de l'auteur ; vide si son compte a été effacé.")
    next_review_on: datetime.date
    up_to_date: bool = Field(description="La date de réévaluation n'est pas passée.")
    assessment: list[AssessmentOut] = Field(description="Les dimensions renseignées, dans l'ordre du modèle HAS.")
    problems: str
    goals: str
    actions: list[ActionOut]


class PlanPageOut(Schema):
    items: list[CarePlanOut]
    count: int


class ActionIn(Schema):
    kind: ActionKind
    description: Required300
    owner: Required150 = Field(description="Qui : un membre de l'équipe (son nom ou son rôle), un service…")
    due_on: IsoDate | None = None


class PlanIn(Schema):
    next_review_on: IsoDate = Field(description="Prochaine réévaluation, à venir.")
    assessment: dict[str, LongText] = Field(
        default_factory=dict, description=f"Par dimension : {', '.join(ASSESSMENT_DIMENSIONS)}."
    )
    problems: LongText = ""
    goals: LongText = ""
    actions: list[ActionIn] = Field(default_factory=list, max_length=50)


class VisitOut(Schema):
    id: int
    due_on: datetime.date
    status: CareTaskStatus


class StayOut(Schema):
    id: int
    inclusion_id: int
    admitted_on: datetime.date
    discharged_on: datetime.date | None
    visit: VisitOut | None = Field(description="La visite en ville due dans les 7 jours après la sortie.")


class StayPageOut(Schema):
    items: list[StayOut]
    count: int


class StayIn(Schema):
    admitted_on: IsoDate
    discharged_on: IsoDate | None = None


class DischargeIn(Schema):
    discharged_on: IsoDate


class MomentOut(Schema):
    on: datetime.date
    kind: str = Field(description=f"{', '.join(selectors.MOMENT_KINDS)}.")
    kind_label: str
    title: str
    detail: str
    object_type: str = Field(description="inclusion, care_task, plan, hospital_stay ou care_break.")
    object_id: int | None


class TimelinePageOut(Schema):
    items: list[MomentOut]
    count: int


# --- Presenters ----------------------------------------------------------------------------


def about_patient(inclusion) -> dict:
    programme = inclusion.programme
    return {
        "inclusion_id": inclusion.pk,
        "programme": {"id": programme.pk, "name": programme.name, "version": programme.version},
        "patient": {"display_name": inclusion.display_name},
    }


def task_dict(task, today) -> dict:
    assignee = task.assignee
    return {
        "id": task.pk,
        "title": task.title,
        "who": task.who,
        "assignee": {"id": assignee.pk, "name": str(assignee.member)} if assignee else None,
        "due_on": task.due_on,
        "late_from": task.late_from,
        "late": task.status == CareTaskStatus.TODO and task.late_from < today,
        "status": task.status,
        "status_label": task.get_status_display(),
        "done_on": task.done_on,
        "outcome": task.outcome,
        **about_patient(task.inclusion),
    }


def break_dict(care_break, label) -> dict:
    return {
        "id": care_break.pk,
        "kind": care_break.kind,
        "kind_label": care_break.get_kind_display(),
        "subject": care_break.subject,
        "subject_label": label,
        "detected_on": care_break.detected_on,
        "status": care_break.status,
        "status_label": care_break.get_status_display(),
        "resolved_on": care_break.resolved_on,
        "resolution": care_break.resolution,
        **about_patient(care_break.inclusion),
    }


def plan_dict(plan, current_version) -> dict:
    assessment = plan.assessment or {}
    return {
        "id": plan.pk,
        "inclusion_id": plan.inclusion_id,
        "version": plan.version,
        "is_current": plan.version == current_version,
        "written_at": plan.written_at,
        "written_by": plan.written_by.get_full_name() if plan.written_by else "",
        "next_review_on": plan.next_review_on,
        "up_to_date": plan.up_to_date_on(timezone.localdate()),
        "assessment": [
            {"dimension": key, "label": label, "text": assessment[key]}
            for key, label in ASSESSMENT_DIMENSIONS.items()
            if assessment.get(key)
        ],
        "problems": plan.problems,
        "goals": plan.goals,
        "actions": [
            {
                "id": action.pk,
                "kind": {"code": action.kind, "label": action.get_kind_display()},
                "description": action.description,
                "owner": action.owner,
                "due_on": action.due_on,
            }
            for action in plan.actions.all()
        ],
    }


def stay_dict(stay) -> dict:
    visit = next(iter(stay.tasks.all()), None)
    return {
        "id": stay.pk,
        "inclusion_id": stay.inclusion_id,
        "admitted_on": stay.admitted_on,
        "discharged_on": stay.discharged_on,
        "visit": {"id": visit.pk, "due_on": visit.due_on, "status": visit.status} if visit else None,
    }


def moment_dict(moment) -> dict:
    return {**vars(moment), "kind_label": selectors.MOMENT_KINDS[moment.kind]}


# --- Lookups -------------------------------------------------------------------------------

WITH_PATIENT = ("inclusion__programme",)


TASK_RELATED = (*WITH_PATIENT, "assignee__professional", "assignee__structure")


def visible_tasks(request, cpts):
    return policies.visible_tasks(request.auth, cpts).select_related(*TASK_RELATED)


def visible_breaks(request, cpts):
    return policies.visible_breaks(request.auth, cpts).select_related(*WITH_PATIENT, "inclusion__lead__professional")


def plans_of(inclusion):
    return inclusion.plans.select_related("written_by").prefetch_related("actions").order_by("-version")


def stays_of(inclusion):
    return inclusion.hospital_stays.prefetch_related("tasks").order_by("-admitted_on", "-pk")


def journal_patients(rows, fields, note):
    services.record_inclusion_reads([row.inclusion for row in rows], fields, note=note)


# --- Care tasks ----------------------------------------------------------------------------


@router.get("/cpts/{int:cpts_id}/care-tasks", response=CareTaskPageOut, summary="Tâches de soins")
def list_care_tasks(
    request,
    cpts_id: int,
    every: Annotated[bool, Query(alias="all", description="Toutes les tâches des patients que vous voyez")] = False,
    status: Annotated[CareTaskStatus | None, Query(description="État de la tâche")] = None,
    inclusion: Annotated[int | None, Query(description="Identifiant d'une inclusion")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Vos tâches ouvertes, tous patients confondus, les plus urgentes d'abord ; `all=true` :
    toutes les tâches des patients que vous voyez (la coordination : toutes). Chaque patient
    montré est inscrit au journal."""
    cpts = inclusions_access(request, cpts_id)
    tasks = (policies.visible_tasks if every else policies.visible_assigned_tasks)(request.auth, cpts)
    tasks = tasks.select_related(*TASK_RELATED)
    if status:
        tasks = tasks.filter(status=status)
    if inclusion is not None:
        tasks = tasks.filter(inclusion_id=inclusion)
    shown, count = page_of(tasks.order_by("due_on", "pk"), page, page_size)
    journal_patients(shown, NAME_FIELDS, "tâches de soins (API)")
    today = timezone.localdate()
    return {"items": [task_dict(task, today) for task in shown], "count": count}


@router.post(
    "/cpts/{int:cpts_id}/care-tasks/{int:task_id}/complete",
    response={200: CareTaskOut, 409: ConflictOut},
    summary="Noter une tâche de soins faite",
)
def complete_care_task(request, cpts_id: int, task_id: int, payload: CompleteIn):
    """Le résultat en quelques mots et le jour (aujourd'hui par défaut). L'équipe de soins, le
    référent, la coordination ; une tâche déjà faite ou annulée : 409 avec son état. L'étape
    suivante est recalée sur ce jour ; une étape régulière reçoit sa prochaine occurrence."""
    cpts = inclusions_access(request, cpts_id)
    task = first_or_404(visible_tasks(request, cpts).filter(pk=task_id), TASK_NOT_FOUND)
    CareTask.workflow.check(task, "complete")
    if not policies.can_complete_task(request.auth, task):
        raise HttpError(403, NOT_YOURS)
    with refusals_as_409("outcome", "done_on"):
        care.complete_task(task, by=request.auth, outcome=payload.outcome, on=payload.done_on)
    journal_patients([task], NAME_FIELDS, "tâche de soins (API)")
    return task_dict(task, timezone.localdate())


# --- Breaks --------------------------------------------------------------------------------


@router.get("/cpts/{int:cpts_id}/care-breaks", response=CareBreakPageOut, summary="Ruptures de parcours")
def list_care_breaks(
    request,
    cpts_id: int,
    status: Annotated[BreakStatus | None, Query(description="État de la rupture")] = None,
    kind: Annotated[BreakKind | None, Query(description="Nature de la rupture")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Le tableau des ruptures : pour la coordination, toutes ; pour un membre, celles des
    patients dont il est le référent. Les ruptures à traiter d'abord, les plus récentes en tête.
    Chaque patient montré est inscrit au journal."""
    cpts = inclusions_access(request, cpts_id)
    breaks = visible_breaks(request, cpts)
    if status:
        breaks = breaks.filter(status=status)
    if kind:
        breaks = breaks.filter(kind=kind)
    shown, count = page_of(breaks.order_by("status", "-detected_on", "-pk"), page, page_size)
    labels = selectors.subject_labels(shown)
    journal_patients(shown, NAME_FIELDS, "ruptures (API)")
    return {"items": [break_dict(row, labels[row.pk]) for row in shown], "count": count}


@router.post(
    "/cpts/{int:cpts_id}/care-breaks/{int:break_id}/resolve",
    response={200: CareBreakOut, 409: ConflictOut},
    summary="Résoudre une rupture",
)
def resolve_care_break(request, cpts_id: int, break_id: int, payload: ResolveIn):
    """Ce qui a été fait (`resolution`) ; la résolution est notée au journal. Le référent et la
    coordination ; une rupture déjà résolue : 409 avec son état."""
    cpts = inclusions_access(request, cpts_id)
    care_break = first_or_404(visible_breaks(request, cpts).filter(pk=break_id), BREAK_NOT_FOUND)
    CareBreak.workflow.check(care_break, "resolve")
    if not policies.can_resolve_break(request.auth, care_break):
        raise HttpError(403, LEAD_OR_COORDINATION)
    with refusals_as_409("resolution"):
        care_break.resolve(by=request.auth, resolution=payload.resolution)
    journal_patients([care_break], NAME_FIELDS, "rupture (API)")
    return break_dict(care_break, selectors.subject_labels([care_break])[care_break.pk])


# --- PPCS ----------------------------------------------------------------------------------


@router.get(
    "/cpts/{int:cpts_id}/pathway-inclusions/{int:inclusion_id}/plans",
    response=PlanPageOut,
    summary="Versions du PPCS d'un patient",
)
def list_plans(request, cpts_id: int, inclusion_id: int, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """Toutes les versions du plan personnalisé (PPCS), la plus récente d'abord, avec leurs
    actions. L'équipe de soins, le référent, la coordination ; la lecture est journalisée."""
    cpts = inclusions_access(request, cpts_id)
    inclusion = visible_inclusion(request, cpts, inclusion_id)
    plans = plans_of(inclusion)
    shown, count = page_of(plans, page, page_size)
    current = inclusion.plans.aggregate(version=Max("version"))["version"]
    services.record_inclusion_reads([inclusion], PLAN_FIELDS, note="PPCS (API)")
    return {"items": [plan_dict(plan, current) for plan in shown], "count": count}


@router.post(
    "/cpts/{int:cpts_id}/pathway-inclusions/{int:inclusion_id}/plans",
    response={201: CarePlanOut},
    summary="Nouvelle version du PPCS",
)
def revise_plan(request, cpts_id: int, inclusion_id: int, payload: PlanIn):
    """Une nouvelle version (la première, ou la suivante ; les précédentes restent) :
    l'évaluation par dimension, problèmes et besoins, objectifs, actions (nature, action, qui,
    pour quand) et la prochaine réévaluation. Le référent et la coordination ; 409 sur une
    inclusion close."""
    cpts = inclusions_access(request, cpts_id)
    inclusion = editable_inclusion(request, cpts, inclusion_id)
    actions = [action.model_dump() for action in payload.actions]
    try:
        plan = care.revise_plan(
            inclusion,
            by=request.auth,
            next_review_on=payload.next_review_on,
            assessment=payload.assessment,
            problems=payload.problems,
            goals=payload.goals,
            actions=actions,
        )
    except DjangoValidationError as error:
        named = set(getattr(error, "error_dict", ()))
        if named & ACTION_FIELDS:
            raise InvalidField("actions", error.messages) from error
        if named & {"next_review_on", "assessment", "problems", "goals"}:
            raise InvalidField.of(error) from error
        raise conflict(error) from error
    plan = plans_of(inclusion).get(pk=plan.pk)
    return Status(201, plan_dict(plan, plan.version))


@router.get(
    "/cpts/{int:cpts_id}/plans/{int:plan_id}/pdf",
    response={200: None},
    summary="Le PPCS en PDF",
    openapi_extra={
        "responses": {
            200: {
                "description": "Le PDF de cette version du PPCS, pour le dossier du patient.",
                "content": {documents.PDF_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def plan_pdf(request, cpts_id: int, plan_id: int):
    """Une version du PPCS à imprimer : identité du patient (le matricule INS seulement si
    l'identité est qualifiée), référent, équipe de soins, évaluation, problèmes, objectifs,
    actions, prochaine réévaluation. Journalisé."""
    cpts = inclusions_access(request, cpts_id)
    plans = CarePlan.objects.filter(inclusion__in=visible_inclusions(request, cpts).values("pk"))
    plan = first_or_404(plans.select_related("inclusion__programme", "written_by").filter(pk=plan_id), PLAN_NOT_FOUND)
    content = documents.plan_pdf(plan)
    services.record_inclusion_reads(
        [plan.inclusion], [*services.PERSONAL_FIELDS, *PLAN_FIELDS, "care_team.name"], note="PPCS en PDF (API)"
    )
    response = HttpResponse(content, content_type=documents.PDF_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, documents.filename(plan))
    return response


# --- Hospital stays ------------------------------------------------------------------------


@router.get(
    "/cpts/{int:cpts_id}/pathway-inclusions/{int:inclusion_id}/hospital-stays",
    response=StayPageOut,
    summary="Hospitalisations d'un patient",
)
def list_stays(request, cpts_id: int, inclusion_id: int, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """Les hospitalisations notées, les plus récentes d'abord, avec la visite en ville due après
    la sortie. L'équipe de soins, le référent, la coordination ; la lecture est journalisée."""
    cpts = inclusions_access(request, cpts_id)
    inclusion = visible_inclusion(request, cpts, inclusion_id)
    shown, count = page_of(stays_of(inclusion), page, page_size)
    services.record_inclusion_reads([inclusion], STAY_FIELDS, note="hospitalisations (API)")
    return {"items": [stay_dict(stay) for stay in shown], "count": count}


@router.post(
    "/cpts/{int:cpts_id}/pathway-inclusions/{int:inclusion_id}/hospital-stays",
    response={201: StayOut},
    summary="Noter une hospitalisation",
)
def record_stay(request, cpts_id: int, inclusion_id: int, payload: StayIn):
    """L'entrée et, si elle est connue, la sortie : le référent a alors une visite en ville à
    faire dans les 7 jours. L'équipe de soins, le référent, la coordination ; 409 sur une
    inclusion close."""
    cpts = inclusions_access(request, cpts_id)
    inclusion = visible_inclusion(request, cpts, inclusion_id)
    with refusals_as_409("admitted_on", "discharged_on"):
        stay = care.record_stay(
            inclusion, by=request.auth, admitted_on=payload.admitted_on, discharged_on=payload.discharged_on
        )
    return Status(201, stay_dict(stays_of(inclusion).get(pk=stay.pk)))


@router.post(
    "/cpts/{int:cpts_id}/hospital-stays/{int:stay_id}/discharge",
    response=StayOut,
    summary="Noter la sortie d'hospitalisation",
)
def discharge(request, cpts_id: int, stay_id: int, payload: DischargeIn):
    """Le jour de la sortie : la visite en ville est due dans les 7 jours. Une sortie déjà notée
    ou une inclusion close : 409 ; une sortie avant l'entrée : 422 sur `discharged_on`."""
    cpts = inclusions_access(request, cpts_id)
    stays = HospitalStay.objects.filter(inclusion__in=visible_inclusions(request, cpts).values("pk"))
    stay = first_or_404(stays.select_related("inclusion__lead").filter(pk=stay_id), STAY_NOT_FOUND)
    if stay.inclusion.status != InclusionStatus.ACTIVE:
        raise HttpError(409, STAY_CLOSED)
    if stay.discharged_on:
        raise HttpError(409, ALREADY_DISCHARGED)
    with refusals_as_409("discharged_on"):
        care.record_discharge(stay, discharged_on=payload.discharged_on)
    return stay_dict(stays_of(stay.inclusion).get(pk=stay.pk))


# --- Timeline ------------------------------------------------------------------------------


@router.get(
    "/cpts/{int:cpts_id}/pathway-inclusions/{int:inclusion_id}/timeline",
    response=TimelinePageOut,
    summary="Le parcours d'un patient, daté",
)
def timeline(request, cpts_id: int, inclusion_id: int, page: PageNumber = 1, page_size: PageSize = 100):
    """Tout le parcours en une liste, par date : l'inclusion, les tâches (à faire, en retard,
    faites, annulées), les versions du PPCS, les hospitalisations, les ruptures et leur
    résolution, la clôture. La lecture est journalisée."""
    cpts = inclusions_access(request, cpts_id)
    inclusion = visible_inclusion(request, cpts, inclusion_id)
    shown, count = page_of(selectors.timeline(inclusion), page, page_size)
    services.record_inclusion_reads([inclusion], TIMELINE_FIELDS, note="parcours (API)")
    return {"items": [moment_dict(moment) for moment in shown], "count": count}
