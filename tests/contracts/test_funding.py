"""The funding engine against the seeds' table (002, 003), hand-worked cases and properties."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.contracts.funding import (
    IndicatorResult,
    IndicatorTerms,
    Tier,
    YearFacts,
    compute_year,
    declared_earned,
    euros,
    simulate_year,
)
from maillon.contracts.tariffs import (
    ACI_2019_AVENANT,
    FIXED,
    FIXED_FIRST_DRAFTING,
    FIXED_UPDATE,
    FONCTIONNEMENT,
    TARIFFS,
    VARIABLE,
    VARIABLE_CRISIS,
    NoTariffError,
    Tariff,
    tariff_on,
)

ALL_MISSIONS = (1, 2, 3, 4, 5, 6)
START = datetime.date(2024, 1, 1)  # a leap year: 366 days
END = datetime.date(2025, 1, 1)
D = Decimal

# The seeds' table, cell by cell (« Dispositif de financement par taille »).
SEED_TABLE = {
    FONCTIONNEMENT: (50_000, 60_000, 75_000, 90_000),
    (1, FIXED): (55_000, 70_000, 90_000, 110_000),
    (1, VARIABLE): (25_000, 30_000, 35_000, 45_000),
    (2, FIXED): (25_000, 35_000, 45_000, 50_000),
    (2, VARIABLE): (25_000, 35_000, 45_000, 50_000),
    (3, FIXED): (10_000, 15_000, 17_500, 20_000),
    (3, VARIABLE): (10_000, 15_000, 17_500, 20_000),
    (4, FIXED_FIRST_DRAFTING): (25_000, 35_000, 45_000, 50_000),
    (4, FIXED_UPDATE): (12_500, 17_500, 22_500, 25_000),
    (4, VARIABLE_CRISIS): (37_500, 52_500, 67_500, 75_000),
    (5, FIXED): (7_500, 10_000, 15_000, 20_000),
    (5, VARIABLE): (7_500, 10_000, 15_000, 20_000),
    (6, FIXED): (5_000, 7_500, 10_000, 15_000),
    (6, VARIABLE): (5_000, 7_500, 10_000, 15_000),
}
MAXIMA = {1: 287_500, 2: 382_500, 3: 487_500, 4: 580_000}


def facts(**overrides) -> YearFacts:
    values = {
        "contract_year": 1,
        "year_start": START,
        "year_end": END,
        "taille_periods": ((START, 1),),
        "mission_starts": dict.fromkeys(ALL_MISSIONS, START),
        "crisis_plan_first_drafted": True,
        "crisis_plan_updated": False,
        "serious_crisis_recognised": True,
        "indicator_results": None,
    }
    values.update(overrides)
    return YearFacts(**values)


def line(funding, mission, part):
    (found,) = [item for item in funding.lines if item.mission == mission and item.part == part]
    return found


def amounts(funding) -> dict:
    return {(item.mission, item.part): item.amount for item in funding.lines}


# --- The seeds' table --------------------------------------------------------------------


@pytest.mark.parametrize("taille", [1, 2, 3, 4])
@pytest.mark.parametrize("cell", list(SEED_TABLE), ids=str)
def test_the_tariff_holds_every_cell_of_the_seeds_table(cell, taille):
    assert tariff_on(START).amount(cell, taille) == D(SEED_TABLE[cell][taille - 1])


@pytest.mark.parametrize("taille", [1, 2, 3, 4])
def test_a_full_year_one_with_a_crisis_pays_every_cell_of_its_taille(taille):
    funding = compute_year(facts(taille_periods=((START, taille),)), ACI_2019_AVENANT)
    paid = amounts(funding)
    assert paid.pop((None, FONCTIONNEMENT)) == D(SEED_TABLE[FONCTIONNEMENT][taille - 1])
    expected = {cell: D(values[taille - 1]) for cell, values in SEED_TABLE.items() if cell != FONCTIONNEMENT}
    del expected[(4, FIXED_UPDATE)]  # year 1: the first drafting, not the update
    assert paid == expected


@pytest.mark.parametrize(("taille", "maximum"), MAXIMA.items())
def test_the_four_maxima_of_the_seeds(taille, maximum):
    funding = compute_year(facts(taille_periods=((START, taille),)), ACI_2019_AVENANT)
    assert funding.total == funding.maximum == D(maximum)
    assert ACI_2019_AVENANT.maximum(taille) == D(maximum)


@pytest.mark.parametrize("taille", [1, 2, 3, 4])
def test_a_later_year_pays_the_plan_update_instead_of_the_first_drafting(taille):
    funding = compute_year(
        facts(
            contract_year=5,
            taille_periods=((START, taille),),
            crisis_plan_first_drafted=False,
            crisis_plan_updated=True,
        ),
        ACI_2019_AVENANT,
    )
    assert line(funding, 4, FIXED_UPDATE).amount == D(SEED_TABLE[(4, FIXED_UPDATE)][taille - 1])
    assert not [item for item in funding.lines if item.part == FIXED_FIRST_DRAFTING]
    assert funding.total == D(MAXIMA[taille]) - D(SEED_TABLE[(4, FIXED_FIRST_DRAFTING)][taille - 1]) + D(
        SEED_TABLE[(4, FIXED_UPDATE)][taille - 1]
    )


def test_year_5_taille_3_matches_the_real_contract_quoted_in_domain():
    """« M4 fixed 22 500 (update) + 67 500 si crise reconnue par l'ARS »."""
    funding = simulate_year(taille=3, missions=(1, 2, 3, 4), contract_year=5, serious_crisis=True, on=START)
    assert line(funding, 4, FIXED_UPDATE).amount == D("22500.00")
    assert line(funding, 4, VARIABLE_CRISIS).amount == D("67500.00")


