"""Issue 13: one module builds the funding table; one place parses and labels missions;
one function cuts a year by taille."""

import datetime
from decimal import Decimal

import pytest

from maillon.contracts import funding_table
from maillon.contracts.funding import periods_for_year, simulate_year
from maillon.core import missions

D = Decimal
DAY = datetime.date(2025, 3, 1)


def table(**kwargs):
    options = {"taille": 3, "missions": (1, 2, 3, 4, 5), "contract_year": 1, "serious_crisis": True, "on": DAY}
    return funding_table.build(simulate_year(**(options | kwargs)))


def test_the_table_groups_lines_as_the_seeds_with_block_sums():
    built = table()
    assert [block.mission for block in built.blocks] == [None, 1, 2, 3, 4, 5]
    assert built.blocks[0].title == "Financement du fonctionnement de la communauté professionnelle"
    assert built.total == sum((block.amount for block in built.blocks), D(0)) == D("467500.00")
    assert built.maximum == sum((block.envelope for block in built.blocks), D(0))
    crisis = built.blocks[4]
    assert [row.part for row in crisis.rows] == ["fixed_first_drafting", "variable_crisis"]
    assert crisis.amount == D("112500.00")


def test_a_frozen_table_comes_back_as_it_was_built():
    built = table(taille=2, contract_year=3, serious_crisis=False)
    data = funding_table.to_data(built)
    assert data["total"] == str(built.total) and data["lines"][0]["mission_label"] == "Fonctionnement"
    back = funding_table.from_data(data)
    assert back.rows == built.rows and back.total == built.total and back.maximum == built.maximum
    assert funding_table.to_data(back) == data


def test_every_face_shows_the_same_rows():
    built = table()
    api = funding_table.api_lines(built)
    pages = funding_table.page_blocks(built)
    files = built.with_total()
    assert [(line["mission"], line["amount"]) for line in api] == [(row.mission, row.amount) for row in built.rows]
    assert sum(len(block["lines"]) for block in pages) == len(built.rows) == len(files) - 1
    assert files[-1] == ("Total", "", "", built.maximum, built.total)


def test_a_year_is_cut_by_taille_periods_in_one_place():
    start, end = datetime.date(2025, 3, 1), datetime.date(2026, 3, 1)
    periods = [(datetime.date(2023, 3, 1), 2), (datetime.date(2025, 9, 1), 3), (datetime.date(2026, 3, 1), 4)]
    assert periods_for_year(periods, start, end) == ((start, 2), (datetime.date(2025, 9, 1), 3))
    assert periods_for_year(periods, start, end, known_on=start) == ((start, 2),)


@pytest.mark.parametrize(
    ("given", "number"),
    [(3, 3), ("3", 3), (" 6 ", 6), ("M2", 2), ("m1-ald-sans-mt", 1), (missions.Mission.CRISIS, 4)],
)
def test_a_mission_number_is_parsed_in_one_place(given, number):
    assert missions.parse(given) == number


@pytest.mark.parametrize("given", [0, 7, "7", "x", "", True, None, 2.0, "m"])
def test_anything_else_is_refused_in_french(given):
    with pytest.raises(ValueError, match="Mission"):
        missions.parse(given)


def test_missions_are_labelled_in_one_place():
    assert missions.parse_many(["3", 1, 3]) == [1, 3]
    assert missions.label(1) == "1 — Accès aux soins"
    assert missions.label(None) == "Fonctionnement"
    assert missions.label(None, none="Hors mission") == "Hors mission"
    assert missions.numbered_label(4) == "Mission 4 — Crises sanitaires graves"
    assert missions.contract_title(6).endswith("(optionnel)")
