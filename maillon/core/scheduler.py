"""A small periodic scheduler: each registered task is enqueued once a day, at or after its
hour, or every N minutes.

    from maillon.core.scheduler import register_periodic
    register_periodic("mt_daily", task=tasks.mt_daily, hour=6, kwargs={"run_engine": True})
    register_periodic("snp_escalate", task=tasks.escalate_overdue, every_minutes=5)

Register in the app's `AppConfig.ready()`. `manage.py run_scheduler` checks every minute (or
once with `--once`, for cron) and enqueues every task whose hour has come today (Europe/Paris)
and that was not enqueued today yet, and every interval task whose current slot of N minutes
was not enqueued yet. The claim is a `ScheduledRun(name, day)` row (an interval task's name
carries its slot, « snp_escalate@10:35 ») with a unique
constraint, written in the same transaction as the enqueue (the task queue is in the same
database): a restart, or two schedulers on two machines, never enqueue a task twice a day, and
a scheduler started late still enqueues the day's tasks. The tasks do the work in the workers
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

    def claim_name(self, local: datetime.datetime) -> str:
        """The name claimed for `local` time: the task's, or its slot's for an interval task."""
        if self.every_minutes is None:
            return self.name
        minutes = (local.hour * 60 + local.minute) // self.every_minutes * self.every_minutes
        return f"{self.name}@{minutes // 60:02d}:{minutes % 60:02d}"


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
    local = timezone.localtime(now)
    day = local.date()
    enqueued = []
    for periodic in due(now):
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=periodic.claim_name(local), day=day, enqueued_at=now)
                periodic.task.enqueue(**periodic.kwargs)
        except IntegrityError:  # already enqueued today (here or by another scheduler)
            continue
        logger.info("scheduled task %s enqueued for %s", periodic.name, day)
        enqueued.append(periodic.name)
    # The claims of interval tasks pile up (288 a day at 5 minutes): keep a week.
    ScheduledRun.objects.filter(day__lt=day - datetime.timedelta(days=CLAIMS_KEPT_DAYS)).delete()
    return enqueued
