"""The demo's member plan, without the commune import: the national mix and valid numbers."""

import pytest
from stdnum.fr import siret

from maillon.core.identifiers import is_valid_adeli, is_valid_finess, is_valid_rpps
from maillon.demo import members
from maillon.members.professions import NATIONAL_ADHERENTS_2024, NationalCategory

BIG = [category for category, count in NATIONAL_ADHERENTS_2024.items() if count > 1000]


@pytest.mark.parametrize("total", [37, 60, 97, 138])
def test_quotas_add_up_and_keep_every_big_category(total):
    quotas = members.national_quotas(total)
    assert sum(quotas.values()) == total
    assert all(quotas[category] >= 1 for category in BIG)
    assert quotas[NationalCategory.INFIRMIERS] >= quotas[NationalCategory.GENERALISTES]


def test_rare_professions_are_spread_over_the_region():
    before, region = 0, dict.fromkeys(NATIONAL_ADHERENTS_2024, 0)
    for total in (60, 97, 138, 57, 37, 37):
        for category, quota in members.national_quotas(total, before).items():
            assert quota >= 0
            region[category] += quota
        before += total
    assert region[NationalCategory.IPA] == 1
    assert region[NationalCategory.PSYCHOLOGUES] == 1
    assert sum(region.values()) == before


@pytest.mark.parametrize("population", [0, 25_000, 120_000, 400_000])
def test_member_counts_stay_between_40_and_150(population):
    assert 40 <= members.member_count(population) <= 150


@pytest.mark.parametrize("n", [1, 7, 99, 12_345, 99_999])
def test_demo_numbers_are_valid_and_apart_from_each_cpts(n):
    numbers = set()
    for index in range(6):
        rpps, adeli = members.demo_rpps(index, n), members.demo_adeli(index, n)
        finess, number = members.demo_finess(index, n % 1000), members.demo_siret(index, n)
        assert is_valid_rpps(rpps) and is_valid_adeli(adeli) and is_valid_finess(finess) and siret.is_valid(number)
        numbers |= {rpps, adeli, finess, number}
    assert len(numbers) == 24
