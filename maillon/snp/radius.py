"""The SAS search radius of each département (default radius and widening step, in km).

The table is the ANS's `SAS_Rayons_zones_de_recherche_2025` (data/sas_search_radii_2025.csv),
read once per process. A département it does not list, or lists with 0 km (Mayotte, Guyane),
gets the settings' default (MAILLON_SNP_DEFAULT_SEARCH_RADIUS_KM / _STEP_KM).
"""

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

RADII_CSV = Path(__file__).resolve().parent / "data" / "sas_search_radii_2025.csv"


@dataclass(frozen=True)
class SearchRadius:
    default_km: int
    step_km: int


@lru_cache(maxsize=1)
def _table() -> dict[str, SearchRadius]:
    with RADII_CSV.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if line.strip() and not line.startswith("#"))
        return {
            row["departement"].strip().upper(): SearchRadius(int(row["default_km"]), int(row["step_km"]))
            for row in rows
            if int(row["default_km"] or 0) > 0 and int(row["step_km"] or 0) > 0
        }


def default_radius() -> SearchRadius:
    return SearchRadius(settings.MAILLON_SNP_DEFAULT_SEARCH_RADIUS_KM, settings.MAILLON_SNP_DEFAULT_SEARCH_STEP_KM)


def radius_for(departement_code: str) -> SearchRadius:
    """The SAS radius of a département (« 78 », « 2A », « 971 »), else the settings' default."""
    return _table().get(str(departement_code or "").strip().upper()) or default_radius()
