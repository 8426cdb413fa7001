"""The representative of a member structure edits its card: name, address, commune, contact.

Type and FINESS/SIRET come from the registers and stay. Reachable only by the account
set as the structure's representative (and by the coordination, which keeps every card),
while the structure is an active adherent here (anybody else: 404, as for a structure
that does not exist).
"""

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.core.access import require_cpts_role

from ...cpts_views.dashboard import is_coordinator
from ..directory.display import structure_or_404
from .common import space_breadcrumb
from .communes import commune_suggestions
from .forms import StructureCardForm
from .writes import save_structure_card


def can_edit_structure(request, structure) -> bool:
    """The structure's representative, or the coordination of the CPTS."""
    if not request.user.is_authenticated:
        return False
    return structure.representative_id == request.user.pk or is_coordinator(request)


def own_structure(request, cpts, pk):
    structure = structure_or_404(cpts, pk)
    if not can_edit_structure(request, structure):
        raise Http404
    return structure


def members_structure_edit(request, cpts_slug, pk):
    require_cpts_role(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
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
