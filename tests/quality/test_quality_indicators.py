"""The indicators of mission 5 through the ACI registry (maillon/quality/indicators.py), over a
period [start, end): a row on `start` counts, one on `end` does not; the catalogue's mission 5
entries are computed by them, so the dialogue de gestion report fills itself."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from maillon.contracts import catalogue, registry
from maillon.meetings.factories import InvitationFactory
from maillon.meetings.models import Attendance, MeetingStatus
from maillon.quality import indicators
from maillon.quality.factories import (
    CaseConferenceFactory,
    ConferenceDecisionFactory,
    GroupSessionFactory,
    ImprovementActionFactory,
    IncidentReviewFactory,
    PracticeGroupFactory,
    QualityMeetingFactory,
)

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 4, 1)
BEFORE, LAST = START - datetime.timedelta(days=1), END - datetime.timedelta(days=1)


def at(day, hour=18):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def compute(code, cpts):
    return registry.compute_indicator(code, cpts, START, END)


def session_on(group, day, *, status=MeetingStatus.HELD, **fields):
    meeting = QualityMeetingFactory(
        cpts=group.cpts, status=status, starts_at=at(day), ends_at=at(day) + datetime.timedelta(hours=2)
    )
    return GroupSessionFactory(group=group, meeting=meeting, **fields)


def test_conferences_held_and_cases_discussed(cpts, other_cpts):
    on_start = CaseConferenceFactory(cpts=cpts, held=True, held_on=START)
    CaseConferenceFactory(cpts=cpts, held=True, held_on=LAST)
    before = CaseConferenceFactory(cpts=cpts, held=True, held_on=BEFORE)
    CaseConferenceFactory(cpts=cpts, held=True, held_on=END)  # after
    CaseConferenceFactory(cpts=cpts, scheduled=True)
    CaseConferenceFactory(cpts=other_cpts, held=True, held_on=START)
    group = PracticeGroupFactory(cpts=cpts)
    session_on(group, START + datetime.timedelta(days=10), conference=before)  # studied in the period
    session_on(group, START + datetime.timedelta(days=20), conference=on_start)  # counted once
    session_on(group, BEFORE, conference=CaseConferenceFactory(cpts=cpts, held=True, held_on=BEFORE))  # before

    assert compute("quality_conferences_held", cpts) == Decimal(2)
    assert compute("quality_cases_discussed", cpts) == Decimal(3)


def test_the_share_of_decisions_carried_out_on_time(cpts, member):
    def decided(due_on, done_on=None, drop=False):
        row = ConferenceDecisionFactory(conference__cpts=cpts, due_on=due_on)
        if done_on:
            row.complete(by=member, on=done_on)
        if drop:
            row.drop(by=member, note="Sans objet")
        return row

    decided(START, START)  # on time, on the first day
    decided(LAST, LAST - datetime.timedelta(days=3))  # on time
    decided(START + datetime.timedelta(days=5), START + datetime.timedelta(days=9))  # late
    decided(START + datetime.timedelta(days=6))  # still open, past due
    decided(START + datetime.timedelta(days=7), drop=True)  # dropped: not counted
    decided(BEFORE, BEFORE)  # due before the period
    decided(END, END)  # due after it

    assert compute("quality_decisions_on_time_share", cpts) == Decimal("50.0")


def test_the_share_leaves_out_decisions_not_due_yet_and_is_none_without_any(cpts):
    assert compute("quality_decisions_on_time_share", cpts) is None
    today = timezone.localdate()
    ConferenceDecisionFactory(conference__cpts=cpts, due_on=today + datetime.timedelta(days=3))
    assert (
        registry.compute_indicator("quality_decisions_on_time_share", cpts, today, today + datetime.timedelta(days=30))
        is None
    )


def test_reviews_opened_and_actions_closed(cpts, member):
    IncidentReviewFactory(cpts=cpts, reported_at=at(START, hour=9))
    IncidentReviewFactory(cpts=cpts, reported_at=at(LAST, hour=9), analysis=True)
    IncidentReviewFactory(cpts=cpts, reported_at=at(BEFORE, hour=9))
    IncidentReviewFactory(cpts=cpts, reported_at=at(END, hour=9))
    ImprovementActionFactory(review__cpts=cpts, status="done", due_on=END, done_on=START)
    ImprovementActionFactory(review__cpts=cpts, status="done", due_on=END, done_on=END)
    ImprovementActionFactory(review__cpts=cpts, status="done", due_on=END, done_on=BEFORE)
    ImprovementActionFactory(review__cpts=cpts)  # open

    assert compute("quality_reviews_opened", cpts) == Decimal(2)
    assert compute("quality_actions_closed", cpts) == Decimal(1)


def test_group_sessions_their_attendance_and_the_groups_met(cpts):
    group, other_group, quiet = (PracticeGroupFactory(cpts=cpts) for _ in range(3))
    first = session_on(group, START)
    session_on(other_group, LAST)
    session_on(group, START + datetime.timedelta(days=3), status=MeetingStatus.SCHEDULED)  # not held
    before = session_on(quiet, BEFORE)
    session_on(quiet, END)
    for attendance in (Attendance.PRESENT, Attendance.PRESENT, Attendance.ABSENT, Attendance.UNKNOWN):
        InvitationFactory(meeting=first.meeting, attendance=attendance)
    InvitationFactory(meeting=before.meeting, attendance=Attendance.PRESENT)

    assert compute("quality_group_sessions_held", cpts) == Decimal(2)
    assert compute("quality_group_attendance", cpts) == Decimal(2)
    assert compute("quality_groups_met", cpts) == Decimal(2)


def test_every_indicator_is_registered_for_mission_5_and_the_catalogue_computes_mission_5():
    for code, unit, label, _ in indicators.TABLE:
        registered = registry.indicator(code)
        assert (registered.mission, registered.unit, registered.label) == (5, unit, label)
    assert registry.indicator("quality_decisions_on_time_share").unit == "%"
    assert catalogue.entry("m5-concertations").computed_code == "quality_conferences_held"
    assert catalogue.entry("m5-analyses-pratiques").computed_code == "quality_groups_met"
    computed = {entry.computed_code for entry in catalogue.entries() if entry.mission == 5}
    assert computed >= {code for code, *_ in indicators.TABLE}


def test_a_contract_with_mission_5_computes_its_catalogue_indicators_for_the_report(cpts, coordinator):
    from maillon.contracts import services as contracts
    from maillon.contracts.models import IndicatorSource

    signed = datetime.date(2025, 1, 1)
    contract = contracts.create_contract(
        cpts=cpts, signed_on=signed, taille=2, missions=[1, 2, 3, 4, 5], by=coordinator
    )
    indicator = contracts.add_indicator(contract=contract, catalogue_code="m5-concertations", added_on=signed)
    assert (indicator.mission, indicator.source, indicator.computed_code) == (
        5,
        IndicatorSource.COMPUTED,
        "quality_conferences_held",
    )
    CaseConferenceFactory(cpts=cpts, held=True, held_on=signed)
    CaseConferenceFactory(cpts=cpts, held=True, held_on=datetime.date(2025, 12, 31))
    CaseConferenceFactory(cpts=cpts, held=True, held_on=datetime.date(2026, 1, 1))  # year 2

    assert contracts.refresh_computed_values(contract, 1) == 1
    assert indicator.values.get(contract_year=1).value == Decimal(2)
