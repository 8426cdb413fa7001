"""The dialogue de gestion report of a contract year: what `build_report` reads."""

import datetime
import json
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.contracts import funding_table, selectors, services
from maillon.contracts.factories import FundingReceiptFactory, SpendingFactory
from maillon.contracts.models import FactCode, SpendingCategory
from maillon.contracts.report import build_report
from maillon.core.factories import UserFactory
from maillon.meetings.factories import HourlyRateFactory, TimeEntryFactory


def small_contract(cpts, *, by=None):
    """An ACI signed 2 years and 2 months ago, taille 2 then 3 by avenant in year 2; missions
    1–5; two indicators of mission 1 (one with tiers), one of mission 5; spending and money
    received in year 1."""
    by = by or UserFactory()
    signed_on = timezone.localdate() - relativedelta(years=2, months=2)
    contract = services.create_contract(
        cpts=cpts, signed_on=signed_on, taille=2, missions=[1, 2, 3, 4, 5], by=by, reference="ACI-78-001"
    )
    services.sign_amendment(
        contract=contract,
        signed_on=signed_on + relativedelta(years=1, months=3),
        summary="Extension du territoire : passage en taille 3.",
        by=by,
        new_taille=3,
    )
    for commitment in contract.missions.all():
        commitment.started_on = signed_on + datetime.timedelta(days=30)
        if commitment.mission == 1:
            commitment.deployed_on = signed_on + datetime.timedelta(days=200)
        commitment.save()
    ald = services.add_indicator(
        contract=contract,
        mission=1,
        name="Patients en ALD sans médecin traitant",
        unit="patients",
        added_on=signed_on,
        baseline_value=Decimal("219"),
        baseline_on=signed_on - datetime.timedelta(days=60),
        baseline_source="Rézone CPTS",
        target="50 patients au plus",
        tiers=[
            (None, Decimal("50"), Decimal("9000"), "≤ 50"),
            (Decimal("51"), Decimal("100"), Decimal("6000"), "51 – 100"),
            (Decimal("101"), Decimal("219"), Decimal("3000"), "101 – 219"),
        ],
    )
    snp = services.add_indicator(
        contract=contract,
        mission=1,
        name="Demandes de soins non programmés traitées sous 48 h",
        unit="%",
        added_on=signed_on,
        tiers=[(Decimal("80"), None, Decimal("40000"), "80 % et plus")],
    )
    rcp = services.add_indicator(
        contract=contract,
        mission=5,
        name="Concertations pluriprofessionnelles tenues",
        unit="réunions",
        added_on=signed_on,
        tiers=[(Decimal("6"), None, Decimal("5000"), "6 et plus")],
    )
    services.record_value(indicator=ald, contract_year=1, value=Decimal("87"), by=by)
    services.record_value(indicator=snp, contract_year=1, value=Decimal("91.5"), by=by)
    services.record_value(indicator=rcp, contract_year=1, value=Decimal("4"), by=by)
    services.state_fact(contract=contract, contract_year=1, code=FactCode.CRISIS_PLAN_FIRST_DRAFTED, value=True, by=by)
    on = signed_on + datetime.timedelta(days=60)
    SpendingFactory(
        contract=contract, mission=1, category=SpendingCategory.COORDINATION, amount=Decimal("12000.00"), spent_on=on
    )
    SpendingFactory(
        contract=contract,
        mission=1,
        category=SpendingCategory.TOOLS,
        label='=HYPERLINK("http://exemple.invalid")',
        amount=Decimal("1234.56"),
        spent_on=on,
    )
    SpendingFactory(
        contract=contract,
        mission=None,
        category=SpendingCategory.PREMISES,
        label="Loyer",
        amount=Decimal("3600.00"),
        spent_on=on,
    )
    SpendingFactory(
        contract=contract, contract_year=2, mission=2, amount=Decimal("999.00"), spent_on=on + relativedelta(years=1)
    )
    FundingReceiptFactory(contract=contract, amount=Decimal("45000.00"), received_on=on)
    return contract


@pytest.fixture
def contract(cpts):
    return small_contract(cpts)


def mission(data, number):
    return next(item for item in data["missions"] if item["number"] == number)


@pytest.mark.django_db
def test_the_report_is_plain_json_with_amounts_as_strings(contract, coordinator):
    data = build_report(contract, 1, by=coordinator)
    assert json.loads(json.dumps(data)) == data
    assert data["funding"]["total"] == str(Decimal(data["funding"]["total"]).quantize(Decimal("0.01")))
    assert data["meta"]["generated_by"] == str(coordinator)
    assert data["meta"]["version"] is None


