"""The indicators of mission 6 through the ACI registry (maillon/support/indicators.py), over a
period [start, end): a row on `start` counts, one on `end` does not; another CPTS's rows never do.
The catalogue's mission 6 entries are computed by them, so the dialogue de gestion report fills
itself."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from maillon.contracts import catalogue, registry
from maillon.support import indicators
from maillon.support.factories import (
    AdFactory,
    InstallationProjectFactory,
    PlacementFactory,
    SupervisorFactory,
)
from maillon.support.models import AdStatus, InstallationProject, InstallationStatus

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 4, 1)
BEFORE, LAST = START - datetime.timedelta(days=1), END - datetime.timedelta(days=1)
DAY = datetime.timedelta(days=1)
CODES = {
    "support_trainees_hosted",
    "support_supervisors",
    "support_installations_supported",
    "support_ads_published",
    "support_ads_filled",
}


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def compute(code, cpts):
    return registry.compute_indicator(code, cpts, START, END)


def test_trainees_hosted_are_the_filled_placements_touching_the_period(cpts, other_cpts):
    supervisor = SupervisorFactory(cpts=cpts, capacity=6)

    def placement(starts_on, ends_on, **traits):
        return PlacementFactory(supervisor=supervisor, starts_on=starts_on, ends_on=ends_on, **traits)

    placement(START - 100 * DAY, START, filled=True)  # its last day is the first of the period
    placement(LAST, LAST + 180 * DAY, filled=True)  # starts on the last day
    placement(START - 30 * DAY, END + 30 * DAY, filled=True)  # across the whole period
    placement(START - 180 * DAY, BEFORE, filled=True)  # over before
    placement(END, END + 180 * DAY, filled=True)  # starts after
    placement(START, LAST)  # open: nobody hosted
    placement(START, LAST, cancelled=True)
    PlacementFactory(supervisor=SupervisorFactory(cpts=other_cpts), starts_on=START, ends_on=LAST, filled=True)

    assert compute("support_trainees_hosted", cpts) == Decimal(3)


def test_supervisors_are_those_taking_trainees_recorded_before_the_end_and_accredited_at_the_start(cpts, other_cpts):
    SupervisorFactory(cpts=cpts, created_at=at(BEFORE))
    SupervisorFactory(cpts=cpts, created_at=at(LAST), accredited_until=START)  # accredited on the first day
    SupervisorFactory(cpts=cpts, created_at=at(BEFORE), accredited_until=BEFORE)  # expired
    SupervisorFactory(cpts=cpts, created_at=at(END))  # recorded after
    SupervisorFactory(cpts=cpts, created_at=at(BEFORE), active=False)
    SupervisorFactory(cpts=other_cpts, created_at=at(BEFORE))

    assert compute("support_supervisors", cpts) == Decimal(2)


def test_installations_supported_are_the_projects_followed_during_the_period(cpts, other_cpts):
    def project(created_on, **fields):
        row = InstallationProjectFactory(cpts=cpts, **fields)
        InstallationProject.objects.filter(pk=row.pk).update(created_at=at(created_on))
        return row

    project(BEFORE)  # open, started before
    project(LAST)  # started on the last day
    project(BEFORE - 90 * DAY, status=InstallationStatus.SETTLED, settled_on=START, closed_on=START)  # closed in it
    project(BEFORE - 90 * DAY, status=InstallationStatus.ABANDONED, closed_on=BEFORE)  # closed before
    project(END)  # started after
    InstallationProjectFactory(cpts=other_cpts)

    assert compute("support_installations_supported", cpts) == Decimal(3)


def test_ads_published_and_filled_in_the_period(cpts, other_cpts):
    AdFactory(cpts=cpts, status=AdStatus.PUBLISHED, published_on=START)
    AdFactory(cpts=cpts, status=AdStatus.FILLED, published_on=LAST, filled_on=LAST)
    AdFactory(cpts=cpts, status=AdStatus.FILLED, published_on=BEFORE, filled_on=START)
    AdFactory(cpts=cpts, status=AdStatus.WITHDRAWN, published_on=START + 10 * DAY)  # published, then withdrawn
    AdFactory(cpts=cpts, status=AdStatus.FILLED, published_on=BEFORE - 10 * DAY, filled_on=END)
    AdFactory(cpts=cpts, status=AdStatus.PUBLISHED, published_on=END)
    AdFactory(cpts=cpts)  # waiting: never published
    AdFactory(cpts=cpts, status=AdStatus.REFUSED)
    AdFactory(cpts=other_cpts, status=AdStatus.FILLED, published_on=START, filled_on=START)

    assert compute("support_ads_published", cpts) == Decimal(3)
    assert compute("support_ads_filled", cpts) == Decimal(2)


def test_nothing_is_zero_not_none(cpts):
    for code in CODES:
        assert compute(code, cpts) == Decimal(0), code


def test_every_indicator_is_registered_for_mission_6_and_the_catalogue_computes_mission_6():
    for code, unit, label, _ in indicators.TABLE:
        registered = registry.indicator(code)
        assert (registered.mission, registered.unit, registered.label) == (6, unit, label)
    assert {code for code, *_ in indicators.TABLE} >= CODES
    assert catalogue.entry("m6-stagiaires").computed_code == "support_trainees_hosted"
    assert catalogue.entry("m6-installations").computed_code == "support_installations_supported"
    computed = {entry.computed_code for entry in catalogue.entries() if entry.mission == 6}
    assert computed >= {code for code, *_ in indicators.TABLE}


def test_a_contract_with_mission_6_computes_its_catalogue_indicators_for_the_report(cpts, coordinator):
    from maillon.contracts import services as contracts
    from maillon.contracts.models import IndicatorSource

    signed = datetime.date(2025, 1, 1)
    contract = contracts.create_contract(
        cpts=cpts, signed_on=signed, taille=2, missions=[1, 2, 3, 4, 6], by=coordinator
    )
    indicator = contracts.add_indicator(contract=contract, catalogue_code="m6-stagiaires", added_on=signed)
    assert (indicator.mission, indicator.source, indicator.computed_code) == (
        6,
        IndicatorSource.COMPUTED,
        "support_trainees_hosted",
    )
    supervisor = SupervisorFactory(cpts=cpts, capacity=6)
    for starts_on in (datetime.date(2024, 11, 1), datetime.date(2025, 5, 1), datetime.date(2026, 1, 1)):
        PlacementFactory(
            supervisor=supervisor, starts_on=starts_on, ends_on=starts_on + 180 * DAY, filled=True
        )  # the last one is in year 2

    assert contracts.refresh_computed_values(contract, 1) == 1
    assert indicator.values.get(contract_year=1).value == Decimal(2)
