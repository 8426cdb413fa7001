"""The representative of a member structure edits its card: name, address, commune, contact.

Type and FINESS/SIRET come from the registers and stay. Only the account set as the
structure's representative (and the coordination, which keeps every card) edits it, while
the structure is an active adherent here (`members.policies.can_edit_structure_card`): the
other members, who see the card in the directory, get 403; anybody else 404, as for a
structure that does not exist.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.core.policies import ensure_allowed
from maillon.members import policies

from ...space import allow
from ...toolkit.communes import commune_suggestions
from .. import page
from ..directory.display import structure_or_404
from .common import require_member, space_breadcrumb
from .forms import StructureCardForm
from .writes import save_structure_card


def can_edit_structure(request, structure) -> bool:
    """The structure's representative, or the coordination of the CPTS."""
    return policies.can_edit_structure_card(request.user, structure, request.cpts)


def own_structure(request, cpts, pk):
    structure = structure_or_404(cpts, pk)
    ensure_allowed(
        can_edit_structure(request, structure),
        "Seul le représentant de la structure ou la coordination modifie sa fiche.",
    )
    return structure


@page("annuaire/structures/<int:pk>/modifier/")
@allow("GET", "POST", check=require_member)
def members_structure_edit(request, cpts_slug, pk):
    cpts = request.cpts
    structure = own_structure(request, cpts, pk)
    page_url = reverse("members_structure_edit", args=[cpts.slug, structure.pk])
    suggestions = commune_suggestions(request, search_url=page_url)
    if suggestions is not None:
        return suggestions
    initial = {name: getattr(structure, name) for name in ("name", "address", "phone", "email")}
    form = StructureCardForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        initial_commune=structure.commune,
        search_url=page_url,
    )
    if request.method == "POST" and form.is_valid():
        save_structure_card(structure, form.cleaned_data)
        messages.success(request, "La fiche de la structure est enregistrée.")
        return redirect("members_structure_card", cpts_slug=cpts.slug, pk=structure.pk)
    card_url = reverse("members_structure_card", args=[cpts.slug, structure.pk])
    context = {
        "cpts": cpts,
        "structure": structure,
        "form": form,
        "title": f"Fiche de {structure.name} — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, "Modifier la fiche", (structure.name, card_url)),
    }
    return render(request, "members/adhesion/structure_edit.html", context)
