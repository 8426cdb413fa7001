"""The payment schedule: 75 % advances, balances at each anniversary, avenants of taille."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.contracts.funding import compute_year
from maillon.contracts.schedule import contract_year_facts, payment_schedule, periods_for_year, year_bounds
from maillon.contracts.tariffs import tariff_on

D = Decimal
SIGNATURE = datetime.date(2024, 3, 1)  # every contract year below has 365 days


def payments_of(schedule, mission, year=None):
    return [
        (payment.on, payment.kind, payment.amount)
        for payment in schedule.payments
        if payment.mission == mission and (year is None or payment.contract_year == year)
    ]


def test_year_bounds_run_from_anniversary_to_anniversary():
    assert year_bounds(SIGNATURE, 1) == (datetime.date(2024, 3, 1), datetime.date(2025, 3, 1))
    assert year_bounds(SIGNATURE, 5) == (datetime.date(2028, 3, 1), datetime.date(2029, 3, 1))
    # A signature on 29 February: the anniversaries fall on 28 February.
    assert year_bounds(datetime.date(2024, 2, 29), 2) == (datetime.date(2025, 2, 28), datetime.date(2026, 2, 28))


def test_fonctionnement_is_advanced_at_signature_then_settled_at_each_anniversary():
    schedule = payment_schedule(SIGNATURE, taille_periods=((SIGNATURE, 1),), mission_starts={})
    assert payments_of(schedule, None) == [
        (datetime.date(2024, 3, 1), "advance", D("37500.00")),
        (datetime.date(2025, 3, 1), "balance", D("12500.00")),
        (datetime.date(2025, 3, 1), "advance", D("37500.00")),
        (datetime.date(2026, 3, 1), "balance", D("12500.00")),
        (datetime.date(2026, 3, 1), "advance", D("37500.00")),
        (datetime.date(2027, 3, 1), "balance", D("12500.00")),
        (datetime.date(2027, 3, 1), "advance", D("37500.00")),
        (datetime.date(2028, 3, 1), "balance", D("12500.00")),
        (datetime.date(2028, 3, 1), "advance", D("37500.00")),
        (datetime.date(2029, 3, 1), "balance", D("12500.00")),
    ]
    assert schedule.total == D(5 * 50_000)


def test_a_mission_advance_then_balance_with_the_variable_earned():
    schedule = payment_schedule(
        SIGNATURE,
        taille_periods=((SIGNATURE, 1),),
        mission_starts={1: SIGNATURE},
        variable_earned={1: {1: D(10_000)}, 2: {1: D(40_000)}},
    )
    assert payments_of(schedule, 1, year=1) == [
        (datetime.date(2024, 3, 1), "advance", D("41250.00")),  # 75 % of 55 000
        (datetime.date(2025, 3, 1), "balance", D("23750.00")),  # 13 750 + 10 000 earned
    ]
    assert payments_of(schedule, 1, year=2) == [
        (datetime.date(2025, 3, 1), "advance", D("41250.00")),
        (datetime.date(2026, 3, 1), "balance", D("38750.00")),  # 13 750 + 25 000 (40 000 capped)
    ]
    # Years 3 to 5 are not settled: the variable part counts in full.
    assert payments_of(schedule, 1, year=3)[1] == (datetime.date(2027, 3, 1), "balance", D("38750.00"))


def test_a_mission_starting_mid_year_gets_its_advance_prorated_to_the_anniversary():
    start = datetime.date(2024, 9, 1)  # 181 days to 1 March 2025
    schedule = payment_schedule(
        SIGNATURE,
        taille_periods=((SIGNATURE, 1),),
        mission_starts={2: start},
        variable_earned={1: {2: D(2_000)}},
    )
    # Fixed: 25 000 × 181 / 365 = 12 397.26; advance 75 % = 9 297.945 → 9 297.95.
    assert payments_of(schedule, 2, year=1) == [
        (start, "advance", D("9297.95")),
        (datetime.date(2025, 3, 1), "balance", D("5099.31")),  # 12 397.26 − 9 297.95 + 2 000
    ]
    assert payments_of(schedule, 2, year=2)[0] == (datetime.date(2025, 3, 1), "advance", D("18750.00"))
    label = next(payment.label_fr for payment in schedule.payments if payment.on == start)
    assert label == (
        "Mission 2 — Parcours pluriprofessionnels : avance de 75 % du fixe de l'année 1, "
        "au prorata jusqu'à l'anniversaire"
    )


def test_a_taille_change_by_avenant_changes_the_amounts_from_its_date():
    avenant = datetime.date(2025, 9, 1)  # in year 2: 184 days at taille 1, then 181 at taille 2
    schedule = payment_schedule(SIGNATURE, taille_periods=((SIGNATURE, 1), (avenant, 2)), mission_starts={1: SIGNATURE})
    # The year-2 advances were paid on the taille known then (1); the balance settles.
    # Fonctionnement: (50 000 × 184 + 60 000 × 181) / 365 = 54 958.90; − 37 500.
    assert payments_of(schedule, None, year=2) == [
        (datetime.date(2025, 3, 1), "advance", D("37500.00")),
        (datetime.date(2026, 3, 1), "balance", D("17458.90")),
    ]
    # M1: fixed 62 438.36 + variable 27 479.45 − 41 250.
    assert payments_of(schedule, 1, year=2)[1] == (datetime.date(2026, 3, 1), "balance", D("48667.81"))
    # From year 3, taille 2 amounts.
    assert payments_of(schedule, None, year=3)[0] == (datetime.date(2026, 3, 1), "advance", D("45000.00"))
    assert payments_of(schedule, 1, year=3)[0] == (datetime.date(2026, 3, 1), "advance", D("52500.00"))


def test_an_avenant_before_a_mission_starts_sets_its_advance():
    avenant = datetime.date(2024, 6, 1)
    start = datetime.date(2024, 9, 1)
    schedule = payment_schedule(SIGNATURE, taille_periods=((SIGNATURE, 1), (avenant, 3)), mission_starts={3: start})
    # 17 500 × 181 / 365 = 8 678.08; 75 % = 6 508.56.
    assert payments_of(schedule, 3, year=1)[0] == (start, "advance", D("6508.56"))


def test_a_taille_going_down_can_leave_a_balance_to_pay_back():
    avenant = datetime.date(2025, 3, 2)  # the day after year 2 starts: 1 day at taille 4, 364 at taille 1
    schedule = payment_schedule(SIGNATURE, taille_periods=((SIGNATURE, 4), (avenant, 1)), mission_starts={1: SIGNATURE})
    # Advance 82 500 (75 % of 110 000); due (110 000 + 55 000 × 364) / 365 = 55 150.68
    # and (45 000 + 25 000 × 364) / 365 = 25 054.79.
    assert payments_of(schedule, 1, year=2)[1] == (datetime.date(2026, 3, 1), "balance", D("-2294.53"))


def test_the_crisis_mission_advances_its_plan_and_settles_a_crisis():
    schedule = payment_schedule(
        SIGNATURE, taille_periods=((SIGNATURE, 2),), mission_starts={4: SIGNATURE}, serious_crisis_years={2}
    )
    assert payments_of(schedule, 4, year=1) == [
        (datetime.date(2024, 3, 1), "advance", D("26250.00")),  # 75 % of 35 000 (first drafting)
        (datetime.date(2025, 3, 1), "balance", D("8750.00")),  # no crisis in year 1
    ]
    assert payments_of(schedule, 4, year=2) == [
        (datetime.date(2025, 3, 1), "advance", D("13125.00")),  # 75 % of 17 500 (update)
        (datetime.date(2026, 3, 1), "balance", D("56875.00")),  # 4 375 + 52 500 crisis
    ]


def test_payments_are_in_date_order_balances_before_advances():
    schedule = payment_schedule(SIGNATURE, taille_periods=((SIGNATURE, 1),), mission_starts={1: SIGNATURE})
    keys = [(payment.on, payment.kind == "advance") for payment in schedule.payments]
    assert keys == sorted(keys)


def test_periods_are_cut_to_the_year_and_to_what_is_known():
    periods = ((SIGNATURE, 1), (datetime.date(2025, 9, 1), 2), (datetime.date(2026, 6, 1), 3))
    start, end = year_bounds(SIGNATURE, 2)
    assert periods_for_year(periods, start, end) == ((start, 1), (datetime.date(2025, 9, 1), 2))
    assert periods_for_year(periods, start, end, known_on=start) == ((start, 1),)
    with pytest.raises(ValueError):
        periods_for_year(((datetime.date(2026, 1, 1), 1),), start, end)


@st.composite
def contracts(draw):
    signature = draw(st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31)))
    offsets = sorted(set(draw(st.lists(st.integers(1, 5 * 366), max_size=4))))
    periods = (
        (signature, draw(st.integers(1, 4))),
        *((signature + datetime.timedelta(days=offset), draw(st.integers(1, 4))) for offset in offsets),
    )
    missions = draw(st.lists(st.integers(1, 6), unique=True))
    starts = {
        mission: draw(
            st.none() | st.integers(-30, 5 * 366).map(lambda offset: signature + datetime.timedelta(days=offset))
        )
        for mission in missions
    }
    earned = {
        year: (
            None
            if draw(st.booleans())
            else {mission: draw(st.decimals(0, 120_000, places=2)) for mission in missions if draw(st.booleans())}
        )
        for year in range(1, 6)
        if draw(st.booleans())
    }
    return {
        "signature": signature,
        "taille_periods": periods,
        "mission_starts": starts,
        "variable_earned": earned,
        "first_drafting_year": draw(st.none() | st.integers(1, 5)),
        "serious_crisis_years": set(draw(st.lists(st.integers(1, 5), max_size=5))),
    }


@settings(max_examples=150, deadline=None)
@given(contracts())
def test_over_the_five_years_the_payments_add_up_to_the_years_totals(contract):
    signature = contract.pop("signature")
    schedule = payment_schedule(signature, **contract)
    assert len(schedule.years) == 5
    # Each year against the engine run on its own facts and tariff, apart from the schedule.
    expected = []
    for number in range(1, 6):
        facts = contract_year_facts(
            signature,
            number,
            taille_periods=contract["taille_periods"],
            mission_starts=contract["mission_starts"],
            variable_earned=contract["variable_earned"].get(number),
            first_drafting_year=contract["first_drafting_year"],
            serious_crisis=number in contract["serious_crisis_years"],
        )
        expected.append(compute_year(facts, tariff_on(facts.year_start)).total)
    assert [year.total for year in schedule.years] == expected
    assert schedule.total == sum(expected)
    for number in range(1, 6):
        assert sum(p.amount for p in schedule.payments if p.contract_year == number) == expected[number - 1]
    end = year_bounds(signature, 5)[1]
    for payment in schedule.payments:
        assert signature <= payment.on <= end
        if payment.kind == "advance":
            assert payment.amount > 0
    dates = [payment.on for payment in schedule.payments]
    assert dates == sorted(dates)


@pytest.mark.django_db
def test_the_schedule_of_a_model_contract_matches_funding_for_year(cpts, coordinator):
    from django.utils import timezone

    from maillon.contracts import selectors, services

    signed_on = timezone.localdate() - datetime.timedelta(days=800)
    contract = services.create_contract(
        cpts=cpts, signed_on=signed_on, taille=1, missions=[1, 2, 3, 4, 5], by=coordinator
    )
    contract.missions.filter(mission__in=[1, 4]).update(started_on=signed_on + datetime.timedelta(days=40))
    services.sign_amendment(
        contract=contract,
        signed_on=signed_on + datetime.timedelta(days=500),
        summary="Taille 2, retrait de la mission 5.",
        by=coordinator,
        new_taille=2,
        remove_missions=[5],
    )
    plan = selectors.payment_schedule(contract)
    for year in contract.years():
        due = selectors.funding_for_year(contract, year.number).total
        assert sum(p.amount for p in plan.payments if p.contract_year == year.number) == due
