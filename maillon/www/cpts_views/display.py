"""Presentation of a CPTS shared by its public page and its members' pages."""

from dataclasses import dataclass

from maillon.core.models import LIFECYCLE_ORDER, CptsStatus


@dataclass(frozen=True)
class LifecycleRow:
    status: str
    label: str
    date: object  # datetime.date or None
    state: str  # "done", "current" or "todo"


def lifecycle_rows(cpts, steps) -> list[LifecycleRow]:
    """Each step of the national lifecycle with the date it was reached (the latest recorded)."""
    dates = {step.to_status: step.date for step in sorted(steps, key=lambda step: (step.date, step.at, step.pk))}
    dissolved = cpts.status == CptsStatus.DISSOLVED
    current = None if dissolved else LIFECYCLE_ORDER.index(cpts.status)
    rows = []
    for index, status in enumerate(LIFECYCLE_ORDER):
        if dissolved:
            state = "done" if status in dates else "todo"
        else:
            state = "done" if index < current else "current" if index == current else "todo"
        rows.append(LifecycleRow(status.value, status.label, dates.get(status), state))
    if dissolved:
        rows.append(
            LifecycleRow(
                CptsStatus.DISSOLVED.value, CptsStatus.DISSOLVED.label, dates.get(CptsStatus.DISSOLVED), "current"
            )
        )
    return rows


def stepper(cpts) -> dict | None:
    """Data of the DSFR stepper: step n of 5 and the next one; None once dissolved."""
    if cpts.status == CptsStatus.DISSOLVED:
        return None
    index = LIFECYCLE_ORDER.index(cpts.status)
    following = LIFECYCLE_ORDER[index + 1].label if index + 1 < len(LIFECYCLE_ORDER) else None
    return {"current": index + 1, "total": len(LIFECYCLE_ORDER), "title": cpts.get_status_display(), "next": following}
