"""A validated plan is published to the ACI funding: the first validated version makes
mission 4's fixed line « first drafting » in its contract year, a later one « update »."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from maillon.contracts import selectors
from maillon.contracts.models import FactCode
from maillon.contracts.tariffs import FIXED_FIRST_DRAFTING, FIXED_UPDATE
from maillon.crisis.models import PlanVersion

from .conftest import signed_contract, validated_version

pytestmark = pytest.mark.django_db


def crisis_fixed_line(contract, number):
    funding = selectors.funding_for_year(contract, number)
    return next(
        line for line in funding.lines if line.mission == 4 and line.part in (FIXED_FIRST_DRAFTING, FIXED_UPDATE)
    )


def validated_on(version, day: datetime.date):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    PlanVersion.objects.filter(pk=version.pk).update(validated_at=moment)


def test_without_a_validated_plan_the_first_drafting_line_earns_nothing(cpts, coordinator):
    contract = signed_contract(cpts, coordinator)

    line = crisis_fixed_line(contract, 1)

    assert line.part == FIXED_FIRST_DRAFTING and line.amount == 0
    assert selectors.year_facts(contract, 1).crisis_plan_first_drafted is False


def test_the_first_validated_plan_pays_the_first_drafting_in_its_year(cpts, coordinator, authority):
    contract = signed_contract(cpts, coordinator)

    validated_version(cpts, coordinator, authority)

    line = crisis_fixed_line(contract, 1)
    assert line.part == FIXED_FIRST_DRAFTING
    assert line.amount == line.envelope > 0


def test_a_later_validated_version_pays_the_update_of_its_year(cpts, coordinator, authority):
    contract = signed_contract(cpts, coordinator, years_ago=1, months_ago=1)
    first = validated_version(cpts, coordinator, authority, year=2025)
    validated_on(first, contract.signed_on + relativedelta(months=3))

    validated_version(cpts, coordinator, authority, year=2026)

    facts_1 = selectors.year_facts(contract, 1)
    facts_2 = selectors.year_facts(contract, 2)
    assert (facts_1.crisis_plan_first_drafted, facts_1.crisis_plan_updated) == (True, False)
    assert (facts_2.crisis_plan_first_drafted, facts_2.crisis_plan_updated) == (False, True)
    assert crisis_fixed_line(contract, 1).part == FIXED_FIRST_DRAFTING
    line = crisis_fixed_line(contract, 2)
    assert line.part == FIXED_UPDATE and line.amount == line.envelope > 0


def test_a_year_without_a_validated_update_earns_no_update(cpts, coordinator, authority):
    contract = signed_contract(cpts, coordinator, years_ago=1, months_ago=1)
    first = validated_version(cpts, coordinator, authority, year=2025)
    validated_on(first, contract.signed_on + relativedelta(months=3))

    line = crisis_fixed_line(contract, 2)

    assert line.part == FIXED_UPDATE and line.amount == 0


def test_a_plan_validated_before_the_signature_counts_in_year_one(cpts, coordinator, authority):
    contract = signed_contract(cpts, coordinator)
    first = validated_version(cpts, coordinator, authority)
    validated_on(first, contract.signed_on - datetime.timedelta(days=20))

    assert selectors.year_facts(contract, 1).crisis_plan_first_drafted is True


def test_a_submitted_plan_is_not_a_fact_yet(cpts, coordinator):
    from maillon.crisis import services

    from .conftest import complete_draft

    contract = signed_contract(cpts, coordinator)
    services.submit_version(complete_draft(cpts, coordinator), by=coordinator)

    facts = selectors.year_facts(contract, 1)
    assert not facts.crisis_plan_first_drafted and not facts.crisis_plan_updated
    assert FactCode.CRISIS_PLAN_FIRST_DRAFTED == "crisis_plan_first_drafted"


def two_successive_contracts(cpts, coordinator):
    """A one-year ACI signed two years ago, then a renewed one signed a month ago."""
    from maillon.contracts import services as contract_services

    first = contract_services.create_contract(
        cpts=cpts,
        signed_on=timezone.localdate() - relativedelta(years=2, months=1),
        taille=2,
        missions=[1, 2, 3, 4],
        by=coordinator,
        duration_years=1,
    )
    return first, signed_contract(cpts, coordinator)


def test_a_renewed_aci_does_not_pay_the_first_drafting_again_and_pays_the_update(cpts, coordinator, authority):
    old, renewed = two_successive_contracts(cpts, coordinator)
    first = validated_version(cpts, coordinator, authority, year=2024)
    validated_on(first, old.signed_on + relativedelta(months=3))

    assert selectors.year_facts(old, 1).crisis_plan_first_drafted is True
    facts = selectors.year_facts(renewed, 1)
    assert (facts.crisis_plan_first_drafted, facts.crisis_plan_updated) == (False, False)
    assert facts.crisis_plan_drafted_before is True
    unpaid = crisis_fixed_line(renewed, 1)
    assert unpaid.part == FIXED_UPDATE and unpaid.amount == 0

    validated_version(cpts, coordinator, authority, year=2026)  # validated now, in year 1 of the renewed ACI

    facts = selectors.year_facts(renewed, 1)
    assert (facts.crisis_plan_first_drafted, facts.crisis_plan_updated) == (False, True)
    line = crisis_fixed_line(renewed, 1)
    assert line.part == FIXED_UPDATE and line.amount == line.envelope > 0


def test_a_renewed_aci_without_any_earlier_plan_pays_its_first_drafting(cpts, coordinator, authority):
    _, renewed = two_successive_contracts(cpts, coordinator)
    validated_version(cpts, coordinator, authority)

    line = crisis_fixed_line(renewed, 1)
    assert line.part == FIXED_FIRST_DRAFTING and line.amount == line.envelope > 0