def test_no_crisis_leaves_the_crisis_line_at_zero_but_in_the_maximum():
    funding = compute_year(facts(serious_crisis_recognised=False), ACI_2019_AVENANT)
    crisis = line(funding, 4, VARIABLE_CRISIS)
    assert (crisis.envelope, crisis.amount) == (D("37500.00"), D("0.00"))
    assert funding.total == D(287_500 - 37_500)
    assert funding.maximum == D(287_500)


def test_a_crisis_pays_nothing_to_a_cpts_without_a_written_plan():
    funding = compute_year(
        facts(contract_year=2, crisis_plan_first_drafted=False, crisis_plan_drafted_before=False), ACI_2019_AVENANT
    )
    assert line(funding, 4, FIXED_FIRST_DRAFTING).amount == D(0)
    assert line(funding, 4, VARIABLE_CRISIS).amount == D(0)
    assert "pas de plan" in line(funding, 4, VARIABLE_CRISIS).detail


def test_a_plan_drafted_in_an_earlier_year_but_not_updated_earns_no_fixed_part_but_the_crisis_part():
    funding = compute_year(facts(contract_year=3, crisis_plan_first_drafted=False), ACI_2019_AVENANT)
    assert line(funding, 4, FIXED_UPDATE).amount == D(0)
    assert line(funding, 4, FIXED_UPDATE).envelope == D("12500.00")
    assert line(funding, 4, VARIABLE_CRISIS).amount == D("37500.00")


def test_a_year_1_without_the_plan_drafted_earns_no_crisis_money():
    funding = compute_year(facts(crisis_plan_first_drafted=False), ACI_2019_AVENANT)
    assert line(funding, 4, FIXED_FIRST_DRAFTING).amount == D(0)
    assert line(funding, 4, VARIABLE_CRISIS).amount == D(0)


def test_missions_left_out_or_not_started_pay_nothing():
    funding = compute_year(
        facts(mission_starts={1: START, 2: START, 3: None, 4: START}, serious_crisis_recognised=False),
        ACI_2019_AVENANT,
    )
    assert {item.mission for item in funding.lines} == {None, 1, 2, 4}
    # 50 000 + 80 000 + 50 000 + 25 000 (first drafting)
    assert funding.total == D(205_000)


