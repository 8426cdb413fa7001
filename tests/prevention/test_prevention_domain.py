"""Mission 3's domain rules: the action's workflow, the attendance sheet and its counts, the
small-count rule, and the indicators given to the ACI registry."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.contracts import catalogue, registry
from maillon.core.workflows import TransitionNotAllowed
from maillon.prevention import indicators, services
from maillon.prevention.factories import (
    MeasureFactory,
    MeasureValueFactory,
    PreventionActionFactory,
    PublicSessionFactory,
    RegistrationFactory,
)
from maillon.prevention.models import ActionStatus, AgeBand, MeasureKind, Scope, SessionStatus, Sex
from maillon.territories.factories import CommuneFactory, DepartementFactory, TerritoryCommuneFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START, END = TODAY - datetime.timedelta(days=365), TODAY + datetime.timedelta(days=1)


def past_session(**fields):
    starts = timezone.now() - datetime.timedelta(days=2)
    return PublicSessionFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), **fields)


def test_an_action_is_completed_or_cancelled_once():
    action = PreventionActionFactory()
    action.complete(by=None)
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETED
    with pytest.raises(TransitionNotAllowed):
        action.cancel(by=None)


def test_an_action_ends_after_it_starts_and_its_age_band_is_ordered():
    action = PreventionActionFactory.build(
        cpts=PreventionActionFactory().cpts, ends_on=TODAY - datetime.timedelta(days=400), age_min=70, age_max=50
    )
    with pytest.raises(ValidationError) as refused:
        action.full_clean()
    assert "Fin : " in str(refused.value) and "Âge maximal : " in str(refused.value)


def test_a_session_is_marked_held_only_once_begun():
    with pytest.raises(ValidationError):
        PublicSessionFactory().mark_held(by=None)
    session = past_session()
    session.mark_held(by=None)
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD


def test_the_attendance_sheet_counts_present_registrants_and_walk_ins_by_band():
    session = past_session()
    came = RegistrationFactory(session=session, age_band=AgeBand.FROM_50, sex=Sex.FEMALE)
    absent = RegistrationFactory(session=session, age_band=AgeBand.FROM_50, sex=Sex.MALE)
    services.record_attendance(
        session, present={came.pk}, walk_ins={(AgeBand.FROM_50, Sex.FEMALE): 4, (AgeBand.FROM_75, Sex.MALE): 2}, by=None
    )
    absent.refresh_from_db()
    assert absent.attended is False
    assert services.participants_by_band([session]) == {("50-74", "female"): 5, ("75+", "male"): 2}
    # The sheet saved again replaces the walk-in counts, it does not add to them.
    services.record_attendance(session, present={came.pk}, walk_ins={(AgeBand.FROM_75, Sex.MALE): 1}, by=None)
    assert services.participants_count([session]) == 6


def test_the_attendance_sheet_opens_the_day_of_the_session():
    with pytest.raises(ValidationError):
        services.record_attendance(PublicSessionFactory(), present=set(), walk_ins={}, by=None)


def test_a_value_under_six_people_is_hidden():
    assert MeasureValueFactory(numerator=5).hidden
    assert MeasureValueFactory(numerator=None, value=None).hidden
    assert not MeasureValueFactory(numerator=120).hidden


def test_a_measure_compares_with_the_departement_holding_most_of_the_territory():
    action = PreventionActionFactory()
    yvelines, essonne = DepartementFactory(code="78"), DepartementFactory(code="91")
    for code in ("78001", "78002"):
        TerritoryCommuneFactory(cpts=action.cpts, commune=CommuneFactory(code=code, departement=yvelines))
    TerritoryCommuneFactory(cpts=action.cpts, commune=CommuneFactory(code="91001", departement=essonne))
    measure = services.create_measure(
        action,
        kind=MeasureKind.COLORECTAL_SCREENING,
        baseline_value=Decimal("32.5"),
        baseline_source="rezone",
        baseline_on=datetime.date(2022, 12, 31),
    )
    assert measure.departement == yvelines


def test_a_value_entered_again_replaces_the_year_s_figure():
    measure = MeasureFactory()
    services.set_value(measure, year=2023, scope=Scope.TERRITORY, value=Decimal("33.0"), source="rezone")
    services.set_value(measure, year=2023, scope=Scope.TERRITORY, value=Decimal("33.8"), source="rezone")
    assert list(measure.values.values_list("value", flat=True)) == [Decimal("33.80")]


# --- Indicators ------------------------------------------------------------------------------


def test_every_prevention_indicator_is_registered_for_mission_3_and_offered_by_the_catalogue():
    codes = {code for code, *_ in indicators.TABLE}
    registered = {item.code: item for item in registry.indicators() if item.code in codes}
    assert set(registered) == codes
    assert {item.mission for item in registered.values()} == {3}
    offered = {entry.computed_code for entry in catalogue.entries()}
    assert codes <= offered
    assert catalogue.entry("m3-depistage-colorectal").computed_code == "prevention_colorectal_screening_latest"


def test_actions_sessions_and_participants_count_the_period():
    session = past_session()
    cpts = session.cpts
    PreventionActionFactory(cpts=cpts, starts_on=TODAY - datetime.timedelta(days=800), ends_on=START)
    PreventionActionFactory(
        cpts=cpts, starts_on=TODAY - datetime.timedelta(days=900), ends_on=START - datetime.timedelta(days=1)
    )
    cancelled = PreventionActionFactory(cpts=cpts)
    cancelled.cancel(by=None)
    RegistrationFactory(session=session, attended=True)
    services.record_attendance(
        session,
        present=set(session.registrations.values_list("pk", flat=True)),
        walk_ins={(AgeBand.UNKNOWN, Sex.UNKNOWN): 7},
        by=None,
    )
    past_session(cpts=cpts, action=session.action)  # not marked held: not counted
    session.mark_held(by=None)
    assert registry.compute_indicator("prevention_actions_held", cpts, START, END) == 2
    assert registry.compute_indicator("prevention_sessions_held", cpts, START, END) == 1
    assert registry.compute_indicator("prevention_participants", cpts, START, END) == 8


def test_a_rate_indicator_gives_the_latest_territory_value_and_its_change_since_the_baseline():
    measure = MeasureFactory(baseline_value=Decimal("32.5"))
    cpts = measure.cpts
    MeasureValueFactory(measure=measure, year=2023, value=Decimal("33.8"))
    MeasureValueFactory(measure=measure, year=2024, value=Decimal("35.9"))
    MeasureValueFactory(measure=measure, year=2024, scope=Scope.DEPARTEMENT, value=Decimal("34.9"))
    MeasureValueFactory(measure=measure, year=2025, value=None)  # hidden by the source
    start, end = datetime.date(2025, 1, 1), datetime.date(2026, 1, 1)
    assert registry.compute_indicator("prevention_colorectal_screening_latest", cpts, start, end) == Decimal("35.9")
    assert registry.compute_indicator("prevention_colorectal_screening_change", cpts, start, end) == Decimal("3.4")
    # A year before any value: nothing to report (not zero).
    early = (datetime.date(2022, 1, 1), datetime.date(2023, 1, 1))
    assert registry.compute_indicator("prevention_colorectal_screening_latest", cpts, *early) is None


def test_changing_the_communes_aimed_at_is_journaled():
    from maillon.core.models import JournalEntry

    action = PreventionActionFactory()
    commune = CommuneFactory(code="78646")
    action.save_with_communes([commune])

    def journaled():
        rows = JournalEntry.objects.filter(object_id=str(action.pk), object_type="prevention.PreventionAction")
        return [entry.fields for entry in rows if "communes" in entry.fields]

    assert journaled() == [["communes"]]
    action.save_with_communes([commune])  # the same communes: nothing new to journal
    assert journaled() == [["communes"]]
    assert list(action.communes.all()) == [commune]


def test_a_new_campaign_does_not_hide_the_values_an_earlier_one_measured():
    earlier = MeasureFactory(baseline_value=Decimal("32.5"))
    MeasureValueFactory(measure=earlier, year=2024, value=Decimal("35.9"))
    later = MeasureFactory(action=PreventionActionFactory(cpts=earlier.cpts), baseline_value=Decimal("35.9"))
    MeasureValueFactory(measure=later, year=2025, value=Decimal("3.0"), numerator=4)  # a small count: hidden
    period = (datetime.date(2024, 1, 1), datetime.date(2025, 1, 1))
    assert registry.compute_indicator("prevention_colorectal_screening_latest", earlier.cpts, *period) == Decimal(
        "35.9"
    )
    next_period = (datetime.date(2025, 1, 1), datetime.date(2026, 1, 1))
    assert registry.compute_indicator("prevention_colorectal_screening_latest", earlier.cpts, *next_period) == Decimal(
        "35.9"
    )
