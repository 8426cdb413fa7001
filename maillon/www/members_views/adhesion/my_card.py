"""A member edits their own directory card: contact, practice and places.

Identity, profession and RPPS/ADELI come from the national registers and stay
as they are. The card is reachable only by the account linked to it, and only
while it has an active adhesion to this CPTS.
"""

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.members import policies
from maillon.members.models import Involvement, Membership, PracticePlace, Professional, Structure
from maillon.members.services import member_structures, missions_of

from ...space import allow, visible_if
from ...toolkit.communes import commune_suggestions
from .. import page
from .common import space_breadcrumb
from .forms import CardForm, PlaceFormSet
from .writes import save_card


def own_card(request, cpts):
    """The user's card if it has an active adhesion here, else None."""
    if not request.user.is_authenticated:
        return None
    active_here = Membership.objects.for_cpts(cpts).active()
    return (
        Professional.objects.filter(user=request.user, memberships__in=active_here)
        .prefetch_related(
            Prefetch("practice_places", queryset=PracticePlace.objects.select_related("commune")), "languages"
        )
        .first()
    )


def own_membership(cpts, professional):
    """The active adhesion of the card to this CPTS, with its missions."""
    return (
        Membership.objects.for_cpts(cpts)
        .active()
        .filter(professional=professional)
        .prefetch_related("missions")
        .first()
    )


def place_structures(cpts, places):
    """The member structures of the CPTS, and the structures the places already have (kept as they are)."""
    current = [place.structure_id for place in places if place.structure_id]
    return Structure.objects.filter(Q(pk__in=member_structures(cpts).values("pk")) | Q(pk__in=current)).order_by(
        "name", "pk"
    )


def takes_part_in_missions(membership) -> bool:
    return membership is not None and membership.involvement in (Involvement.MISSION, Involvement.PROJECT_LEAD)


def card_initial(professional, membership=None) -> dict:
    return {
        "missions": missions_of(membership) if membership is not None else [],
        "email": professional.email,
        "phone": professional.phone,
        "skills": professional.skills,
        "languages": list(professional.languages.all()),
        "accepts_new_patients": professional.accepts_new_patients,
        "takes_part_in_snp": professional.takes_part_in_snp,
    }


@page("ma-fiche/")
@allow("GET", "POST", check=visible_if(policies.can_edit_own_card))
def members_my_card(request, cpts_slug):
    cpts = request.cpts
    page_url = reverse("members_my_card", args=[cpts.slug])
    context = {"cpts": cpts, "title": f"Ma fiche — {cpts.name}", "breadcrumb_data": space_breadcrumb(cpts, "Ma fiche")}
    professional = own_card(request, cpts)
    if professional is None:
        # A role here, but no card of an active member to edit: say so, and how to get one.
        return render(request, "members/adhesion/my_card_missing.html", context)
    suggestions = commune_suggestions(request, search_url=page_url)
    if suggestions is not None:
        return suggestions
    data = request.POST if request.method == "POST" else None
    membership = own_membership(cpts, professional)
    with_missions = takes_part_in_missions(membership)
    card_form = CardForm(data, initial=card_initial(professional, membership), with_missions=with_missions)
    places = list(professional.practice_places.all())
    place_forms = PlaceFormSet(
        data, prefix="lieux", places=places, search_url=page_url, structures=place_structures(cpts, places)
    )
    if data is not None and card_form.is_valid() and place_forms.is_valid():
        save_card(
            professional,
            card=card_form.cleaned_data,
            places=place_forms,
            membership=membership if with_missions else None,
            cpts=cpts,
        )
        messages.success(request, "Votre fiche est enregistrée.")
        return redirect("members_my_card", cpts_slug=cpts.slug)
    context.update(
        {
            "professional": professional,
            "membership": membership,
            "card_form": card_form,
            "place_forms": place_forms,
            "with_missions": with_missions,
        }
    )
    return render(request, "members/adhesion/my_card.html", context)