@pytest.mark.django_db
def test_the_report_names_the_cpts_and_the_contract_with_its_avenant(contract):
    contract.cpts.finess = "750712184"
    contract.cpts.save()
    contract.refresh_from_db()
    data = build_report(contract, 2)
    assert data["cpts"]["name"] == "CPTS Plaine de Versailles"
    assert data["cpts"]["finess"] == "750712184"
    assert data["contract"]["reference"] == "ACI-78-001"
    assert data["contract"]["signed_on"] == contract.signed_on.isoformat()
    assert data["contract"]["taille_at_signature"] == 2
    assert data["contract"]["taille_in_force"] == 3
    assert [item["taille"] for item in data["contract"]["taille_periods"]] == [2, 3]
    assert data["contract"]["amendments"][0]["summary"] == "Extension du territoire : passage en taille 3."
    # Year 1 was before the avenant: it is not part of year 1's report.
    assert build_report(contract, 1)["contract"]["amendments"] == []
    assert build_report(contract, 1)["contract"]["taille_in_force"] == 2


@pytest.mark.django_db
def test_each_mission_carries_its_calendar(contract):
    data = build_report(contract, 1)
    assert [item["number"] for item in data["missions"]] == [1, 2, 3, 4, 5]
    access = mission(data, 1)
    assert [deadline["label"] for deadline in access["deadlines"]] == ["Démarrage", "Déploiement complet"]
    assert [deadline["state"] for deadline in access["deadlines"]] == ["done", "done"]
    assert access["started_on"] == (contract.signed_on + datetime.timedelta(days=30)).isoformat()
    pathways = mission(data, 2)
    assert pathways["deadlines"][1]["state"] == "overdue"  # not deployed, 24 months are past
    assert mission(data, 5)["deadlines"] == []  # optional missions have no due dates


@pytest.mark.django_db
def test_indicators_carry_baseline_tiers_value_and_amount_earned(contract):
    data = build_report(contract, 1)
    ald, snp = mission(data, 1)["indicators"]
    assert ald["name"] == "Patients en ALD sans médecin traitant"
    assert ald["baseline"] == {
        "value": "219",
        "date": (contract.signed_on - datetime.timedelta(days=60)).isoformat(),
        "source": "Rézone CPTS",
    }
    assert [tier["amount"] for tier in ald["tiers"]] == ["3000.00", "6000.00", "9000.00"]
    assert ald["value"] == "87"
    assert ald["earned"] == "6000.00"  # 87 falls in 51–100
    assert snp["value"] == "91.5"
    assert snp["earned"] == "40000.00"
    assert mission(data, 5)["indicators"][0]["earned"] == "0.00"  # 4 < 6


@pytest.mark.django_db
def test_the_variable_part_claimed_is_capped_at_the_envelope(contract):
    data = build_report(contract, 1)
    variable = mission(data, 1)["variable"]
    assert variable["earned"] == "46000.00"
    # Taille 2, mission 1 started 30 days into the year: 30 000 € prorated.
    assert Decimal(variable["envelope"]) < Decimal("30000")
    assert variable["claimed"] == variable["envelope"]
    assert variable["capped"] is True
    assert mission(data, 5)["variable"]["claimed"] == "0.00"
    assert data["variable_claimed"] == str(
        sum((Decimal(item["variable"]["claimed"]) for item in data["missions"]), Decimal(0)).quantize(Decimal("0.01"))
    )


@pytest.mark.django_db
def test_the_funding_of_the_year_is_every_engine_line(contract):
    from maillon.contracts.selectors import funding_for_year

    data = build_report(contract, 1)
    engine = funding_for_year(contract, 1)
    assert [(line["mission"], line["part"], line["amount"]) for line in data["funding"]["lines"]] == [
        (line.mission, line.part, str(line.amount)) for line in engine.lines
    ]
    assert data["funding"]["total"] == str(engine.total)
    assert data["funding"]["maximum"] == str(engine.maximum)
    crisis = mission(data, 4)["funding_lines"]
    assert crisis[0]["part"] == "fixed_first_drafting" and Decimal(crisis[0]["amount"]) > 0


