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


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


def taille_labels() -> list[tuple[int, str]]:
    """(taille, « Taille 2 — de 40 000 à 79 999 habitants »…), from the setting's thresholds."""
    minimums = list(settings.MAILLON_TAILLE_MINIMUMS)
    labels = [(1, f"Taille 1 — moins de {_number(minimums[0])} habitants")]
    for index, minimum in enumerate(minimums, start=2):
        if index - 1 < len(minimums):
            upper = minimums[index - 1] - 1
            labels.append((index, f"Taille {index} — de {_number(minimum)} à {_number(upper)} habitants"))
        else:
            labels.append((index, f"Taille {index} — {_number(minimum)} habitants et plus"))
    return labels
