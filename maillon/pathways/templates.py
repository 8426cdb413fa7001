"""The library of programme templates shipped with the product (DOMAIN.md §3, mission 2;
HAS PPCS 2019), kept as data in `data/templates.json`. A CPTS starts a programme from one
(`services.create_from_template`) and then adapts it: a template is a starting point, never
a rule.

A step: [title, profession code (TRE_G15) or "", role or "", anchor, delay in days,
tolerance in days]; an anchor is a value of `models.Anchor`.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from maillon.members.professions import Profession

from .models import Anchor

LIBRARY = Path(__file__).parent / "data" / "templates.json"


@dataclass(frozen=True)
class Template:
    name: str
    description: str
    eligibility: str
    steps: tuple
    grids: tuple
    perinatal: bool = False


def load(path: Path = LIBRARY) -> dict[str, Template]:
    """The templates of the file, each step checked against the professions and anchors."""
    templates = {}
    for key, entry in json.loads(path.read_text(encoding="utf-8")).items():
        steps = tuple(tuple(step) for step in entry["steps"])
        for _, profession, role, anchor, *_ in steps:
            if (
                (profession and profession not in Profession.values)
                or anchor not in Anchor.values
                or not (profession or role)
            ):
                raise ValueError(f"{path.name}: {key}: a step names no known profession, role or anchor")
        templates[key] = Template(
            entry["name"],
            entry["description"],
            entry["eligibility"],
            steps=steps,
            grids=tuple(entry["assessment_grids"]),
            perinatal=entry["perinatal"],
        )
    return templates


TEMPLATES = load()