@pytest.mark.django_db
def test_spending_by_mission_and_category_and_money_received(contract):
    data = build_report(contract, 1)
    access = mission(data, 1)["spending"]
    assert access["total"] == "13234.56"
    assert [(item["category"], item["amount"]) for item in access["by_category"]] == [
        ("coordination", "12000.00"),
        ("tools", "1234.56"),
    ]
    assert data["fonctionnement"]["spending"]["total"] == "3600.00"
    assert mission(data, 2)["spending"]["total"] == "0.00"  # its spending is in year 2
    assert data["spending"]["total"] == "16834.56"
    assert data["received"]["total"] == "45000.00"
    assert data["balance"]["received_minus_spent"] == "28165.44"


@pytest.mark.django_db
def test_members_time_of_the_year_is_counted_by_mission_with_indemnities(contract):
    cpts = contract.cpts
    year = contract.year(1)
    day = year.starts_on + datetime.timedelta(days=40)
    HourlyRateFactory(cpts=cpts, year=day.year, amount=Decimal("50.00"))
    TimeEntryFactory(cpts=cpts, mission=1, date=day, hours=Decimal("2.00"), validated=True)
    TimeEntryFactory(cpts=cpts, mission=1, date=day, hours=Decimal("1.50"), validated=True)
    TimeEntryFactory(cpts=cpts, mission=3, date=day, hours=Decimal("1.00"), validated=True)
    TimeEntryFactory(cpts=cpts, mission=1, date=day, hours=Decimal("8.00"))  # declared, not validated
    TimeEntryFactory(cpts=cpts, mission=1, date=year.ends_on, hours=Decimal("4.00"), validated=True)  # year 2
    data = build_report(contract, 1)
    assert mission(data, 1)["members_time"] == {"entries": 2, "hours": "3.5", "indemnities": "175.00"}
    assert mission(data, 3)["members_time"]["indemnities"] == "50.00"
    assert data["members_time"]["hours"] == "4.5"
    assert data["members_time"]["indemnities_capped"] == "225.00"


@pytest.mark.django_db
def test_a_members_indemnities_are_capped_per_calendar_year(contract, settings):
    cpts = contract.cpts
    day = contract.year(1).starts_on + datetime.timedelta(days=40)
    settings.MAILLON_ANNUAL_INDEMNITY_CAP = {day.year: 100}
    HourlyRateFactory(cpts=cpts, year=day.year, amount=Decimal("50.00"))
    entry = TimeEntryFactory(cpts=cpts, mission=1, date=day, hours=Decimal("3.00"), validated=True)
    TimeEntryFactory(cpts=cpts, membership=entry.membership, mission=2, date=day, hours=Decimal("1.00"), validated=True)
    data = build_report(contract, 1)
    assert data["members_time"]["indemnities"] == "200.00"
    assert data["members_time"]["indemnities_capped"] == "100.00"


@pytest.mark.django_db
def test_the_next_year_is_the_funding_page_of_that_year_on_what_is_recorded(contract):
    """Issue 13: the forecast is `funding_for_year(n + 1)`, what the funding page and the API show;
    no value of year 1 is carried forward and no crisis-plan update is assumed."""
    data = build_report(contract, 1)
    forecast = data["next_year"]
    assert forecast["number"] == 2
    assert forecast["status"] == "prévisionnel"
    year_2 = funding_table.to_data(selectors.funding_table_for_year(contract, 2))
    assert {key: forecast[key] for key in year_2} == year_2
    variable = next(line for line in forecast["lines"] if line["mission"] == 1 and line["part"] == "variable")
    assert variable["amount"] == "0.00"  # no value entered for year 2
    crisis = next(line for line in forecast["lines"] if line["mission"] == 4 and line["part"] == "fixed_update")
    assert crisis["amount"] == "0.00"  # the update is not recorded yet
    assert any("enregistré à ce jour" in text for text in forecast["assumptions"])


@pytest.mark.django_db
def test_there_is_no_next_year_after_the_last_one(contract):
    assert build_report(contract, 5)["next_year"] is None


@pytest.mark.django_db
def test_a_year_out_of_the_contract_is_refused(contract):
    with pytest.raises(ValidationError):
        build_report(contract, 6)


@pytest.mark.django_db
def test_building_writes_nothing(contract, django_assert_max_num_queries):
    from maillon.core.models import JournalEntry

    before = JournalEntry.objects.count()
    with django_assert_max_num_queries(60):
        build_report(contract, 1)
    assert JournalEntry.objects.count() == before
