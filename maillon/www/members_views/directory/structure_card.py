"""The directory card of one member structure of the CPTS (any role): its contact, its
adhesion and missions, and the adherent professionals who practise there."""

from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse

from maillon.core import journal
from maillon.core.policies import ensure_visible
from maillon.members import policies
from maillon.members.models import Membership
from maillon.members.selectors import structure_professionals

from ...space import space_breadcrumb
from ..adhesion.structure_card import can_edit_structure
from .display import STRUCTURE_CARD_FIELDS, involvement_label, profession_label, structure_or_404


def members_structure_card(request, cpts_slug, pk):
    ensure_visible(policies.can_see_directory(request.user, request.cpts))
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    cpts = request.cpts
    structure = structure_or_404(cpts, pk)
    membership = Membership.objects.for_cpts(cpts).active().filter(structure=structure).prefetch_related("missions")
    professionals = list(structure_professionals(cpts, structure))
    for professional in professionals:
        professional.profession_label = profession_label(professional)
    # As journal.record_read, with the CPTS so the entry shows in its journal.
    journal.record(journal.Action.READ, structure, fields=STRUCTURE_CARD_FIELDS, cpts_id=cpts.pk)
    directory_url = reverse("members_directory", args=[cpts.slug])
    context = {
        "cpts": cpts,
        "structure": structure,
        "involvement": involvement_label(structure),
        "missions": [participation.get_mission_display() for participation in missions(membership)],
        "professionals": professionals,
        "can_edit": can_edit_structure(request, structure),
        "title": f"{structure.name} — Annuaire — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, structure.name, ("Annuaire", directory_url)),
    }
    return render(request, "members/directory/structure_card.html", context)


def missions(memberships) -> list:
    membership = memberships.first()
    return sorted(membership.missions.all(), key=lambda participation: participation.mission) if membership else []
