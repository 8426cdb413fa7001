import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillon.territories.taille import taille_for_population


@pytest.mark.parametrize(
    ("population", "taille"),
    [(0, 1), (39_999, 1), (40_000, 2), (79_999, 2), (80_000, 3), (175_000, 3), (175_001, 4), (2_000_000, 4)],
)
def test_taille_follows_the_thresholds_of_the_texts(population, taille):
    assert taille_for_population(population) == taille


def test_the_owner_of_exactly_80000_is_a_setting(settings):
    settings.MAILLON_TAILLE_MINIMUMS = [40_000, 80_001, 175_001]
    assert taille_for_population(80_000) == 2
    assert taille_for_population(80_001) == 3


@given(st.integers(min_value=0, max_value=10_000_000), st.integers(min_value=0, max_value=10_000_000))
def test_taille_never_decreases_when_population_grows(a, b):
    low, high = sorted((a, b))
    assert 1 <= taille_for_population(low) <= taille_for_population(high) <= 4
