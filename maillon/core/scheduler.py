"""A small periodic scheduler: each registered task is enqueued once a day, at or after its
hour, or every N minutes.

    from maillon.core.scheduler import register_periodic
    register_periodic("mt_daily", task=tasks.mt_daily, hour=6, kwargs={"run_engine": True})
    register_periodic("snp_escalate", task=tasks.escalate_overdue, every_minutes=5)

Register in the app's `AppConfig.ready()`. `manage.py run_scheduler` checks every minute (or
once with `--once`, for cron) and enqueues every task whose hour has come today (Europe/Paris)
and that was not enqueued today yet, and every interval task whose current slot of N minutes
was not enqueued yet. The claim is a `ScheduledRun(name, day)` row with a unique constraint,
written in the same transaction as the enqueue (the task queue is in the same database): a
restart, or two schedulers on two machines, never enqueue a task twice a day, and a scheduler
started late still enqueues the day's tasks. A daily task claims its local day; an interval
task claims its slot counted from the epoch in UTC (« snp_escalate@5929451 », day: the UTC
date), so the hour repeated when clocks go back is two slots, not one. A task whose enqueue
fails is logged and keeps its claim: the loop goes on with the other tasks. The tasks do the work in the workers
(`db_worker`); keep their arguments free of anything personal (they are stored in the queue).
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    task: object  # a django_tasks Task
    hour: int | None
    kwargs: dict = field(default_factory=dict)
    every_minutes: int | None = None

    def claim(self, now: datetime.datetime) -> tuple[str, datetime.date]:
        """(name, day) claimed at `now`: the task's name and the local day for a daily task;
        for an interval task, its slot numbered from the epoch and the UTC day (local wall
        time repeats an hour when clocks go back)."""
        if self.every_minutes is None:
            return self.name, timezone.localtime(now).date()
        slot = int(now.timestamp()) // (60 * self.every_minutes)
        return f"{self.name}@{slot}", now.astimezone(datetime.UTC).date()


_registry: dict[str, Periodic] = {}
CLAIMS_KEPT_DAYS = 7


def register_periodic(
    name: str, *, task, hour: int | None = None, every_minutes: int | None = None, kwargs: dict | None = None
) -> Periodic:
    """Enqueue `task` (with `kwargs`) once a day from `hour` o'clock (0–23, local time), or
    every `every_minutes` (a divisor of 60 or of a day, 1–720: slots start at midnight).
    Registering a name again replaces it (`ready()` may run more than once in tests)."""
    if (hour is None) == (every_minutes is None):
        raise ValueError("give either hour or every_minutes")
    if hour is not None and not 0 <= hour <= 23:
        raise ValueError(f"hour must be 0–23, not {hour}")
    if every_minutes is not None and not 1 <= every_minutes <= 720:
        raise ValueError(f"every_minutes must be 1–720, not {every_minutes}")
    periodic = Periodic(name, task, hour, dict(kwargs or {}), every_minutes)
    _registry[name] = periodic
    return periodic


def registered() -> list[Periodic]:
    return sorted(_registry.values(), key=lambda periodic: (periodic.hour or 0, periodic.name))


def due(now: datetime.datetime | None = None) -> list[Periodic]:
    """The registered tasks whose hour has come today."""
    hour = timezone.localtime(now or timezone.now()).hour
    return [periodic for periodic in registered() if periodic.hour is None or periodic.hour <= hour]


def run_pending(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue each due task not yet enqueued today; the names enqueued."""
    from .models import ScheduledRun  # models are not ready when apps register

    now = now or timezone.now()
    day = timezone.localtime(now).date()
    enqueued = []
    for periodic in due(now):
        name, claim_day = periodic.claim(now)
        with transaction.atomic():  # the claim and the enqueue commit together
            try:
                with transaction.atomic():
                    ScheduledRun.objects.create(name=name, day=claim_day, enqueued_at=now)
            except IntegrityError:  # already claimed (here or by another scheduler)
                continue
            try:
                # Its own savepoint: an inline backend runs the task here, and its failure
                # must neither stop the loop nor undo the claim (no retry every minute).
                with transaction.atomic():
                    periodic.task.enqueue(**periodic.kwargs)
            except Exception:
                logger.exception("scheduled task %s failed to enqueue", periodic.name)
                continue
        logger.info("scheduled task %s enqueued for %s", periodic.name, claim_day)
        enqueued.append(periodic.name)
    # The claims of interval tasks pile up (288 a day at 5 minutes): keep a week.
    ScheduledRun.objects.filter(day__lt=day - datetime.timedelta(days=CLAIMS_KEPT_DAYS)).delete()
    return enqueued
