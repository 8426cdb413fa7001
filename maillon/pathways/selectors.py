"""Reads of the care pathways: the programmes other CPTS share, for a user who holds a role in
at least one CPTS (the right is the one of `policies.can_see_programmes`); the labels of many
breaks at once and a patient's timeline, for the API and the pages (the caller has checked who
may see the inclusion, and journals the read)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from maillon.core.models import CptsRole
from maillon.members.professions import Profession

from . import policies
from .models import CarePlan, CareTask, CareTaskStatus, HospitalStay, Programme


def can_see_shared_programmes(user) -> bool:
    """Any role in a CPTS: its coordinators copy a shared programme, its members read it."""
    if user is None or not user.is_authenticated:
        return False
    cpts_ids = CptsRole.objects.filter(user=user).values_list("cpts_id", flat=True)
    return any(policies.can_see_programmes(user, cpts_id) for cpts_id in cpts_ids)


def shared_programmes(user):
    """The current versions of the programmes CPTS share, for a user who may see them."""
    if not can_see_shared_programmes(user):
        return Programme.objects.none()
    return Programme.objects.shared().select_related("cpts")


# --- Reads of one inclusion's work (the API, the pages) --------------------------------------


def subject_labels(breaks) -> dict[int, str]:
    """{break pk: what its subject names, in French} for many breaks in at most three queries."""
    breaks = list(breaks)
    wanted = {"task": set(), "plan": set(), "stay": set()}
    for care_break in breaks:
        kind, _, value = care_break.subject.partition(":")
        if kind in wanted and value.isdigit():
            wanted[kind].add(int(value))
    tasks = CareTask.objects.filter(pk__in=wanted["task"]).only("title", "due_on").in_bulk()
    plans = CarePlan.objects.filter(pk__in=wanted["plan"]).only("version", "next_review_on").in_bulk()
    stays = HospitalStay.objects.filter(pk__in=wanted["stay"]).only("discharged_on").in_bulk()
    labels = {}
    for care_break in breaks:
        kind, _, value = care_break.subject.partition(":")
        found = {"task": tasks, "plan": plans, "stay": stays}.get(kind, {}).get(int(value) if value.isdigit() else 0)
        labels[care_break.pk] = _label(kind, value, found)
    return labels


def _label(kind: str, value: str, found) -> str:
    if kind == "profession":
        return dict(Profession.choices).get(value, value)
    if found is None:
        return ""
    if kind == "task":
        return f"{found.title} (pour le {found.due_on:%d/%m/%Y})"
    if kind == "plan":
        return f"PPCS v{found.version}, à réévaluer le {found.next_review_on:%d/%m/%Y}"
    return f"sortie le {found.discharged_on:%d/%m/%Y}" if found.discharged_on else ""


@dataclass(frozen=True)
class Moment:
    """One line of a patient's path: what happened (or is due) on a day, and what it is about."""

    on: datetime.date
    kind: str
    title: str
    detail: str = ""
    object_type: str = ""
    object_id: int | None = None


MOMENT_KINDS = {
    "included": "Inclusion",
    "task_done": "Tâche faite",
    "task_due": "Tâche à faire",
    "task_late": "Tâche en retard",
    "task_cancelled": "Tâche annulée",
    "plan": "PPCS",
    "stay_admitted": "Entrée à l'hôpital",
    "stay_discharged": "Sortie d'hôpital",
    "break": "Rupture repérée",
    "break_resolved": "Rupture résolue",
    "closed": "Clôture",
}
ORDER = {kind: rank for rank, kind in enumerate(MOMENT_KINDS)}

# What apps above pathways add to a patient's path (a case conference and its decisions:
# maillon/quality), without pathways importing them: `source(inclusion, today)` gives Moments.
_moment_sources = []


def register_moments(kinds: dict[str, str], source) -> None:
    """Add moment kinds (code → French label, ranked after pathways' own on a same day) and the
    function that lists them for an inclusion. Called from an app's `ready()`."""
    for kind, label in kinds.items():
        if kind not in MOMENT_KINDS:
            MOMENT_KINDS[kind] = label
            ORDER[kind] = len(ORDER)
    if source not in _moment_sources:
        _moment_sources.append(source)


def _task_moment(task, today) -> Moment:
    if task.status == CareTaskStatus.DONE:
        return Moment(task.done_on, "task_done", task.title, task.outcome, "care_task", task.pk)
    if task.status == CareTaskStatus.CANCELLED:
        return Moment(task.due_on, "task_cancelled", task.title, task.who, "care_task", task.pk)
    kind = "task_late" if task.late_from < today else "task_due"
    return Moment(task.due_on, kind, task.title, task.who, "care_task", task.pk)


def timeline(inclusion, *, tasks=None, plans=None, stays=None, care_breaks=None, today=None) -> list[Moment]:
    """The patient's whole path in one list, by date: the inclusion, every care task (due, done
    or cancelled), every PPCS version, hospital stays, breaks and their resolution, the closing,
    and what registered sources add (`register_moments`: case conferences, one query each).
    The inclusion comes with its `programme` loaded; the rows a caller has read already (a page
    showing them) are passed, the others read here: five queries at most whatever its length."""
    today = today or timezone.localdate()
    tasks = inclusion.care_tasks.all() if tasks is None else tasks
    plans = inclusion.plans.all() if plans is None else plans
    stays = inclusion.hospital_stays.all() if stays is None else stays
    breaks = list(inclusion.breaks.all() if care_breaks is None else care_breaks)
    programme = inclusion.programme
    moments = [
        Moment(inclusion.included_on, "included", f"{programme.name} (version {programme.version})", "", "inclusion")
    ]
    moments += [_task_moment(task, today) for task in tasks]
    for plan in plans:
        review = f"Prochaine réévaluation le {plan.next_review_on:%d/%m/%Y}"
        moments.append(
            Moment(timezone.localdate(plan.written_at), "plan", f"PPCS version {plan.version}", review, "plan", plan.pk)
        )
    for stay in stays:
        moments.append(Moment(stay.admitted_on, "stay_admitted", "Hospitalisation", "", "hospital_stay", stay.pk))
        if stay.discharged_on:
            moments.append(
                Moment(stay.discharged_on, "stay_discharged", "Hospitalisation", "", "hospital_stay", stay.pk)
            )
    labels = subject_labels(breaks)
    for care_break in breaks:
        title = care_break.get_kind_display()
        moments.append(
            Moment(care_break.detected_on, "break", title, labels[care_break.pk], "care_break", care_break.pk)
        )
        if care_break.resolved_on:
            moments.append(
                Moment(
                    care_break.resolved_on, "break_resolved", title, care_break.resolution, "care_break", care_break.pk
                )
            )
    if inclusion.closed_on:
        moments.append(Moment(inclusion.closed_on, "closed", inclusion.get_close_reason_display(), "", "inclusion"))
    for source in _moment_sources:
        moments += source(inclusion, today)
    return sorted(moments, key=lambda moment: (moment.on, ORDER[moment.kind], moment.object_id or 0))
