"""Background work of the médecin traitant desk (django_tasks; the same as `manage.py mt_daily`).

- `mt_daily`: expire and purge, then (with `run_engine`) the fan-out: one `propose_for_cpts`
  task per CPTS whose schedule says today. Registered with the periodic scheduler
  (`maillon.core.scheduler`, in `MtConfig.ready()`).
- `propose_for_cpts`: one partition of the problem, one CPTS's scheduled run. Any number of
  `db_worker` processes share these tasks (the database backend hands each to one worker);
  a task run twice the same day does nothing the second time.

Arguments and results are ids, dates and counts: nothing personal reaches the task store.
"""

import datetime

from django.utils import timezone
from django_tasks import task

from . import services


@task()
def propose_for_cpts(cpts_id: int, day: str) -> dict:
    run = services.propose_on_schedule(cpts_id, datetime.date.fromisoformat(day))
    return {"cpts_id": cpts_id, "run_id": run.pk if run else None, "proposals": run.proposals_made if run else 0}


def enqueue_scheduled_runs(day: datetime.date | None = None) -> int:
    """The fan-out: one task per CPTS due `day` (default today); how many were enqueued."""
    day = day or timezone.localdate()
    due = services.cpts_due_for_engine(day)
    for cpts_id in due:
        propose_for_cpts.enqueue(cpts_id, day.isoformat())
    return len(due)


def daily(*, run_engine: bool = False, now=None) -> dict:
    result = services.daily(now=now)
    if run_engine:
        result["runs_enqueued"] = enqueue_scheduled_runs(timezone.localdate(now))
    return result


@task()
def mt_daily(run_engine: bool = False) -> dict:
    """Counts only: nothing personal reaches the task result store."""
    return daily(run_engine=run_engine)
