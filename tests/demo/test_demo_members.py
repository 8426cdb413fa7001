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


def spec(n, *, involvement="mission", status="active"):
    return members.MemberSpec(
        number=members.demo_rpps(0, n),
        category=NationalCategory.INFIRMIERS,
        commune="78646",
        status=status,
        joined_on=None,
        involvement=involvement,
    )


def test_active_members_in_a_mission_get_one_or_two_missions_deterministically():
    drawn = [members.demo_missions(spec(n, involvement=("mission", "project_lead")[n % 2])) for n in range(300)]

    assert all(1 <= len(missions) <= 2 and set(missions) <= set(range(1, 7)) for missions in drawn)
    assert drawn == [members.demo_missions(spec(n, involvement=("mission", "project_lead")[n % 2])) for n in range(300)]
    assert {len(missions) for missions in drawn} == {1, 2}
    assert {number for missions in drawn for number in missions} == set(range(1, 7))


@pytest.mark.parametrize(("involvement", "status"), [("mailing_list", "active"), ("mission", "left")])
def test_others_get_no_mission(involvement, status):
    assert members.demo_missions(spec(7, involvement=involvement, status=status)) == []
