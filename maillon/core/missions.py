"""The six missions of a CPTS (DOMAIN.md §3): numbers, labels, kind and deadlines.

Every app that speaks of a mission (meetings, members, the ACI contract, the mission
apps) uses these numbers; the deadlines count in months from the ACI signature date.
"""

from dataclasses import dataclass

from django.db import models


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