def test_a_mission_starting_after_the_year_pays_nothing_this_year():
    funding = compute_year(facts(mission_starts={1: END}), ACI_2019_AVENANT)
    assert [item.part for item in funding.lines] == [FONCTIONNEMENT]


# --- Prorata -----------------------------------------------------------------------------


def test_a_mission_starting_mid_year_is_paid_by_the_day():
    # 1 July 2024 → 1 January 2025: 184 days of 366.
    funding = compute_year(facts(mission_starts={1: datetime.date(2024, 7, 1)}), ACI_2019_AVENANT)
    fixed = line(funding, 1, FIXED)
    # 55 000 × 184 / 366 = 27 650.273…
    assert fixed.amount == fixed.envelope == D("27650.27")
    # 25 000 × 184 / 366 = 12 568.306…
    assert line(funding, 1, VARIABLE).envelope == D("12568.31")
    assert "184/366 jours" in fixed.detail
    assert funding.total == D("50000.00") + D("27650.27") + D("12568.31")


def test_a_mission_started_before_the_year_counts_the_whole_year():
    funding = compute_year(facts(mission_starts={2: datetime.date(2023, 3, 1)}), ACI_2019_AVENANT)
    assert line(funding, 2, FIXED).amount == D("25000.00")


def test_a_taille_change_by_avenant_mid_year_pays_each_period_at_its_taille():
    # Taille 1 from 1 January to 1 April 2024 (91 days), then taille 2 (275 days).
    avenant = datetime.date(2024, 4, 1)
    funding = compute_year(facts(taille_periods=((START, 1), (avenant, 2))), ACI_2019_AVENANT)
    # Fonctionnement: (50 000 × 91 + 60 000 × 275) / 366 = 21 050 000 / 366 = 57 513.66…
    assert line(funding, None, FONCTIONNEMENT).amount == D("57513.66")
    # M1 fixed: (55 000 × 91 + 70 000 × 275) / 366 = 24 255 000 / 366 = 66 270.49…
    assert line(funding, 1, FIXED).amount == D("66270.49")
    assert "taille 1 : 91 j, taille 2 : 275 j" in line(funding, 1, FIXED).detail


def test_a_mission_starting_after_an_avenant_is_paid_at_the_new_taille_only():
    avenant = datetime.date(2024, 4, 1)
    funding = compute_year(
        facts(taille_periods=((START, 1), (avenant, 2)), mission_starts={3: datetime.date(2024, 7, 1)}),
        ACI_2019_AVENANT,
    )
    # 15 000 × 184 / 366 = 7 540.98…
    assert line(funding, 3, FIXED).amount == D("7540.98")


def test_prorata_and_avenant_together_in_a_mission_line():
    # Mission 5 from 1 March 2024 (taille 3), avenant to taille 4 on 1 October 2024.
    funding = compute_year(
        facts(
            taille_periods=((datetime.date(2020, 1, 1), 3), (datetime.date(2024, 10, 1), 4)),
            mission_starts={5: datetime.date(2024, 3, 1)},
        ),
        ACI_2019_AVENANT,
    )
    # 1 March → 1 October: 214 days at 15 000; 1 October → 1 January: 92 days at 20 000.
    # (15 000 × 214 + 20 000 × 92) / 366 = 5 050 000 / 366 = 13 797.81…
    assert line(funding, 5, FIXED).amount == D("13797.81")


# --- Indicators and tiers ----------------------------------------------------------------

ALD = IndicatorTerms(
    code="ald_sans_mt",
    mission=1,
    label="Patients en ALD sans médecin traitant (référence 219)",
    tiers=(
        Tier(None, D(50), D(9000)),
        Tier(D(51), D(100), D(6000)),
        Tier(D(101), D(219), D(3000)),
    ),
)
SCREENING = IndicatorTerms(
    code="depistage",
    mission=3,
    label="Dépistage du cancer colorectal",
    tiers=(
        Tier(D(30), None, D(1000)),  # socle
        Tier(D(35), None, D(2500)),  # intermédiaire
        Tier(D(40), None, D(3500)),  # objectif
    ),
)


