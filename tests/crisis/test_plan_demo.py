"""The demo plan: last year's version validated, this year's draft copied from it."""

import datetime

import pytest

from maillon.crisis import selectors
from maillon.demo.crisis import ensure_plan
from maillon.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_demo_plan_is_complete_validated_then_redrafted_and_idempotent(cpts, coordinator):
    for _ in range(3):
        MembershipFactory(cpts=cpts)
    today = datetime.date(2026, 5, 4)

    first = ensure_plan(cpts, coordinator, seed=7, today=today)
    again = ensure_plan(cpts, coordinator, seed=7, today=today)

    assert first == {"validated": 2025, "draft": 2026, "professionals": 3}
    assert again is None
    current = selectors.current_plan(cpts)
    assert current.year == 2025 and current.missing_items() == []
    draft = selectors.working_version(cpts)
    assert "plus précoces" in draft.content["typology_2"]["risks"]
