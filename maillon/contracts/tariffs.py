"""The ACI tariff table (barème), as data and versioned (DOMAIN.md §4, docs/funding.md).

A `Tariff` gives the yearly amount of every funding line for each taille. Lines are
`FONCTIONNEMENT` or a `(mission, part)` pair. To add a version (a new avenant of the
ACI), append a `Tariff` to `TARIFFS` with its `valid_from`: `tariff_on(day)` picks the
version in force on that day.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from maillon.core.missions import SOCLE, Mission, contract_title

FONCTIONNEMENT = "fonctionnement"

# Parts of a mission's funding.
FIXED = "fixed"
VARIABLE = "variable"
# Mission 4 (crises sanitaires graves) has its own lines.
FIXED_FIRST_DRAFTING = "fixed_first_drafting"
FIXED_UPDATE = "fixed_update"
VARIABLE_CRISIS = "variable_crisis"

FIXED_PARTS = (FIXED, FIXED_FIRST_DRAFTING, FIXED_UPDATE)
VARIABLE_PARTS = (VARIABLE, VARIABLE_CRISIS)

TAILLES = (1, 2, 3, 4)
SOCLE_MISSIONS = tuple(int(mission) for mission in SOCLE)

Line = str | tuple[int, str]

# Wording of seeds 002 and 003 (« Dispositif de financement par taille »).
PART_LABELS = {
    FONCTIONNEMENT: "Total",
    FIXED: "Volet fixe / moyens",
    VARIABLE: "Volet variable / actions et résultats",
    FIXED_FIRST_DRAFTING: "Volet fixe / moyens — 1re rédaction du plan",
    FIXED_UPDATE: "Volet fixe / moyens — mise à jour du plan",
    VARIABLE_CRISIS: "Volet variable — survenue d'une crise sanitaire grave (CPTS ayant rédigé un plan)",
}


def mission_title(mission: int | None) -> str:
    """The heading of a block of the seeds' table; None is fonctionnement (`core.missions`)."""
    return contract_title(mission)


def mission_lines(mission: int) -> tuple[str, ...]:
    """The parts of a mission's funding, in the order of the seeds' table."""
    if mission == Mission.CRISIS:
        return (FIXED_FIRST_DRAFTING, FIXED_UPDATE, VARIABLE_CRISIS)
    return (FIXED, VARIABLE)


def all_lines() -> tuple[Line, ...]:
    return (FONCTIONNEMENT, *((mission, part) for mission in Mission for part in mission_lines(mission)))


class NoTariffError(LookupError):
    pass


@dataclass(frozen=True)
class Tariff:
    version: str
    valid_from: datetime.date
    label: str
    amounts: Mapping[tuple[Line, int], Decimal]

    def __post_init__(self):
        expected = {(line, taille) for line in all_lines() for taille in TAILLES}
        missing = expected - set(self.amounts)
        if missing:
            raise ValueError(f"Barème {self.version} incomplet : {sorted(map(str, missing))}.")

    def amount(self, line: Line, taille: int) -> Decimal:
        """The yearly amount of `line` (FONCTIONNEMENT or (mission, part)) for a taille."""
        if isinstance(line, tuple):
            line = (int(line[0]), line[1])
        return self.amounts[(line, taille)]

    def maximum(self, taille: int) -> Decimal:
        """Every line of a year-1 contract with all six missions and a serious crisis."""
        lines = [line for line in all_lines() if line != (Mission.CRISIS, FIXED_UPDATE)]
        return sum((self.amount(line, taille) for line in lines), Decimal(0))


def _table(fonctionnement, missions: dict[tuple[int, str], tuple[int, int, int, int]]):
    amounts: dict[tuple[Line, int], Decimal] = {}
    for taille, value in zip(TAILLES, fonctionnement, strict=True):
        amounts[(FONCTIONNEMENT, taille)] = Decimal(value)
    for line, values in missions.items():
        for taille, value in zip(TAILLES, values, strict=True):
            amounts[((int(line[0]), line[1]), taille)] = Decimal(value)
    return amounts


# Seeds 002 (« CPTS : s'organiser sur le territoire », 22 March 2024, slide « Dispositif de
# financement par taille ») and 003 (URPS Sages-Femmes IdF, « Retour sur le financement des
# CPTS », 2024): the ACI CPTS of 2019 as amended (mission 4, the crisis plan, came by a later
# avenant). valid_from: the 2019 ACI's approval (arrêté of 21 August 2019, JO of 24 August
# 2019) — the date these amounts took effect is « to confirm » (docs/funding.md).
ACI_2019_AVENANT = Tariff(
    version="aci-2019-avenant",
    valid_from=datetime.date(2019, 8, 24),
    label="ACI CPTS 2019 et ses avenants (barème par taille)",
    amounts=_table(
        (50_000, 60_000, 75_000, 90_000),
        {
            (Mission.ACCESS, FIXED): (55_000, 70_000, 90_000, 110_000),
            (Mission.ACCESS, VARIABLE): (25_000, 30_000, 35_000, 45_000),
            (Mission.PATHWAYS, FIXED): (25_000, 35_000, 45_000, 50_000),
            (Mission.PATHWAYS, VARIABLE): (25_000, 35_000, 45_000, 50_000),
            (Mission.PREVENTION, FIXED): (10_000, 15_000, 17_500, 20_000),
            (Mission.PREVENTION, VARIABLE): (10_000, 15_000, 17_500, 20_000),
            (Mission.CRISIS, FIXED_FIRST_DRAFTING): (25_000, 35_000, 45_000, 50_000),
            (Mission.CRISIS, FIXED_UPDATE): (12_500, 17_500, 22_500, 25_000),
            (Mission.CRISIS, VARIABLE_CRISIS): (37_500, 52_500, 67_500, 75_000),
            (Mission.QUALITY, FIXED): (7_500, 10_000, 15_000, 20_000),
            (Mission.QUALITY, VARIABLE): (7_500, 10_000, 15_000, 20_000),
            (Mission.SUPPORT, FIXED): (5_000, 7_500, 10_000, 15_000),
            (Mission.SUPPORT, VARIABLE): (5_000, 7_500, 10_000, 15_000),
        },
    ),
)

# Oldest first; a new avenant is one more entry.
TARIFFS: tuple[Tariff, ...] = (ACI_2019_AVENANT,)


def tariff_on(day: datetime.date, tariffs: tuple[Tariff, ...] = TARIFFS) -> Tariff:
    """The version in force on `day`: the latest whose valid_from is on or before it."""
    in_force = [tariff for tariff in tariffs if tariff.valid_from <= day]
    if not in_force:
        raise NoTariffError(f"Aucun barème ACI en vigueur le {day:%d/%m/%Y}.")
    return max(in_force, key=lambda tariff: tariff.valid_from)
