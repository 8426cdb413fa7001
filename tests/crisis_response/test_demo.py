"""The demo's crisis response: a chain, an exercise and an ended crisis, loaded once."""

import datetime

import pytest
from django.utils import timezone

from maillon.crisis_response.models import AlertLevel, Crisis, LogEntry, Retex
from maillon.demo.crisis_response import ensure_response

from .conftest import make_member

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_chain_an_exercise_and_an_ended_crisis_once(cpts, coordinator, monkeypatch):
    carried = []
    monkeypatch.setattr(
        "maillon.crisis.services.carry_improvements", lambda cpts, *, items, source, by: carried.append(items)
    )
    for _ in range(12):
        make_member(cpts)
    today = timezone.localdate()
    assert ensure_response(cpts, coordinator, seed=2026, today=today) is not None
    assert AlertLevel.objects.for_cpts(cpts).count() == 3
    exercise, crisis = Crisis.objects.for_cpts(cpts).exercises().get(), Crisis.objects.for_cpts(cpts).real().get()
    assert not exercise.is_active and not crisis.is_active
    assert exercise.recipients.exclude(answered_at=None).exists()
    assert LogEntry.objects.filter(crisis=crisis).count() > 4
    assert not LogEntry.objects.filter(crisis=crisis, at__gt=crisis.ended_at).exists()
    assert Retex.objects.count() == 2 and len(carried) == 2
    assert crisis.started_at.date() <= today - datetime.timedelta(days=149)

    assert ensure_response(cpts, coordinator, seed=2026, today=today) is None  # idempotent
    assert Crisis.objects.count() == 2


def test_the_retex_reaches_the_real_crisis_plan_app(cpts, coordinator):
    """No stand-in: `maillon.crisis.services.carry_improvements` takes the actions."""
    from maillon.crisis_response import services
    from maillon.crisis_response.factories import CrisisFactory

    crisis = CrisisFactory(cpts=cpts, ended=True)
    retex = services.write_retex(
        crisis, went_well="", went_wrong="", improvement_actions="Former\nTester", by=coordinator
    )
    assert retex.carried_at is not None
