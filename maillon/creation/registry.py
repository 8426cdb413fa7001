"""Where the mission apps say which of their objects a fiche-action can start — as the ACI's
registry (`contracts.registry`) holds their indicators — so `creation` never imports a mission.

A mission app registers, from its `AppConfig.ready()`, a `Starter`: the mission it serves, the
label of what it creates (« une action de prévention »), `start(sheet, *, by)` that creates the
object from the fiche-action (title, objective, target population, owner, budget…) and returns
it, and `path(obj)` the address of its page. `services_start` records on the sheet which object
it started (`ActionSheet.started`, "kind:id"), so a fiche starts one object once.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from maillon.core import journal

_STARTERS: dict[str, "Starter"] = {}


@dataclass(frozen=True)
class Starter:
    kind: str
    mission: int
    label: str
    start: Callable
    path: Callable


def register_starter(kind: str, *, mission: int, label: str, start: Callable, path: Callable) -> None:
    _STARTERS[kind] = Starter(kind=kind, mission=mission, label=label, start=start, path=path)


def unregister(kind: str) -> None:
    _STARTERS.pop(kind, None)


def starters_for(mission: int) -> list[Starter]:
    return [starter for starter in _STARTERS.values() if starter.mission == mission]


def starter(kind: str) -> Starter | None:
    return _STARTERS.get(kind)


def started_kind(sheet) -> str:
    return sheet.started.split(":", 1)[0] if sheet.started else ""


@transaction.atomic
def start_from_sheet(sheet, kind: str, *, by):
    """Create the mission object the fiche-action describes; the sheet remembers it."""
    from .models import ActionSheet, ProjectStatus, ProjectVersion

    sheet = ActionSheet.objects.select_for_update().select_related("section__version__cpts").get(pk=sheet.pk)
    version = sheet.section.version
    if version.status != ProjectStatus.VALIDATED:
        raise ValidationError({"kind": "Une fiche-action démarre son objet une fois le projet de santé validé."})
    latest = ProjectVersion.objects.for_cpts(version.cpts).filter(status=ProjectStatus.VALIDATED).order_by("-number")
    if latest.values_list("pk", flat=True).first() != version.pk:
        # Only the projet in force starts objects: an older version's sheet was copied into it.
        raise ValidationError({"kind": "Seules les fiches-actions de la dernière version validée démarrent un objet."})
    found = _STARTERS.get(kind)
    if found is None or found.mission != sheet.section.mission:
        raise ValidationError({"kind": "Objet à démarrer : choisissez parmi ceux de la mission de la fiche."})
    if sheet.started:
        raise ValidationError({"kind": "Cette fiche-action a déjà démarré son objet."})
    obj = found.start(sheet, by=by)
    sheet.started = f"{kind}:{obj.pk}"
    with journal.acting_as(by):
        sheet.save(update_fields=["started"])
        for copy in later_copies(sheet):  # a newer version written meanwhile knows it started too
            copy.started = sheet.started
            copy.save(update_fields=["started"])
    return obj


def later_copies(sheet) -> list:
    """The sheets copied from this one in later versions, and their copies, and so on."""
    from .models import ActionSheet

    found, frontier = [], [sheet.pk]
    while frontier:
        copies = list(ActionSheet.objects.select_for_update().filter(source_id__in=frontier))
        found += copies
        frontier = [copy.pk for copy in copies]
    return found
