"""Recurrence rules outside the .ics import (a regional group's recurring visio): refused on their
parts before any expansion, then walked lazily, once, within a budget."""

import datetime
import zoneinfo

import dateutil.rrule
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.meetings import services as meeting_services
from maillon.meetings.factories import MeetingSeriesFactory
from maillon.meetings.models import validate_series_rule

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def expansion(monkeypatch):
    """How many times dateutil started expanding a rule, and how many dates it gave."""
    counter = {"started": 0, "walked": 0}
    original = dateutil.rrule.rrule._iter

    def counting(self):
        counter["started"] += 1
        for moment in original(self):
            counter["walked"] += 1
            yield moment

    monkeypatch.setattr(dateutil.rrule.rrule, "_iter", counting)
    return counter


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        # Each of these made the old check walk the calendar to the year 9999 (1 to 3 s a try).
        ("FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30", "BYMONTH ne s'emploie qu'avec FREQ=MONTHLY ou FREQ=YEARLY"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=40", "BYSETPOS va de 1 à 5"),
        ("FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4", "cette règle ne donne aucune date"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "cette règle ne donne aucune date"),
    ],
)
def test_a_series_rule_is_refused_on_its_parts_without_expanding_it(expansion, rule, said):
    with pytest.raises(ValidationError) as refused:
        validate_series_rule(rule)
    (message,) = refused.value.messages
    assert message.startswith("Règle de récurrence : ") and said in message
    assert expansion["started"] == 0


@pytest.mark.django_db
def test_next_and_past_dates_are_walked_once_each_from_the_first_session(expansion):
    first = timezone.now().astimezone(PARIS).replace(hour=20, minute=0, second=0, microsecond=0)
    first -= datetime.timedelta(days=9 * 365)
    series = MeetingSeriesFactory(rule="FREQ=WEEKLY", first_starts_at=first)
    expansion.update(started=0, walked=0)
    assert len(series.next_starts(4)) == 4
    assert len(meeting_services.past_starts(series, 12)) == 12
    # About 470 weeks since the first session: walked once for each list, not once per date.
    assert expansion["started"] == 2
    assert expansion["walked"] <= 2 * (9 * 53 + 5)


@pytest.mark.django_db
def test_a_first_session_more_than_ten_years_back_is_refused():
    series = MeetingSeriesFactory.build(
        rule="FREQ=WEEKLY", first_starts_at=datetime.datetime(1970, 1, 6, 20, tzinfo=PARIS)
    )
    with pytest.raises(ValidationError) as refused:
        series.full_clean(exclude=["created_by"])
    assert refused.value.message_dict["first_starts_at"] == [
        "Première séance : au plus 10 ans avant aujourd'hui ; choisissez-en une récente."
    ]


def test_the_rule_s_months_are_read_from_the_first_session():
    # Every third month from January: never April, so the 31st is still reached (January, July…).
    validate_series_rule("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=31")
