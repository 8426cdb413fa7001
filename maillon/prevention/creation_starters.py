"""What a fiche-action of the projet de santé starts in the prevention mission (mission 3): a
planned action de prévention, named after the sheet, with its objective, target population,
owner, partners and budget — ready for the coordination to give it a theme, its dates and its
adherent in charge (`creation.registry`)."""

from django.urls import reverse
from django.utils import timezone

from maillon.core import journal
from maillon.core.missions import Mission
from maillon.creation.registry import register_starter

from .models import PreventionAction, Theme

KIND = "prevention_action"


def description_of(sheet) -> str:
    """The sheet's words the action has no field for (its owner is an adherent, chosen later)."""
    parts = [
        ("Objectif", sheet.objective),
        ("Population cible", sheet.target_population),
        ("Besoin identifié", sheet.need),
        ("Actions prévues", sheet.actions),
        ("Pilote", sheet.owner),
        ("Calendrier", sheet.calendar),
    ]
    return "\n\n".join(f"{label} : {text.strip()}" for label, text in parts if text and text.strip())


def start(sheet, *, by) -> PreventionAction:
    action = PreventionAction(
        cpts=sheet.section.version.cpts,
        title=sheet.title[:200],
        theme=Theme.OTHER,
        description=description_of(sheet),
        partners=sheet.partners,
        starts_on=timezone.localdate(),
        budget=sheet.budget,
        health_project_action=sheet.title[:200],
    )
    with journal.acting_as(by):
        action.save_with_communes()
    return action


def path(action) -> str:
    return reverse("prevention_action", args=[action.cpts.slug, action.pk])


def register() -> None:
    register_starter(KIND, mission=Mission.PREVENTION, label="une action de prévention", start=start, path=path)