@pytest.mark.parametrize(
    ("value", "earned"),
    [
        (0, 9000),
        (50, 9000),
        (51, 6000),
        (100, 6000),
        (101, 3000),
        (219, 3000),
        (220, 0),
    ],
)
def test_ald_tiers_of_domain_4(value, earned):
    assert ALD.earned(D(value)) == D(earned)


@pytest.mark.parametrize(
    ("rate", "earned"),
    [("29.9", 0), ("30", 1000), ("34.99", 1000), ("35", 2500), ("39.5", 2500), ("40", 3500), ("62", 3500)],
)
def test_screening_socle_intermediate_and_target_earn_the_largest_tier_reached(rate, earned):
    assert SCREENING.earned(D(rate)) == D(earned)


def test_an_unmeasured_indicator_earns_nothing():
    assert IndicatorResult(ALD, None).earned == D(0)


def test_the_variable_part_is_the_sum_of_the_indicators_earned():
    simple_target = IndicatorTerms("snp_24h", 1, "Demandes de SNP traitées sous 24 h", (Tier(D(80), None, D(5000)),))
    results = {1: (IndicatorResult(ALD, D(75)), IndicatorResult(simple_target, D(82)))}
    funding = compute_year(facts(indicator_results=results), ACI_2019_AVENANT)
    variable = line(funding, 1, VARIABLE)
    assert variable.amount == D("11000.00")  # 6 000 + 5 000
    assert variable.envelope == D("25000.00")


def test_the_variable_part_is_capped_at_the_envelope():
    rich = IndicatorTerms("x", 3, "Dépistage", (Tier(None, None, D(8000)),))
    results = {3: (IndicatorResult(SCREENING, D(41)), IndicatorResult(rich, D(1)))}
    funding = compute_year(facts(indicator_results=results), ACI_2019_AVENANT)
    # 3 500 + 8 000 = 11 500 > 10 000 (taille 1).
    assert line(funding, 3, VARIABLE).amount == D("10000.00")
    assert "plafonnés" in line(funding, 3, VARIABLE).detail


def test_the_cap_is_the_prorated_envelope():
    results = {1: (IndicatorResult(ALD, D(10)),)}  # 9 000 earned
    funding = compute_year(
        facts(mission_starts={1: datetime.date(2024, 10, 1)}, indicator_results=results), ACI_2019_AVENANT
    )
    # 25 000 × 92 / 366 = 6 284.15…
    assert line(funding, 1, VARIABLE).amount == D("6284.15")


def test_with_results_given_a_mission_without_results_earns_no_variable_part():
    funding = compute_year(facts(indicator_results={1: (IndicatorResult(ALD, D(10)),)}), ACI_2019_AVENANT)
    assert line(funding, 2, VARIABLE).amount == D(0)
    assert line(funding, 2, FIXED).amount == D("25000.00")


def test_without_results_the_variable_parts_count_in_full():
    funding = compute_year(facts(indicator_results=None), ACI_2019_AVENANT)
    assert all(item.amount == item.envelope for item in funding.lines)


# --- Tariff versions ---------------------------------------------------------------------


def test_tariff_on_picks_the_version_in_force():
    newer = Tariff(
        version="test-next",
        valid_from=datetime.date(2030, 1, 1),
        label="Un avenant futur",
        amounts={key: value * 2 for key, value in ACI_2019_AVENANT.amounts.items()},
    )
    tariffs = (*TARIFFS, newer)
    assert tariff_on(datetime.date(2029, 12, 31), tariffs) is ACI_2019_AVENANT
    assert tariff_on(datetime.date(2030, 1, 1), tariffs) is newer
    assert tariff_on(datetime.date(2030, 1, 1)) is ACI_2019_AVENANT


def test_no_tariff_before_the_first_version():
    with pytest.raises(NoTariffError):
        tariff_on(datetime.date(2019, 1, 1))


