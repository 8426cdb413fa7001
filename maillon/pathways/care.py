"""The work of a pathway: the programme's steps made care tasks for the team, the PPCS and
its versions, hospital stays. Called by `services.include_patient` and by the pages and the
API; every write is journaled by the models.

When a step falls due:
- « après l'inclusion »: the inclusion date plus the step's delay;
- « après l'étape précédente »: the previous step's due date plus the delay, moved to its
  done date plus the delay once the previous step is done;
- « à intervalle régulier »: first the inclusion date plus the delay, then each time the
  task is done, its done date plus the delay (the next occurrence is created then).
A task is late after its due date plus the step's tolerance (`late_from`).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import (
    HOSPITAL_FOLLOW_UP_DAYS,
    ActionKind,
    Anchor,
    CarePlan,
    CarePlanAction,
    CareTask,
    CareTaskStatus,
    HospitalStay,
    InclusionStatus,
)

LEAD_ROLES = {"référent", "referent"}
STAY_VISIT_TITLE = "Visite en ville après la sortie d'hospitalisation"


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def team_by_profession(inclusion, day: datetime.date) -> dict:
    """{profession: the first adherent of it in the care team on `day`}, read once for all the
    steps being scheduled."""
    members = inclusion.care_team.on(day).filter(membership__professional__isnull=False)
    found = {}
    for member in members.select_related("membership__professional").order_by("starts_on", "pk"):
        found.setdefault(member.membership.professional.profession, member.membership)
    return found


def assignee_for(inclusion, step, team: dict):
    """Who does this step: the lead for a « référent » step, else the team's adherent of the
    step's profession; None lets the coordination assign it."""
    if step.role.strip().lower() in LEAD_ROLES:
        return inclusion.lead
    return team.get(step.profession) if step.profession else None


def _task(inclusion, *, due_on, tolerance, **fields):
    """A task of the inclusion (`fields`: title, who, step or stay), late after the tolerance."""
    late_from = due_on + days(tolerance)
    return CareTask(cpts_id=inclusion.cpts_id, inclusion=inclusion, due_on=due_on, late_from=late_from, **fields)


def _step_task(inclusion, step, due_on, team: dict):
    who = {name: getattr(step, name) for name in ("title", "profession", "role")}
    assignee = assignee_for(inclusion, step, team)
    return _task(inclusion, due_on=due_on, tolerance=step.tolerance_days, step=step, assignee=assignee, **who)


def schedule_tasks(inclusion, start=None) -> list[CareTask]:
    """The first task of every step of the inclusion's programme version, counted from the
    inclusion (or from `start`: the day the patient moved to this version)."""
    start = start or inclusion.included_on
    team = team_by_profession(inclusion, start)
    tasks, previous_due = [], start
    for step in inclusion.programme.steps.order_by("position"):
        base = previous_due if step.anchor == Anchor.PREVIOUS else start
        task = _step_task(inclusion, step, base + days(step.offset_days), team)
        tasks.append(task)
        previous_due = task.due_on
    for task in tasks:
        task.save()
    return tasks


@transaction.atomic
def complete_task(task: CareTask, *, by, outcome: str, on=None) -> None:
    """Mark a task done with its short outcome; the next step after it moves to the done date,
    a recurring step gets its next occurrence."""
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"done_on": "Faite le : la date ne peut pas être dans le futur."})
    if not outcome.strip():
        raise ValidationError({"outcome": "Résultat : dites en quelques mots ce qui a été fait."})
    task.workflow.run(task, "complete", by=by, changes={"done_on": on, "outcome": outcome.strip()})
    step = task.step
    if step is None or task.inclusion.status != InclusionStatus.ACTIVE:
        return
    if step.anchor == Anchor.RECURRING:
        # The next occurrence goes to whoever of the profession is in the team now.
        team = team_by_profession(task.inclusion, timezone.localdate())
        _step_task(task.inclusion, step, on + days(step.offset_days), team).save()
    following = step.programme.steps.filter(position=step.position + 1, anchor=Anchor.PREVIOUS).first()
    if following is not None:
        for waiting in CareTask.objects.filter(inclusion=task.inclusion, step=following, status=CareTaskStatus.TODO):
            waiting.due_on = on + days(following.offset_days)
            waiting.late_from = waiting.due_on + days(following.tolerance_days)
            waiting.save(update_fields=["due_on", "late_from"])


# --- PPCS ----------------------------------------------------------------------------------


@transaction.atomic
def revise_plan(inclusion, *, by, next_review_on, assessment=None, problems="", goals="", actions=()) -> CarePlan:
    """A new version of the patient's PPCS (the first one, or the next): the assessment by
    dimension, problems and needs, goals, actions (dicts: kind, description, owner, due_on)
    and the next reassessment date. Earlier versions stay as they were."""
    if inclusion.status != InclusionStatus.ACTIVE:
        raise ValidationError({"inclusion": "PPCS : l'inclusion est close."})
    if next_review_on <= timezone.localdate():
        raise ValidationError({"next_review_on": "Prochaine réévaluation : choisissez une date à venir."})
    last = inclusion.plans.select_for_update().order_by("-version").first()
    plan = CarePlan(
        inclusion=inclusion,
        version=(last.version + 1) if last else 1,
        assessment={key: value for key, value in (assessment or {}).items() if value},
        problems=problems,
        goals=goals,
        next_review_on=next_review_on,
        written_by=by,
    )
    plan.full_clean(exclude=["inclusion"])
    plan.save()
    rows = [CarePlanAction(plan=plan, **action) for action in actions]
    for row in rows:
        if row.kind not in ActionKind.values:
            raise ValidationError({"kind": "Nature : choisissez soins, prévention ou accompagnement social."})
        row.full_clean(exclude=["plan"])
    CarePlanAction.objects.bulk_create(rows)
    return plan


def current_plan(inclusion) -> CarePlan | None:
    return inclusion.plans.order_by("-version").first()


# --- Hospital stays ------------------------------------------------------------------------


@transaction.atomic
def record_stay(inclusion, *, by, admitted_on, discharged_on=None) -> HospitalStay:
    """A hospital stay; once discharged, the lead has a town visit to make within 7 days."""
    if inclusion.status != InclusionStatus.ACTIVE:
        raise ValidationError({"inclusion": "Hospitalisation : l'inclusion est close."})
    stay = HospitalStay(inclusion=inclusion, admitted_on=admitted_on, discharged_on=discharged_on, recorded_by=by)
    stay.full_clean()
    stay.save()
    if discharged_on:
        schedule_stay_visit(stay)
    return stay


@transaction.atomic
def record_discharge(stay: HospitalStay, *, discharged_on) -> None:
    if stay.inclusion.status != InclusionStatus.ACTIVE:
        raise ValidationError({"inclusion": "Hospitalisation : l'inclusion est close."})
    if stay.discharged_on:
        raise ValidationError({"discharged_on": "Sortie : elle est déjà notée."})
    stay.discharged_on = discharged_on
    stay.full_clean()
    stay.save(update_fields=["discharged_on"])
    schedule_stay_visit(stay)


def schedule_stay_visit(stay: HospitalStay) -> CareTask:
    inclusion = stay.inclusion
    due_on = stay.discharged_on + days(HOSPITAL_FOLLOW_UP_DAYS)
    task = _task(
        inclusion,
        title=STAY_VISIT_TITLE,
        due_on=due_on,
        tolerance=0,
        role="Référent",
        assignee=inclusion.lead,
        stay=stay,
    )
    task.save()
    return task
