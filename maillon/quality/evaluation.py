"""The evaluation of one patient's path (« évaluation de parcours », mission 5): a read-only walk
of an inclusion's timeline, running or closed, that lists its breaks and delays — for a case
conference, a practice-analysis group or the coordination's own review.

What it finds (each a `Finding`, by date):

- `late_task_done`: a care task done after its tolerance (`late_from`); the delay counts from
  its due date;
- `late_task_open`: a care task still to do past its tolerance at the end of the evaluation
  (today, or the closing of the inclusion);
- `missed_review`: a PPCS version whose reassessment date passed before the next version was
  written (or is past, for the last one);
- `stay_without_visit`: a hospital stay without a care task done in the 7 days after the
  discharge (the delay counts to the first one done after, or to the end);
- `care_break`: each break the daily scan recorded, with its resolution (its duration is in the
  detail, not in the delays: the other findings count them already);
- `gap`: more than 90 days without contact (inclusion, a task done, a PPCS version, a stay, a
  conference held) while the inclusion was active; the delay is the days beyond 90.

The caller has checked who may see the inclusion (`policies.can_evaluate_pathway`) and journals
the read. A bounded number of queries whatever the length of the path (the timeline's)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from maillon.pathways.models import HOSPITAL_FOLLOW_UP_DAYS, BreakStatus, CareTaskStatus
from maillon.pathways.selectors import Moment, timeline

FINDING_KINDS = {
    "late_task_done": "Tâche faite en retard",
    "late_task_open": "Tâche en retard, toujours à faire",
    "missed_review": "Réévaluation du PPCS manquée",
    "stay_without_visit": "Pas de visite dans les 7 jours après une hospitalisation",
    "care_break": "Rupture repérée",
    "gap": "Période sans contact",
}
GAP_DAYS = 90
# The moments that are a contact with the patient (for the `gap` finding).
CONTACT_KINDS = {"included", "task_done", "plan", "stay_admitted", "stay_discharged", "conference"}


@dataclass(frozen=True)
class Finding:
    on: datetime.date
    kind: str
    kind_label: str
    title: str
    detail: str = ""
    delay_days: int | None = None


@dataclass
class Evaluation:
    inclusion: object
    findings: list[Finding]
    moments: list[Moment]
    counts: dict[str, int]
    delay_days_total: int
    # The last day the evaluation looks at: the closing of the inclusion, or today.
    until: datetime.date = field(default_factory=timezone.localdate)

    @property
    def count_total(self) -> int:
        return len(self.findings)


def _days(count: int) -> str:
    return f"{count} jour{'s' if count > 1 else ''}"


def _finding(on, kind, title, detail="", delay_days=None) -> Finding:
    return Finding(on, kind, FINDING_KINDS[kind], title, detail, delay_days)


def _task_findings(tasks, until) -> list[Finding]:
    found = []
    for task in tasks:
        if task.stay_id:  # the visit after a stay: `stay_without_visit` says it
            continue
        if task.status == CareTaskStatus.DONE and task.done_on and task.done_on > task.late_from:
            delay = (task.done_on - task.due_on).days
            detail = f"Prévue le {task.due_on:%d/%m/%Y}, faite le {task.done_on:%d/%m/%Y} ({_days(delay)} de retard)."
            found.append(_finding(task.done_on, "late_task_done", task.title, detail, delay))
        elif task.status == CareTaskStatus.TODO and task.late_from < until:
            delay = (until - task.due_on).days
            detail = f"Prévue le {task.due_on:%d/%m/%Y}, toujours à faire ({_days(delay)} de retard)."
            found.append(_finding(task.due_on, "late_task_open", task.title, detail, delay))
    return found


def _review_findings(plans, until) -> list[Finding]:
    plans = sorted(plans, key=lambda plan: plan.version)
    found = []
    for index, plan in enumerate(plans):
        following = plans[index + 1] if index + 1 < len(plans) else None
        due = plan.next_review_on
        title = f"PPCS version {plan.version}"
        if following is not None:
            written = timezone.localdate(following.written_at)
            if written > due:
                delay = (written - due).days
                detail = (
                    f"Réévaluation prévue le {due:%d/%m/%Y}, version {following.version} écrite le "
                    f"{written:%d/%m/%Y} ({_days(delay)} de retard)."
                )
                found.append(_finding(due, "missed_review", title, detail, delay))
        elif due < until:
            delay = (until - due).days
            detail = f"Réévaluation prévue le {due:%d/%m/%Y}, pas de nouvelle version ({_days(delay)} de retard)."
            found.append(_finding(due, "missed_review", title, detail, delay))
    return found


def _stay_findings(stays, tasks, until) -> list[Finding]:
    follow_up = datetime.timedelta(days=HOSPITAL_FOLLOW_UP_DAYS)
    done = sorted(task.done_on for task in tasks if task.status == CareTaskStatus.DONE and task.done_on)
    found = []
    for stay in stays:
        if not stay.discharged_on:
            continue
        limit = stay.discharged_on + follow_up
        if limit >= until:
            continue  # the 7 days are not over
        visits = [day for day in done if day >= stay.discharged_on]
        if visits and visits[0] <= limit:
            continue
        title = f"Hospitalisation du {stay.admitted_on:%d/%m/%Y} au {stay.discharged_on:%d/%m/%Y}"
        if visits:
            delay = (visits[0] - limit).days
            detail = f"Première visite le {visits[0]:%d/%m/%Y} ({_days(delay)} au-delà des 7 jours)."
        else:
            delay = (until - limit).days
            detail = f"Aucune visite notée depuis la sortie ({_days(delay)} au-delà des 7 jours)."
        found.append(_finding(stay.discharged_on, "stay_without_visit", title, detail, delay))
    return found


def _break_findings(care_breaks, moments, until) -> list[Finding]:
    labels = {moment.object_id: moment.detail for moment in moments if moment.kind == "break"}
    found = []
    for care_break in care_breaks:
        subject = labels.get(care_break.pk, "")
        title = care_break.get_kind_display() + (f" — {subject}" if subject else "")
        if care_break.status == BreakStatus.RESOLVED and care_break.resolved_on:
            length = (care_break.resolved_on - care_break.detected_on).days
            detail = f"Résolue le {care_break.resolved_on:%d/%m/%Y} après {_days(length)} : {care_break.resolution}"
        else:
            length = (until - care_break.detected_on).days
            detail = f"Non résolue ({_days(length)} depuis son repérage)."
        found.append(_finding(care_break.detected_on, "care_break", title, detail))
    return found


def _gap_findings(moments, until) -> list[Finding]:
    days = sorted({moment.on for moment in moments if moment.kind in CONTACT_KINDS and moment.on <= until})
    found = []
    for index, start in enumerate(days):
        end = days[index + 1] if index + 1 < len(days) else until
        length = (end - start).days
        if length > GAP_DAYS:
            ending = "à ce jour" if end == until else f"jusqu'au {end:%d/%m/%Y}"
            detail = f"Aucun contact noté du {start:%d/%m/%Y} {ending} ({_days(length)})."
            found.append(_finding(start, "gap", f"{_days(length)} sans contact", detail, length - GAP_DAYS))
    return found


def evaluate(inclusion, today=None) -> Evaluation:
    """The breaks and delays of `inclusion`'s path up to today, or to its closing."""
    today = today or timezone.localdate()
    until = min(inclusion.closed_on, today) if inclusion.closed_on else today
    tasks = list(inclusion.care_tasks.all())
    plans = list(inclusion.plans.all())
    stays = list(inclusion.hospital_stays.all())
    care_breaks = list(inclusion.breaks.all())
    moments = timeline(inclusion, tasks=tasks, plans=plans, stays=stays, care_breaks=care_breaks, today=today)
    findings = (
        _task_findings(tasks, until)
        + _review_findings(plans, until)
        + _stay_findings(stays, tasks, until)
        + _break_findings(care_breaks, moments, until)
        + _gap_findings(moments, until)
    )
    order = {kind: rank for rank, kind in enumerate(FINDING_KINDS)}
    findings.sort(key=lambda finding: (finding.on, order[finding.kind], finding.title))
    counts = dict.fromkeys(FINDING_KINDS, 0)
    for finding in findings:
        counts[finding.kind] += 1
    return Evaluation(
        inclusion=inclusion,
        findings=findings,
        moments=moments,
        counts=counts,
        delay_days_total=sum(finding.delay_days or 0 for finding in findings),
        until=until,
    )
