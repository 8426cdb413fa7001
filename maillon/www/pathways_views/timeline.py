"""The whole path of a patient as one timeline, from what the inclusion page has read already
(its tasks, PPCS versions, stays and breaks): the inclusion, each task due or done, each PPCS
version, stays in and out, breaks found and resolved, the closing — by date, then in that order."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from maillon.pathways.models import CareTaskStatus


@dataclass(frozen=True)
class Event:
    day: datetime.date
    label: str
    detail: str = ""
    kind: str = ""  # "task", "plan", "stay", "break", "inclusion": for the badge's colour
    late: bool = False


def path_of(inclusion, *, tasks, plans, stays, care_breaks, today=None) -> list[Event]:
    today = today or timezone.localdate()
    events = [Event(inclusion.included_on, "Inclusion dans le parcours", inclusion.programme.name, "inclusion")]
    for task in tasks:
        if task.status == CareTaskStatus.DONE:
            events.append(Event(task.done_on, f"Tâche faite : {task.title}", task.outcome, "task"))
        elif task.status == CareTaskStatus.CANCELLED:
            events.append(Event(task.due_on, f"Tâche annulée : {task.title}", "", "task"))
        else:
            late = task.late_from < today
            events.append(Event(task.due_on, f"Tâche prévue : {task.title}", task.who, "task", late))
    for plan in plans:
        detail = f"prochaine réévaluation le {plan.next_review_on:%d/%m/%Y}"
        events.append(Event(timezone.localdate(plan.written_at), f"PPCS, version {plan.version}", detail, "plan"))
    for stay in stays:
        events.append(Event(stay.admitted_on, "Entrée à l'hôpital", "", "stay"))
        if stay.discharged_on:
            events.append(Event(stay.discharged_on, "Sortie de l'hôpital", "", "stay"))
    for care_break in care_breaks:
        events.append(Event(care_break.detected_on, f"Rupture : {care_break.get_kind_display()}", "", "break"))
        if care_break.resolved_on:
            events.append(Event(care_break.resolved_on, "Rupture résolue", care_break.resolution, "break"))
    if inclusion.closed_on:
        events.append(Event(inclusion.closed_on, "Clôture", inclusion.get_close_reason_display(), "inclusion"))
    order = {"inclusion": 0, "plan": 1, "stay": 2, "task": 3, "break": 4}
    return sorted(events, key=lambda event: (event.day, event.label == "Clôture", order[event.kind]))
