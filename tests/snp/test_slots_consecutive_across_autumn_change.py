"""Consecutive slots are consecutive instants, also the night clocks go back (2026-10-25, Paris)."""

import datetime
import itertools

import pytest
from django.utils import timezone

from maillon.snp import slots
from maillon.snp.models import SlotSeries
from maillon.www.snp_views.slots import aware

AUTUMN_CHANGE = datetime.date(2026, 10, 25)
HALF_HOUR = datetime.timedelta(minutes=30)


def test_a_series_from_01_30_runs_back_to_back_through_the_repeated_hour(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC))
    series = SlotSeries(
        weekdays=[AUTUMN_CHANGE.weekday()],
        start_time=datetime.time(1, 30),
        duration_minutes=30,
        count_per_day=4,
        first_date=AUTUMN_CHANGE,
        last_date=AUTUMN_CHANGE,
        exceptions=[],
    )
    spans = slots.series_spans(series)
    starts = [start.astimezone(datetime.UTC) for start, _ in spans]
    assert starts[0] == datetime.datetime(2026, 10, 24, 23, 30, tzinfo=datetime.UTC)  # 01:30 CEST
    assert [later - earlier for earlier, later in itertools.pairwise(starts)] == [HALF_HOUR] * 3
    assert all(end - start == HALF_HOUR for start, end in spans)


@pytest.mark.parametrize("minutes", [30, 60, 90])
def test_a_single_slot_lasts_its_duration_in_real_minutes(minutes):
    start = aware(AUTUMN_CHANGE, datetime.time(2, 30))
    end = start + datetime.timedelta(minutes=minutes)
    assert end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC) == datetime.timedelta(minutes=minutes)
