"""The six missions of a CPTS (DOMAIN.md §3): numbers, labels, kind and deadlines.

Every app that speaks of a mission (meetings, members, the ACI contract, the mission
apps) uses these numbers; the deadlines count in months from the ACI signature date.
"""

import re
from dataclasses import dataclass

from django.db import models

# The tag the regions follow across missions (pathway programmes, prevention actions…): the
# observatory counts the CPTS with perinatal actions.
PERINATAL_LABEL = "Périnatalité / santé de la femme"


class Mission(models.IntegerChoices):
    ACCESS = 1, "1 — Accès aux soins"
    PATHWAYS = 2, "2 — Parcours pluriprofessionnels"
    PREVENTION = 3, "3 — Prévention"
    CRISIS = 4, "4 — Crises sanitaires graves"
    QUALITY = 5, "5 — Qualité et pertinence des soins"
    SUPPORT = 6, "6 — Accompagnement des professionnels"


@dataclass(frozen=True)
class MissionRules:
    socle: bool
    start_within_months: int | None
    deployed_within_months: int | None


RULES = {
    Mission.ACCESS: MissionRules(True, 6, 18),
    Mission.PATHWAYS: MissionRules(True, 12, 24),
    Mission.PREVENTION: MissionRules(True, 12, 24),
    Mission.CRISIS: MissionRules(True, 6, 18),
    Mission.QUALITY: MissionRules(False, None, None),
    Mission.SUPPORT: MissionRules(False, None, None),
}

SOCLE = [mission for mission, rules in RULES.items() if rules.socle]
OPTIONAL = [mission for mission, rules in RULES.items() if not rules.socle]


def short_label(mission: int) -> str:
    """« Accès aux soins » without its number."""
    return Mission(mission).label.split(" — ", 1)[1]


FONCTIONNEMENT_LABEL = "Fonctionnement"

# Headings of the ACI's funding table (seeds 002 and 003, « Dispositif de financement par taille »).
CONTRACT_TITLES = {
    Mission.ACCESS: "Missions en faveur de l'amélioration de l'accès aux soins (socle)",
    Mission.PATHWAYS: "Missions en faveur de l'organisation de parcours pluriprofessionnels autour du patient (socle)",
    Mission.PREVENTION: "Missions en faveur du développement des actions territoriales de prévention (socle)",
    Mission.CRISIS: "Mission dédiée à la réponse aux crises sanitaires graves (socle)",
    Mission.QUALITY: "Actions en faveur du développement de la qualité et de la pertinence des soins (optionnel)",
    Mission.SUPPORT: "Actions en faveur de l'accompagnement des professionnels de santé sur le territoire (optionnel)",
}
FONCTIONNEMENT_TITLE = "Financement du fonctionnement de la communauté professionnelle"


# « 3 », « M3 », « m3-depistage » (a mission's code), « mission 3 », « Mission n° 3 ».
MISSION_TEXT = re.compile(
    r"m(?P<code>[0-9]+)(?:-.*)?|(?:mission\s*(?:n\s*°?\s*)?)?(?P<number>[0-9]+)", re.IGNORECASE | re.DOTALL
)


def parse(value) -> Mission:
    """A mission from an int, a Mission or text (« 3 », « M3 », « m3-depistage… », « mission n° 3 »).

    The one parser of mission numbers; anything else raises a ValueError in French."""
    if isinstance(value, str):
        match = MISSION_TEXT.fullmatch(value.strip())
        if match is None:
            raise ValueError(f"Mission : « {value} » n'est pas un numéro de mission (1 à 6).")
        value = int(match["code"] or match["number"])
    if isinstance(value, bool) or not isinstance(value, int) or value not in Mission.values:
        raise ValueError(f"Mission : {value} n'est pas un numéro de mission (1 à 6).")
    return Mission(value)


def known(values) -> list[int]:
    """The mission numbers among `values`, sorted, without repeats; what is not one is dropped
    (saved selection criteria written by an older form)."""
    numbers = set()
    for value in values or ():
        try:
            numbers.add(int(parse(value)))
        except ValueError:
            continue
    return sorted(numbers)


def parse_many(values) -> list[int]:
    """Mission numbers, each parsed once, in order, without repeats."""
    return sorted({int(parse(value)) for value in values})


def label(mission: int | None, *, none: str = FONCTIONNEMENT_LABEL) -> str:
    """« 1 — Accès aux soins »; None (the contract's fonctionnement) → `none`."""
    return none if mission is None else Mission(mission).label


def numbered_label(mission: int | None) -> str:
    """« Mission 1 — Accès aux soins »; None → « Fonctionnement »."""
    return FONCTIONNEMENT_LABEL if mission is None else f"Mission {int(mission)} — {short_label(mission)}"


def contract_title(mission: int | None) -> str:
    """The heading of a block of the funding table; None is fonctionnement."""
    return FONCTIONNEMENT_TITLE if mission is None else CONTRACT_TITLES[Mission(mission)]
