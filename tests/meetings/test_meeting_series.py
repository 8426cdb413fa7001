"""Recurring visios (`MeetingSeries`): a rule (RRULE) limited to weeks, months and years, its
next dates at the same local hour across the change of time, the sessions held (one record
each, on a date of the series, once it has taken place)."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maillon.meetings.factories import MeetingSeriesFactory, SeriesSessionFactory
from maillon.meetings.models import SeriesSession, validate_series_rule

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
QUARTERLY = "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"  # the 2nd Tuesday of every third month


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("rule", "refusal"),
    [
        ("FREQ=MINUTELY", "la fréquence est hebdomadaire, mensuelle ou annuelle"),
        ("FREQ=SECONDLY;INTERVAL=1", "la fréquence est hebdomadaire, mensuelle ou annuelle"),
        ("FREQ=HOURLY", "la fréquence est hebdomadaire, mensuelle ou annuelle"),
        ("FREQ=DAILY", "la fréquence est hebdomadaire, mensuelle ou annuelle"),
        ("FREQ=WEEKLY;BYHOUR=8,9,10", "BYHOUR n'est pas accepté"),
        ("FREQ=WEEKLY;BYMINUTE=0", "BYMINUTE n'est pas accepté"),
        ("FREQ=MONTHLY;INTERVAL=0", "l'intervalle va de 1 à 12"),
        ("FREQ=MONTHLY;INTERVAL=13", "l'intervalle va de 1 à 12"),
        ("FREQ=MONTHLY;INTERVAL=-1", "l'intervalle va de 1 à 12"),
        ("bonjour", "n'est pas de la forme CLÉ=VALEUR"),
        ("", "n'est pas de la forme CLÉ=VALEUR"),
        ("FREQ=WEEKLY;;BYDAY=TU", "n'est pas de la forme CLÉ=VALEUR"),
        ("FREQ=WEEKLY;BYDAY=XX", "règle illisible"),
        ("INTERVAL=2", "la fréquence est hebdomadaire"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "cette règle ne donne aucune date"),
    ],
)
def test_validate_series_rule_refuses_what_a_series_may_not_be(rule, refusal):
    with pytest.raises(ValidationError) as refused:
        validate_series_rule(rule)
    (message,) = refused.value.messages
    assert message.startswith("Règle de récurrence : ")
    assert refusal in message


@pytest.mark.parametrize(
    "rule",
    [
        QUARTERLY,
        "RRULE:FREQ=WEEKLY;BYDAY=TH",
        "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-1",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",  # leap years only: there are such dates
        "FREQ=WEEKLY;INTERVAL=2;COUNT=10;WKST=MO",
    ],
)
def test_validate_series_rule_accepts_weeks_months_and_years(rule):
    validate_series_rule(rule)


@pytest.mark.django_db
def test_next_starts_stay_at_local_20h_across_the_change_of_time():
    series = MeetingSeriesFactory(rule=QUARTERLY, first_starts_at=paris(2026, 1, 13, 20, 0))
    starts = series.next_starts(4, after=paris(2026, 3, 1))
    assert starts == [
        paris(2026, 4, 14, 20, 0),
        paris(2026, 7, 14, 20, 0),
        paris(2026, 10, 13, 20, 0),
        paris(2027, 1, 12, 20, 0),
    ]
    # Summer time, then winter time: 18:00 then 19:00 UTC.
    assert [start.astimezone(datetime.UTC).hour for start in starts] == [18, 18, 18, 19]
    assert series.next_starts(1, after=paris(2026, 4, 14, 20, 0)) == [paris(2026, 4, 14, 20, 0)]


@pytest.mark.django_db
def test_a_weekly_series_keeps_its_hour_the_week_of_the_change_to_winter_time():
    series = MeetingSeriesFactory(rule="FREQ=WEEKLY;BYDAY=TU", first_starts_at=paris(2026, 10, 20, 20, 0))
    assert series.next_starts(2, after=paris(2026, 10, 21)) == [paris(2026, 10, 27, 20, 0), paris(2026, 11, 3, 20, 0)]


@pytest.mark.django_db
def test_a_finished_series_has_no_next_date():
    series = MeetingSeriesFactory(rule=f"{QUARTERLY};COUNT=2", first_starts_at=paris(2026, 1, 13, 20, 0))
    assert series.next_starts(4, after=paris(2026, 1, 1)) == [paris(2026, 1, 13, 20, 0), paris(2026, 4, 14, 20, 0)]
    assert series.next_starts(4, after=paris(2026, 5, 1)) == []


@pytest.mark.django_db
def test_is_occurrence_is_true_on_the_series_dates_only():
    series = MeetingSeriesFactory(rule=QUARTERLY, first_starts_at=paris(2026, 1, 13, 20, 0))
    assert series.is_occurrence(paris(2026, 4, 14, 20, 0))
    assert series.is_occurrence(datetime.datetime(2026, 4, 14, 18, 0, tzinfo=datetime.UTC))  # the same instant
    assert not series.is_occurrence(paris(2026, 4, 14, 19, 0))
    assert not series.is_occurrence(paris(2026, 4, 21, 20, 0))
    assert not series.is_occurrence(paris(2026, 2, 10, 20, 0))  # not a month of the series
    assert not series.is_occurrence(paris(2025, 10, 14, 20, 0))  # before the first session


@pytest.mark.django_db
def test_a_session_is_recorded_on_a_past_date_of_the_series():
    series = MeetingSeriesFactory(rule=QUARTERLY, first_starts_at=paris(2026, 1, 13, 20, 0))
    held = SeriesSession(series=series, starts_at=paris(2026, 4, 14, 20, 0), replay_url="https://replay.example.org/1")
    held.full_clean()

    not_a_date = SeriesSession(series=series, starts_at=paris(2026, 4, 15, 20, 0))
    with pytest.raises(ValidationError) as refused:
        not_a_date.full_clean()
    assert refused.value.message_dict["starts_at"] == ["Date de la séance : ce n'est pas une date de la série."]

    future = SeriesSession(series=series, starts_at=paris(2027, 1, 12, 20, 0))
    with pytest.raises(ValidationError) as refused:
        future.clean()
    assert refused.value.message_dict["starts_at"] == ["Date de la séance : la séance n'a pas encore eu lieu."]


@pytest.mark.django_db
def test_one_record_per_session():
    series = MeetingSeriesFactory(rule=QUARTERLY, first_starts_at=paris(2026, 1, 13, 20, 0))
    SeriesSessionFactory(series=series, starts_at=paris(2026, 4, 14, 20, 0))
    again = SeriesSession(series=series, starts_at=paris(2026, 4, 14, 20, 0))
    with pytest.raises(ValidationError):
        again.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()
    assert SeriesSession.objects.filter(series=series).count() == 1


@pytest.mark.django_db
def test_a_series_duration_is_a_quarter_of_an_hour_at_least():
    series = MeetingSeriesFactory.build(rule=QUARTERLY, first_starts_at=paris(2026, 1, 13, 20, 0), duration_minutes=10)
    with pytest.raises(ValidationError) as refused:
        series.full_clean()
    assert "duration_minutes" in refused.value.message_dict


@pytest.mark.django_db
def test_the_factory_s_first_session_is_a_date_of_its_series():
    session = SeriesSessionFactory()
    assert session.series.is_occurrence(session.starts_at)
    session.full_clean()
