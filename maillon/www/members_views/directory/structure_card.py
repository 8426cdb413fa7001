"""The directory card of one member structure of the CPTS (any role): its contact, its
adhesion and missions, and the adherent professionals who practise there."""

from django.shortcuts import render

from maillon.members.models import Membership
from maillon.members.selectors import structure_professionals

from ...space import allow
from .. import page
from ..adhesion.common import require_member
from ..adhesion.structure_card import can_edit_structure
from .display import (
    STRUCTURE_CARD_FIELDS,
    card_context,
    involvement_label,
    profession_label,
    read_entry,
    structure_or_404,
)


@page("annuaire/structures/<int:pk>/")
@allow("GET", check=require_member)
def members_structure_card(request, cpts_slug, pk):
    cpts = request.cpts
    structure = read_entry(request, structure_or_404, pk, STRUCTURE_CARD_FIELDS)
    membership = Membership.objects.for_cpts(cpts).active().filter(structure=structure).prefetch_related("missions")
    professionals = list(structure_professionals(cpts, structure))
    for professional in professionals:
        professional.profession_label = profession_label(professional)
    context = card_context(cpts, structure.name) | {
        "structure": structure,
        "involvement": involvement_label(structure),
        "missions": [participation.get_mission_display() for participation in missions(membership)],
        "professionals": professionals,
        "can_edit": can_edit_structure(request, structure),
    }
    return render(request, "members/directory/structure_card.html", context)


def missions(memberships) -> list:
    membership = memberships.first()
    return sorted(membership.missions.all(), key=lambda participation: participation.mission) if membership else []