def test_an_incomplete_tariff_is_refused():
    amounts = dict(ACI_2019_AVENANT.amounts)
    del amounts[((5, FIXED), 2)]
    with pytest.raises(ValueError, match="incomplet"):
        Tariff("broken", datetime.date(2031, 1, 1), "Incomplet", amounts)


# --- Facts validation and formatting -----------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"contract_year": 6},
        {"year_end": START},
        {"taille_periods": ()},
        {"taille_periods": ((datetime.date(2024, 2, 1), 1),)},
        {"taille_periods": ((START, 5),)},
        {"mission_starts": {7: START}},
    ],
)
def test_inconsistent_facts_are_refused(overrides):
    with pytest.raises(ValueError):
        facts(**overrides)


def test_euros_are_written_the_french_way():
    assert euros(D("287500")) == "287\u202f500,00\u00a0€"
    assert euros(D("6284.155")) == "6\u202f284,16\u00a0€"


# --- Properties --------------------------------------------------------------------------

days = st.integers(min_value=0, max_value=400)
money = st.decimals(min_value=0, max_value=200_000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def year_facts(draw):
    start = draw(st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2035, 12, 31)))
    end = start + datetime.timedelta(days=draw(st.integers(min_value=365, max_value=366)))
    changes = sorted(set(draw(st.lists(st.integers(min_value=1, max_value=364), max_size=3))))
    periods = (
        (start, draw(st.integers(1, 4))),
        *((start + datetime.timedelta(days=offset), draw(st.integers(1, 4))) for offset in changes),
    )
    missions = draw(st.lists(st.sampled_from(ALL_MISSIONS), unique=True))
    starts = {
        mission: draw(st.none() | days.map(lambda offset, start=start: start + datetime.timedelta(days=offset - 30)))
        for mission in missions
    }
    results = None
    if draw(st.booleans()):
        results = {
            mission: tuple(declared_earned(mission, draw(money)) for _ in range(draw(st.integers(0, 3))))
            for mission in missions
            if draw(st.booleans())
        }
    return YearFacts(
        contract_year=draw(st.integers(1, 5)),
        year_start=start,
        year_end=end,
        taille_periods=periods,
        mission_starts=starts,
        crisis_plan_first_drafted=draw(st.booleans()),
        crisis_plan_updated=draw(st.booleans()),
        serious_crisis_recognised=draw(st.booleans()),
        indicator_results=results,
        crisis_plan_drafted_before=draw(st.none() | st.booleans()),
    )


@settings(max_examples=300, deadline=None)
@given(year_facts())
def test_properties_of_any_year(year):
    funding = compute_year(year, ACI_2019_AVENANT)
    for item in funding.lines:
        assert item.amount >= 0
        assert item.envelope >= 0
        assert item.amount <= item.envelope
        assert item.amount == item.amount.quantize(D("0.01"))
    assert funding.total == sum(item.amount for item in funding.lines)
    assert funding.total <= funding.maximum
    assert funding.maximum <= ACI_2019_AVENANT.maximum(4)


@settings(max_examples=200, deadline=None)
@given(
    taille=st.integers(1, 4),
    results=st.lists(st.tuples(st.decimals(0, 500, places=1), money), max_size=5),
)
def test_the_variable_part_never_exceeds_its_envelope_whatever_the_tiers(taille, results):
    indicators = tuple(
        IndicatorResult(IndicatorTerms(f"i{index}", 2, "Indicateur", (Tier(None, D(250), amount),)), value)
        for index, (value, amount) in enumerate(results)
    )
    funding = compute_year(
        facts(taille_periods=((START, taille),), indicator_results={2: indicators}), ACI_2019_AVENANT
    )
    variable = line(funding, 2, VARIABLE)
    earned = sum((indicator.earned for indicator in indicators), D(0))
    assert variable.amount == min(earned, variable.envelope)
    assert variable.envelope == D(SEED_TABLE[(2, VARIABLE)][taille - 1])
