"""What a fiche-action of the projet de santé starts in the pathways mission (mission 2): a
programme de parcours in draft — named after the sheet, its target population as the inclusion
criteria, the rest of the sheet as its description, no step yet: the coordination writes them
(its next version) before including anyone (`creation.registry`)."""

from django.urls import reverse

from maillon.core import journal
from maillon.core.missions import Mission
from maillon.creation.registry import register_starter

from .models import Programme

KIND = "pathways_programme"


def description_of(sheet) -> str:
    parts = [
        ("Objectif", sheet.objective),
        ("Besoin identifié", sheet.need),
        ("Actions prévues", sheet.actions),
        ("Pilote", sheet.owner),
        ("Partenaires", sheet.partners),
        ("Calendrier", sheet.calendar),
        ("Budget prévisionnel", f"{sheet.budget} €" if sheet.budget is not None else ""),
    ]
    return "\n\n".join(f"{label} : {text.strip()}" for label, text in parts if text and text.strip())


def start(sheet, *, by) -> Programme:
    programme = Programme(
        cpts=sheet.section.version.cpts,
        name=sheet.title[:150],
        description=description_of(sheet),
        eligibility=sheet.target_population,
    )
    programme.full_clean()
    with journal.acting_as(by):
        programme.save()
    return programme


def path(programme) -> str:
    return reverse("pathways_programme", args=[programme.cpts.slug, programme.pk])


def register() -> None:
    register_starter(KIND, mission=Mission.PATHWAYS, label="un programme de parcours", start=start, path=path)
