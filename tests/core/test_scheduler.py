"""The periodic scheduler: each registered task is enqueued once a day, at or after its hour,
whatever the restarts or the number of schedulers (the ScheduledRun row is the claim)."""

import datetime
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from maillon.core import scheduler
from maillon.core.models import ScheduledRun
from maillon.mt import tasks as mt_tasks

pytestmark = pytest.mark.django_db


class FakeTask:
    def __init__(self):
        self.calls = []

    def enqueue(self, **kwargs):
        self.calls.append(kwargs)


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(scheduler, "_registry", {})
    return scheduler


def at(day: int, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 11, day, hour, 5))


def test_a_task_is_enqueued_once_a_day_from_its_hour(registry):
    task = FakeTask()
    registry.register_periodic("sweep", task=task, hour=6, kwargs={"deep": True})
    assert registry.run_pending(at(23, 5)) == []
    assert registry.run_pending(at(23, 6)) == ["sweep"]
    assert registry.run_pending(at(23, 7)) == []
    assert registry.run_pending(at(24, 6)) == ["sweep"]
    assert task.calls == [{"deep": True}, {"deep": True}]
    assert ScheduledRun.objects.count() == 2


def test_a_scheduler_started_late_still_enqueues_the_day_and_another_scheduler_does_not_repeat_it(registry):
    task = FakeTask()
    registry.register_periodic("sweep", task=task, hour=6)
    ScheduledRun.objects.create(name="sweep", day=datetime.date(2026, 11, 23))  # another scheduler's claim
    assert registry.run_pending(at(23, 22)) == []
    assert registry.run_pending(at(24, 23)) == ["sweep"]
    assert task.calls == [{}]


def test_tasks_run_in_order_of_hour_and_an_hour_out_of_range_is_refused(registry):
    registry.register_periodic("late", task=FakeTask(), hour=20)
    registry.register_periodic("early", task=FakeTask(), hour=1)
    assert [periodic.name for periodic in registry.registered()] == ["early", "late"]
    with pytest.raises(ValueError):
        registry.register_periodic("bad", task=FakeTask(), hour=24)


def test_the_mt_desk_registers_its_daily_task_with_the_engine():
    [periodic] = [periodic for periodic in scheduler.registered() if periodic.name == "mt_daily"]
    assert periodic.task is mt_tasks.mt_daily and periodic.kwargs == {"run_engine": True}


def test_run_scheduler_once_enqueues_what_is_due(registry, monkeypatch):
    task = FakeTask()
    registry.register_periodic("sweep", task=task, hour=0)
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "Mis en file : sweep." in out.getvalue()
    call_command("run_scheduler", "--once", stdout=out)
    assert len(task.calls) == 1


def minute(day: int, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 11, day, hour, minute))


def test_an_interval_task_is_enqueued_once_per_slot_of_its_minutes(registry):
    task = FakeTask()
    registry.register_periodic("escalate", task=task, every_minutes=5)
    assert registry.run_pending(minute(23, 10, 31)) == ["escalate"]
    assert registry.run_pending(minute(23, 10, 34)) == []  # same slot, 10:30–10:35
    assert registry.run_pending(minute(23, 10, 35)) == ["escalate"]
    assert len(task.calls) == 2
    assert ScheduledRun.objects.count() == 2


def paris(hour: int, minute: int, *, fold: int) -> datetime.datetime:
    """25 October 2026, Europe/Paris: 02:00–03:00 happens twice (fold=0 summer, 1 winter)."""
    return datetime.datetime(2026, 10, 25, hour, minute, fold=fold, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))


def test_an_interval_task_runs_in_both_hours_when_clocks_go_back(registry):
    task = FakeTask()
    registry.register_periodic("escalate", task=task, every_minutes=5)
    assert registry.run_pending(paris(2, 30, fold=0)) == ["escalate"]
    assert registry.run_pending(paris(2, 30, fold=1)) == ["escalate"]  # an hour later, same wall time
    assert registry.run_pending(paris(2, 34, fold=1)) == []
    assert len(task.calls) == 2


def test_a_daily_task_runs_once_on_the_day_clocks_go_back(registry):
    task = FakeTask()
    registry.register_periodic("sweep", task=task, hour=2)
    assert registry.run_pending(paris(2, 30, fold=0)) == ["sweep"]
    assert registry.run_pending(paris(2, 30, fold=1)) == []
    assert ScheduledRun.objects.get().day == datetime.date(2026, 10, 25)


class FailingTask:
    def __init__(self, error):
        self.error, self.calls = error, 0

    def enqueue(self, **kwargs):
        self.calls += 1
        raise self.error


@pytest.mark.parametrize("error", [RuntimeError("broken"), IntegrityError("inside the task")])
def test_a_failing_task_is_logged_and_the_others_still_run(registry, caplog, error):
    failing, other = FailingTask(error), FakeTask()
    registry.register_periodic("broken", task=failing, hour=1)
    registry.register_periodic("other", task=other, hour=2)
    assert registry.run_pending(at(23, 6)) == ["other"]
    assert failing.calls == 1 and other.calls == [{}]
    assert "scheduled task broken failed to enqueue" in caplog.text
    # Claimed all the same: not retried every minute.
    assert registry.run_pending(at(23, 7)) == []
    assert failing.calls == 1


def test_old_claims_are_purged_after_a_week(registry):
    registry.register_periodic("escalate", task=FakeTask(), every_minutes=5)
    ScheduledRun.objects.create(name="escalate@08:00", day=datetime.date(2026, 11, 10))
    ScheduledRun.objects.create(name="escalate@08:00", day=datetime.date(2026, 11, 20))
    registry.run_pending(minute(23, 9, 0))
    assert not ScheduledRun.objects.filter(day=datetime.date(2026, 11, 10)).exists()
    assert ScheduledRun.objects.filter(day=datetime.date(2026, 11, 20)).exists()


def test_a_periodic_task_has_an_hour_or_an_interval_not_both(registry):
    with pytest.raises(ValueError):
        registry.register_periodic("bad", task=FakeTask(), hour=6, every_minutes=5)
    with pytest.raises(ValueError):
        registry.register_periodic("bad", task=FakeTask())


def test_the_apps_register_their_sweeps():
    names = {periodic.name: periodic for periodic in scheduler.registered()}
    assert names["snp_escalate"].every_minutes == 5
    assert names["crisis_sweep"].every_minutes == 1
    assert names["mt_daily"].hour is not None
