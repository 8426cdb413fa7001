"""The ACI contract's rules: calendar, avenants, the contract on a date, indicators, facts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from maillon.contracts import registry, selectors, services
from maillon.contracts.models import (
    Contract,
    DueState,
    FactCode,
    IndicatorSource,
    ManagementReport,
    MissionCommitment,
)
from maillon.core.factories import LifecycleStepFactory
from maillon.core.models import CptsStatus, JournalEntry
from maillon.demo import contracts as demo_contracts

pytestmark = pytest.mark.django_db

SIGNED = datetime.date(2023, 3, 15)
TODAY = datetime.date(2024, 2, 1)


@pytest.fixture
def contract(cpts, coordinator):
    return services.create_contract(cpts=cpts, signed_on=SIGNED, taille=2, missions=[1, 2, 3, 4, 6], by=coordinator)


def test_a_contract_runs_five_years_from_its_signature(contract):
    assert contract.ends_on == datetime.date(2028, 3, 15)
    year = contract.year(2)
    assert (year.starts_on, year.ends_on) == (datetime.date(2024, 3, 15), datetime.date(2025, 3, 15))
    assert contract.year_number_on(datetime.date(2024, 3, 14)) == 1
    assert contract.year_number_on(datetime.date(2028, 3, 15)) is None
    with pytest.raises(ValidationError, match="Année du contrat"):
        contract.year(6)


def test_the_four_socle_missions_are_part_of_every_aci(cpts, coordinator):
    with pytest.raises(ValidationError, match="manque 4") as error:
        services.create_contract(cpts=cpts, signed_on=SIGNED, taille=2, missions=[1, 2, 3], by=coordinator)
    assert "missions" in error.value.message_dict
    assert not Contract.objects.exists()


def test_a_contract_cannot_overlap_another_of_the_same_cpts(contract, cpts, coordinator):
    with pytest.raises(ValidationError, match="chevauche"):
        services.create_contract(
            cpts=cpts, signed_on=SIGNED + datetime.timedelta(days=700), taille=2, missions=[1, 2, 3, 4], by=coordinator
        )
    assert Contract.objects.count() == 1


def test_mission_deadlines_count_from_the_signature_with_warnings(contract):
    access = contract.missions.get(mission=1)
    start, deployed = access.deadlines(TODAY)
    assert (start.due_on, deployed.due_on) == (datetime.date(2023, 9, 15), datetime.date(2024, 9, 15))
    assert start.state == DueState.OVERDUE
    assert deployed.state == DueState.ON_TIME
    assert access.deadlines(datetime.date(2024, 8, 1))[1].state == DueState.UPCOMING
    access.started_on = datetime.date(2023, 6, 1)
    access.save()
    assert access.deadlines(TODAY)[0].state == DueState.DONE
    assert contract.missions.get(mission=6).deadlines(TODAY) == []  # optional: no deadline
    messages = [warning.message for warning in selectors.warnings(contract, TODAY)]
    assert messages[0].startswith("4 — Crises sanitaires graves : démarrage attendu le 15/09/2023, en retard")
    assert not any(message.startswith("1 —") and "démarrage" in message for message in messages)


def test_a_mission_cannot_start_before_its_inclusion_nor_deploy_before_it_starts(contract):
    access = contract.missions.get(mission=1)
    access.started_on = SIGNED - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="Date de démarrage"):
        access.full_clean()
    access.started_on, access.deployed_on = None, SIGNED
    with pytest.raises(ValidationError, match="Déploiement complet"):
        access.full_clean()


def test_an_amendment_changes_the_taille_from_its_date_and_the_contract_on_a_date(contract, coordinator):
    services.sign_amendment(
        contract=contract,
        signed_on=datetime.date(2024, 1, 10),
        summary="Extension du territoire",
        new_taille=3,
        add_missions=[5],
        remove_missions=[6],
        by=coordinator,
    )
    assert contract.taille_periods() == [(SIGNED, 2), (datetime.date(2024, 1, 10), 3)]
    before, after = contract.state_on(datetime.date(2024, 1, 9)), contract.state_on(datetime.date(2024, 1, 10))
    assert (before.taille, before.mission_numbers) == (2, [1, 2, 3, 4, 6])
    assert (after.taille, after.mission_numbers) == (3, [1, 2, 3, 4, 5])
    assert contract.amendments.get().number == 1


def test_an_amendment_never_removes_a_socle_mission_and_writes_nothing_on_refusal(contract, coordinator):
    with pytest.raises(ValidationError, match="socle") as error:
        services.sign_amendment(
            contract=contract,
            signed_on=datetime.date(2024, 1, 10),
            summary="Retrait",
            new_taille=3,
            remove_missions=[2],
            by=coordinator,
        )
    assert "remove_missions" in error.value.message_dict
    assert not contract.amendments.exists()
    assert contract.taille_on(datetime.date(2024, 6, 1)) == 2


def test_an_amendment_falls_within_the_contract(contract, coordinator):
    with pytest.raises(ValidationError, match="Date de l'avenant"):
        services.sign_amendment(contract=contract, signed_on=SIGNED, summary="x", new_taille=3, by=coordinator)


def test_the_variable_part_earned_follows_the_indicator_tiers(contract, coordinator):
    for commitment in contract.missions.all():
        commitment.started_on = SIGNED
        commitment.save()
    ald = services.add_indicator(
        contract=contract,
        mission=1,
        name="Patients en ALD sans médecin traitant",
        added_on=SIGNED,
        tiers=[(None, Decimal(50), Decimal(9000), ""), (Decimal(51), Decimal(100), Decimal(6000), "")],
    )
    assert ald.source == IndicatorSource.ENTERED
    services.record_value(indicator=ald, contract_year=1, value=Decimal(75), by=coordinator)
    variable = next(
        line for line in selectors.funding_for_year(contract, 1).lines if (line.mission, line.part) == (1, "variable")
    )
    assert variable.amount == Decimal("6000.00")
    assert variable.envelope == Decimal("30000.00")
    services.record_value(indicator=ald, contract_year=1, value=Decimal(40), by=coordinator)
    assert ald.values.get().value == Decimal(40)


def test_the_crisis_plan_facts_decide_the_crisis_lines(contract, coordinator):
    for commitment in contract.missions.all():
        commitment.started_on = SIGNED
        commitment.save()

    def crisis_parts(number):
        return {
            line.part: line.amount for line in selectors.funding_for_year(contract, number).lines if line.mission == 4
        }

    assert crisis_parts(1)["fixed_first_drafting"] == Decimal(0)
    services.state_fact(
        contract=contract, contract_year=1, code=FactCode.CRISIS_PLAN_FIRST_DRAFTED, value=True, by=coordinator
    )
    assert crisis_parts(1)["fixed_first_drafting"] == Decimal("35000.00")
    services.state_fact(
        contract=contract, contract_year=2, code=FactCode.CRISIS_PLAN_UPDATED, value=True, by=coordinator
    )
    services.state_fact(
        contract=contract, contract_year=2, code=FactCode.SERIOUS_CRISIS_RECOGNISED, value=True, by=coordinator
    )
    year_two = crisis_parts(2)
    assert year_two["fixed_update"] == Decimal("17500.00")
    assert year_two["variable_crisis"] == Decimal("52500.00")


def test_a_registered_fact_wins_over_the_statement_and_cannot_be_entered(contract, coordinator):
    services.state_fact(
        contract=contract, contract_year=1, code=FactCode.CRISIS_PLAN_FIRST_DRAFTED, value=False, by=coordinator
    )
    seen = []

    def computed(cpts, contract_year):
        seen.append((cpts, contract_year.number, contract_year.starts_on))
        return True

    registry.register_fact(FactCode.CRISIS_PLAN_FIRST_DRAFTED, computed)
    try:
        assert services.facts_of_year(contract, 1)[FactCode.CRISIS_PLAN_FIRST_DRAFTED] is True
        assert seen == [(contract.cpts, 1, SIGNED)]
        with pytest.raises(ValidationError, match="établi par la plateforme"):
            services.state_fact(
                contract=contract, contract_year=1, code=FactCode.CRISIS_PLAN_FIRST_DRAFTED, value=False, by=coordinator
            )
    finally:
        registry.unregister(FactCode.CRISIS_PLAN_FIRST_DRAFTED)


def test_a_registered_indicator_is_computed_for_the_contract_year(contract, coordinator):
    periods = []

    def waiting_ald(cpts, start, end):
        periods.append((start, end))
        return 42

    registry.register_indicator("test_waiting_ald", 1, "patients", waiting_ald, label="ALD en attente")
    try:
        indicator = services.add_indicator(
            contract=contract,
            mission=1,
            name="ALD sans MT",
            added_on=SIGNED,
            source=IndicatorSource.COMPUTED,
            computed_code="test_waiting_ald",
        )
        assert indicator.is_computed
        assert services.refresh_computed_values(contract, 1) == 1
        value = indicator.values.get(contract_year=1)
        assert (value.value, value.source) == (Decimal(42), IndicatorSource.COMPUTED)
        assert periods == [(SIGNED, datetime.date(2024, 3, 15))]
        with pytest.raises(ValidationError, match="calculé par la plateforme"):
            services.record_value(indicator=indicator, contract_year=1, value=Decimal(1), by=coordinator)
    finally:
        registry.unregister("test_waiting_ald")


def test_an_indicator_needs_a_mission_of_the_contract(contract):
    with pytest.raises(ValidationError, match="Mission"):
        services.add_indicator(contract=contract, mission=5, name="Concertations", added_on=SIGNED)


def test_tiers_are_checked(contract):
    indicator = services.add_indicator(contract=contract, mission=2, name="Patients inclus", added_on=SIGNED)
    with pytest.raises(ValidationError, match="borne haute"):
        services.set_tiers(indicator, [(Decimal(10), Decimal(5), Decimal(100), "")])
    with pytest.raises(ValidationError, match="au moins une borne"):
        services.set_tiers(indicator, [(None, None, Decimal(100), "")])


def test_report_versions_follow_each_other_and_the_authority_decides_once(contract, coordinator):
    first = services.freeze_report(contract=contract, contract_year=1, data={"a": 1}, by=coordinator)
    second = services.freeze_report(contract=contract, contract_year=1, data={"a": 2}, by=coordinator)
    assert (first.version, second.version) == (1, 2)
    with pytest.raises(ValidationError, match="Remarques"):
        services.decide_report(first, by=coordinator, sign_off=False, comments=" ")
    services.decide_report(first, by=coordinator, sign_off=True)
    with pytest.raises(ValidationError, match="déjà été traité"):
        services.decide_report(first, by=coordinator, sign_off=False, comments="Revoir")
    assert ManagementReport.objects.get(pk=first.pk).status == "signed_off"


def test_contract_writes_are_journaled_with_field_names_only(contract, coordinator):
    services.record_value(
        indicator=services.add_indicator(contract=contract, mission=2, name="Patients inclus", added_on=SIGNED),
        contract_year=1,
        value=Decimal("123.45"),
        by=coordinator,
    )
    assert JournalEntry.objects.filter(object_type="contracts.MissionCommitment").count() == 5
    entry = JournalEntry.objects.filter(object_type="contracts.IndicatorValue").get()
    assert "value" in entry.fields
    assert "123.45" not in str(entry.fields) + entry.note


def test_the_demo_contract_is_complete_and_idempotent(cpts, coordinator):
    today = datetime.date.today()
    cpts.record_step(status=CptsStatus.ACI_SIGNED, on=today, by=None)
    LifecycleStepFactory(cpts=cpts, status=CptsStatus.ACI_SIGNED, date=today - datetime.timedelta(days=900))
    contract = demo_contracts.ensure_contract(cpts, coordinator, taille=3, seed=7, today=today)
    assert contract.signed_on == today - datetime.timedelta(days=900)
    # The larger CPTS take the optional missions 5 (quality) and 6 (support for professionals).
    assert sorted(contract.missions.values_list("mission", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert all(commitment.started_on for commitment in contract.missions.all())
    assert contract.indicators.count() >= 8
    finished = [year.number for year in contract.years() if year.ends_on <= today]
    assert finished == [1, 2]
    assert set(contract.indicators.first().values.values_list("contract_year", flat=True)) == {1, 2}
    assert services.facts_of_year(contract, 1)[FactCode.CRISIS_PLAN_FIRST_DRAFTED]
    assert services.facts_of_year(contract, 2)[FactCode.CRISIS_PLAN_UPDATED]
    assert contract.spendings.filter(contract_year=3).exists()
    assert set(contract.receipts.values_list("contract_year", flat=True)) == {1, 2, 3}
    scheduled = sum(payment.amount for payment in selectors.payment_schedule(contract, today).payments)
    received = sum(contract.receipts.values_list("amount", flat=True))
    assert 0 < received < scheduled and contract.receipts.filter(received_on__gt=today).count() == 0
    frozen = contract.reports.get()
    assert (frozen.contract_year, frozen.version, frozen.status) == (2, 1, "sent")
    earned = selectors.funding_for_year(contract, 1)
    assert Decimal(0) < earned.total <= earned.maximum
    assert demo_contracts.ensure_contract(cpts, coordinator, taille=3, seed=7, today=today) is None
    assert MissionCommitment.objects.filter(contract__cpts=cpts).count() == 6


def test_the_demo_contract_is_deterministic(cpts, coordinator):
    today = datetime.date.today()
    cpts.record_step(status=CptsStatus.ACI_SIGNED, on=today, by=None)
    LifecycleStepFactory(cpts=cpts, status=CptsStatus.ACI_SIGNED, date=today - datetime.timedelta(days=500))

    def snapshot():
        contract = Contract.objects.get(cpts=cpts)
        values = sorted((row.indicator.code, str(row.value)) for row in contract.indicators.first().values.all())
        spending = sorted(str(amount) for amount in contract.spendings.values_list("amount", flat=True))
        return values, spending

    demo_contracts.ensure_contract(cpts, coordinator, taille=2, seed=11, today=today)
    first = snapshot()
    Contract.objects.filter(cpts=cpts).delete()
    demo_contracts.ensure_contract(cpts, coordinator, taille=2, seed=11, today=today)
    assert snapshot() == first and first[1]


def test_an_amendment_adds_catalogue_indicators_and_retires_others_from_its_date(contract, coordinator):
    old = services.add_indicator(contract=contract, mission=2, name="Patients inclus", added_on=SIGNED)
    on = datetime.date(2024, 1, 10)
    amendment = services.sign_amendment(
        contract=contract,
        signed_on=on,
        summary="Indicateurs revus",
        by=coordinator,
        add_indicators=["m3-depistage-sein"],
        retire_indicators=[old.pk],
    )
    added = contract.indicators.get(code="m3-depistage-sein")
    old.refresh_from_db()
    assert (added.added_on, added.added_by, old.retired_on, old.retired_by) == (on, amendment, on, amendment)
    assert [i.code for i in contract.state_on(on - datetime.timedelta(days=1)).indicators] == [old.code]
    assert [i.code for i in contract.state_on(on).indicators] == ["m3-depistage-sein"]


def test_an_amendment_with_an_unknown_indicator_writes_nothing(contract, coordinator):
    with pytest.raises(ValidationError) as error:
        services.sign_amendment(
            contract=contract,
            signed_on=datetime.date(2024, 1, 10),
            summary="x",
            by=coordinator,
            add_indicators=["m3-depistage-sein", "inconnu"],
        )
    assert "add_indicators" in error.value.message_dict
    assert not contract.amendments.exists() and not contract.indicators.exists()


def test_registered_indicators_outside_the_catalogue_can_be_chosen(contract):
    from maillon.contracts import catalogue

    computed = catalogue.entry("calc-mt-placed")
    assert computed is not None and computed.computed_code == "mt_placed" and computed.mission == 1
    indicator = services.add_indicator(
        contract=contract, mission=1, name=computed.name, added_on=SIGNED, catalogue_code=computed.code
    )
    assert indicator.is_computed and indicator.computed_code == "mt_placed"
    # The catalogue's own entries a mission app computes are not listed twice.
    assert catalogue.entry("calc-mt-waiting-ald") is None
