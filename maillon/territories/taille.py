"""The taille of a CPTS from its population (DOMAIN.md §2); thresholds are settings."""

from django.conf import settings


def taille_for_population(population: int) -> int:
    """1 below 40 000; 2 from 40 000; 3 from 80 000 (a setting); 4 above 175 000."""
    minimums = settings.MAILLON_TAILLE_MINIMUMS
    taille = 1
    for index, minimum in enumerate(minimums, start=2):
        if population >= minimum:
            taille = index
    return taille
