"""The reviewer's defects of the ACI (issue 4), each pinned by a test: first drafting paid
once, one taille per date, removed missions prorated, the schedule adds up to the years,
the forecast on the same code path, indicators added mid-year, frozen reports, spending
dates, a mission without indicators."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.contracts import funding, selectors, services
from maillon.contracts.factories import AmendmentFactory, FactStatementFactory
from maillon.contracts.models import FactCode, ManagementReport, SpendingCategory
from maillon.contracts.report import build_report, send_report
from maillon.contracts.tariffs import FIXED, FIXED_FIRST_DRAFTING, FIXED_UPDATE, VARIABLE, VARIABLE_CRISIS, tariff_on

pytestmark = pytest.mark.django_db

D = Decimal
START = datetime.date(2024, 3, 1)  # a 365-day year
END = datetime.date(2025, 3, 1)


def facts(**changes) -> funding.YearFacts:
    base = funding.YearFacts(
        contract_year=3,
        year_start=START,
        year_end=END,
        taille_periods=((START, 1),),
        mission_starts={4: START, 6: START},
        crisis_plan_drafted_before=False,
    )
    return dataclasses.replace(base, **changes)


def line(year_funding, mission, part):
    return next(item for item in year_funding.lines if item.mission == mission and item.part == part)


def parts(year_funding, mission):
    return {item.part for item in year_funding.lines_of(mission)}


@pytest.fixture
def contract(cpts, coordinator):
    """Signed 4 years and 2 months ago, taille 2, missions 1 to 4 and 6, all started at signature."""
    signed_on = timezone.localdate() - relativedelta(years=4, months=2)
    contract = services.create_contract(
        cpts=cpts, signed_on=signed_on, taille=2, missions=[1, 2, 3, 4, 6], by=coordinator
    )
    contract.missions.update(started_on=signed_on)
    return contract


# --- 1. First drafting is paid once ---------------------------------------------------------


def test_the_engine_never_pays_first_drafting_when_a_plan_was_drafted_before():
    year = funding.compute_year(
        facts(crisis_plan_first_drafted=True, crisis_plan_drafted_before=True), tariff_on(START)
    )
    assert FIXED_FIRST_DRAFTING not in parts(year, 4)
    assert line(year, 4, FIXED_UPDATE).amount == D("12500.00")


def test_first_drafting_stated_in_years_1_and_3_pays_the_update_line_in_year_3(contract, coordinator):
    services.state_fact(
        contract=contract, contract_year=1, code=FactCode.CRISIS_PLAN_FIRST_DRAFTED, value=True, by=coordinator
    )
    FactStatementFactory(contract=contract, contract_year=3, code=FactCode.CRISIS_PLAN_FIRST_DRAFTED, value=True)
    year_3 = selectors.funding_for_year(contract, 3)
    assert FIXED_FIRST_DRAFTING not in parts(year_3, 4)
    assert line(year_3, 4, FIXED_UPDATE).amount == D("17500.00")
    assert line(selectors.funding_for_year(contract, 1), 4, FIXED_FIRST_DRAFTING).amount == D("35000.00")


def test_first_drafting_cannot_be_stated_in_a_second_year(contract, coordinator):
    services.state_fact(
        contract=contract, contract_year=1, code=FactCode.CRISIS_PLAN_FIRST_DRAFTED, value=True, by=coordinator
    )
    with pytest.raises(ValidationError, match="Plan de crise rédigé pour la première fois : déjà déclaré en année 1"):
        services.state_fact(
            contract=contract, contract_year=3, code=FactCode.CRISIS_PLAN_FIRST_DRAFTED, value=True, by=coordinator
        )
    # Saying « no » stays possible, and so does correcting year 1 itself.
    services.state_fact(
        contract=contract, contract_year=3, code=FactCode.CRISIS_PLAN_FIRST_DRAFTED, value=False, by=coordinator
    )
    services.state_fact(
        contract=contract, contract_year=1, code=FactCode.CRISIS_PLAN_FIRST_DRAFTED, value=True, by=coordinator
    )


# --- 2. One taille per date ----------------------------------------------------------------


def test_a_second_taille_change_on_the_same_date_is_refused(contract, coordinator):
    day = contract.signed_on + relativedelta(months=14)
    services.sign_amendment(contract=contract, signed_on=day, summary="Taille 3.", by=coordinator, new_taille=3)
    with pytest.raises(ValidationError, match="Nouvelle taille : un avenant change déjà la taille à cette date"):
        services.sign_amendment(contract=contract, signed_on=day, summary="Taille 4.", by=coordinator, new_taille=4)
    # Another avenant that day, without a taille, is fine.
    services.sign_amendment(
        contract=contract, signed_on=day, summary="Ajout de la mission 5.", by=coordinator, add_missions=[5]
    )


def test_two_taille_avenants_on_one_date_keep_the_last_and_the_funding_still_computes(contract):
    day = contract.signed_on + relativedelta(months=14)
    AmendmentFactory(contract=contract, signed_on=day, new_taille=3, number=1)
    AmendmentFactory(contract=contract, signed_on=day, new_taille=4, number=2)
    assert contract.taille_periods() == [(contract.signed_on, 2), (day, 4)]
    year_2 = selectors.funding_for_year(contract, 2)
    assert year_2.total > 0
    assert contract.taille_on(day) == 4


# --- 3. A removed mission is paid to its removal ----------------------------------------------


def test_the_engine_prorates_a_removed_mission_to_its_end():
    removed = datetime.date(2024, 9, 1)  # 184 days after START
    year = funding.compute_year(facts(mission_ends={6: removed}), tariff_on(START))
    assert line(year, 6, FIXED).envelope == funding.to_cents(D(5000) * 184 / 365)
    assert line(year, 6, VARIABLE).envelope == funding.to_cents(D(5000) * 184 / 365)
    assert "184/365 jours" in line(year, 6, FIXED).detail


def test_a_mission_removed_by_avenant_is_paid_to_the_removal_date(contract, coordinator):
    year = contract.year(2)
    removed = year.starts_on + datetime.timedelta(days=100)
    services.sign_amendment(
        contract=contract, signed_on=removed, summary="Retrait de la mission 6.", by=coordinator, remove_missions=[6]
    )
    year_2 = selectors.funding_for_year(contract, 2)
    days = (year.ends_on - year.starts_on).days
    assert line(year_2, 6, FIXED).amount == funding.to_cents(D(7500) * 100 / days)
    assert 6 not in {item.mission for item in selectors.funding_for_year(contract, 3).lines}


# --- 4. The schedule adds up to the years ------------------------------------------------------


def test_the_schedule_of_a_recorded_contract_adds_up_to_the_years_totals(contract, coordinator):
    signed = contract.signed_on
    services.sign_amendment(
        contract=contract,
        signed_on=signed + relativedelta(months=15),
        summary="Taille 3.",
        by=coordinator,
        new_taille=3,
    )
    services.sign_amendment(
        contract=contract,
        signed_on=signed + relativedelta(months=30),
        summary="Retrait de la mission 6.",
        by=coordinator,
        remove_missions=[6],
    )
    indicator = services.add_indicator(
        contract=contract,
        mission=1,
        name="Médecins volontaires",
        added_on=signed,
        tiers=[(D("10"), None, D("8000"), "10 et plus")],
    )
    services.record_value(indicator=indicator, contract_year=1, value=D("12"), by=coordinator)
    services.record_value(indicator=indicator, contract_year=2, value=D("3"), by=coordinator)
    services.state_fact(
        contract=contract, contract_year=2, code=FactCode.CRISIS_PLAN_FIRST_DRAFTED, value=True, by=coordinator
    )
    services.state_fact(
        contract=contract, contract_year=3, code=FactCode.CRISIS_PLAN_UPDATED, value=True, by=coordinator
    )
    services.state_fact(
        contract=contract, contract_year=3, code=FactCode.SERIOUS_CRISIS_RECOGNISED, value=True, by=coordinator
    )

    plan = selectors.payment_schedule(contract)
    years = [selectors.funding_for_year(contract, year.number) for year in contract.years()]
    assert sum(payment.amount for payment in plan.payments) == sum(year.total for year in years)
    for number, year in enumerate(years, start=1):
        assert sum(p.amount for p in plan.payments if p.contract_year == number) == year.total
    assert line(years[0], 1, VARIABLE).amount == D("8000.00")


# --- 5. The forecast is the engine on the same facts -------------------------------------------


def test_the_next_year_forecast_equals_the_funding_of_that_year(contract, coordinator):
    services.state_fact(
        contract=contract, contract_year=1, code=FactCode.CRISIS_PLAN_FIRST_DRAFTED, value=True, by=coordinator
    )
    services.state_fact(
        contract=contract, contract_year=2, code=FactCode.CRISIS_PLAN_UPDATED, value=True, by=coordinator
    )
    services.state_fact(
        contract=contract, contract_year=2, code=FactCode.SERIOUS_CRISIS_RECOGNISED, value=True, by=coordinator
    )
    data = build_report(contract, 1)
    year_2 = selectors.funding_for_year(contract, 2)
    assert line(year_2, 4, VARIABLE_CRISIS).amount == D("52500.00")  # the flat crisis amount
    assert D(data["next_year"]["total"]) == year_2.total


# --- 6. Indicators added during the year -------------------------------------------------------


def test_an_indicator_added_mid_year_counts_for_that_year(contract, coordinator):
    added_on = contract.year(2).starts_on + datetime.timedelta(days=90)
    indicator = services.add_indicator(
        contract=contract, mission=2, name="Patients inclus", added_on=added_on, tiers=[(D("1"), None, D("4000"), "")]
    )
    services.record_value(indicator=indicator, contract_year=2, value=D("30"), by=coordinator)
    assert line(selectors.funding_for_year(contract, 2), 2, VARIABLE).amount == D("4000.00")
    report = build_report(contract, 2)
    mission_2 = next(item for item in report["missions"] if item["number"] == 2)
    assert [item["name"] for item in mission_2["indicators"]] == ["Patients inclus"]


# --- 7. A sent report is frozen ---------------------------------------------------------------


def test_a_sent_report_refuses_changes_to_what_was_sent(contract, coordinator):
    report = send_report(contract, 1, by=coordinator)
    for field, value in (("data", {"title": "autre"}), ("version", 7), ("contract_year", 2)):
        stored = ManagementReport.objects.get(pk=report.pk)
        setattr(stored, field, value)
        with pytest.raises(ValidationError, match="Rapport envoyé"):
            stored.save()
    stored = ManagementReport.objects.get(pk=report.pk)
    with pytest.raises(ValidationError, match="Rapport envoyé"):
        stored.save(update_fields=["sent_by"])
    stored.sign_off(by=coordinator, comments="Bien.")
    stored.refresh_from_db()
    assert (stored.status, stored.comments, stored.data) == ("signed_off", "Bien.", report.data)


# --- 8. Smaller --------------------------------------------------------------------------------


def test_a_spending_dated_outside_its_contract_year_is_refused(contract, coordinator):
    year = contract.year(2)
    with pytest.raises(ValidationError, match="Date : elle doit tomber dans l'année 2 du contrat") as refusal:
        services.add_spending(
            contract=contract,
            contract_year=2,
            category=SpendingCategory.TOOLS,
            label="Logiciel",
            amount=D("100"),
            spent_on=year.starts_on - datetime.timedelta(days=1),
            by=coordinator,
        )
    assert "spent_on" in refusal.value.message_dict
    services.add_spending(
        contract=contract,
        contract_year=2,
        category=SpendingCategory.TOOLS,
        label="Logiciel",
        amount=D("100"),
        spent_on=year.starts_on,
        by=coordinator,
    )


def test_a_mission_without_indicators_reads_no_amount_entered(contract):
    detail = line(selectors.funding_for_year(contract, 1), 2, VARIABLE).detail
    assert "montant saisi" not in detail
    assert "aucun indicateur" in detail


def test_no_value_for_a_year_when_the_indicator_is_retired(contract, coordinator):
    indicator = services.add_indicator(
        contract=contract, mission=1, name="Demandes SNP", added_on=contract.signed_on, tiers=[]
    )
    services.retire_indicator(indicator, on=contract.year(2).starts_on)
    services.record_value(indicator=indicator, contract_year=1, value=D("5"), by=coordinator)
    with pytest.raises(ValidationError, match="Année du contrat : l'indicateur n'est pas au contrat"):
        services.record_value(indicator=indicator, contract_year=2, value=D("5"), by=coordinator)
