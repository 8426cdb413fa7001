"""One adhesion, for the coordinator: the member, the history, and the decisions.

A member of the CPTS who may see the adhesion (an active one: `members.policies`) gets 403
here, as in the API; an adhesion they may not see (a request, a refusal, a departure)
answers 404, as a missing one.

Every action is a POST with `action`, runs in one transaction and redirects on
success; a refused transition comes back with the model's French message.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from maillon.core import journal
from maillon.core.policies import ensure_allowed, ensure_visible
from maillon.members import policies
from maillon.members.models import Membership, MembershipStatus, PracticePlace
from maillon.members.services import missions_of, set_place_structures, set_representative

from ...space import allow, posted_action
from .. import page
from ..directory.display import IDENTITY_FIELDS
from .common import add_errors, members_link, require_member, space_breadcrumb
from .forms import AcceptForm, FeeForm, LeaveForm, PlacementForm, PlaceStructuresForm, RefuseForm, RepresentativeForm
from .my_card import place_structures
from .writes import can_invite, invite_professional, set_fee, set_placement

# What the page shows of the member, for the journal.
SHOWN_FIELDS = {
    "professional": [
        *IDENTITY_FIELDS,
        "skills",
        "languages",
        "accepts_new_patients",
        "takes_part_in_snp",
        "practice_places",
    ],
    "structure": ["name", "kind", "finess", "siret", "address", "commune", "phone", "email"],
}


def get_membership(cpts, pk):
    """An adhesion of this CPTS only: any other answers 404."""
    queryset = (
        Membership.objects.for_cpts(cpts)
        .select_related(
            "professional__user", "structure__commune", "structure__representative", "college", "decided_by"
        )
        .prefetch_related(
            Prefetch("professional__practice_places", queryset=PracticePlace.objects.select_related("commune")),
            "professional__languages",
            "events__by",
            "fees",
            "missions",
        )
    )
    return get_object_or_404(queryset, pk=pk)


def build_forms(cpts, membership, data=None, action=""):
    """Every form of the page; only the posted one is bound."""
    placement_initial = {
        "college": membership.college_id,
        "involvement": membership.involvement,
        "missions": missions_of(membership),
    }

    def bound(name):
        return data if action == name else None

    return {
        "accept": AcceptForm(bound("accept"), prefix="accept"),
        "refuse": RefuseForm(bound("refuse"), prefix="refuse"),
        "leave": LeaveForm(bound("leave"), prefix="leave"),
        "placement": PlacementForm(bound("placement"), prefix="placement", cpts=cpts, initial=placement_initial),
        "fee": FeeForm(bound("fee"), prefix="fee"),
        "structures": structures_form(cpts, membership, bound("structures")),
        "representative": representative_form(cpts, membership, bound("representative")),
    }


def representative_form(cpts, membership, data):
    """Who speaks for an adherent structure, or None."""
    if membership.structure_id is None or membership.status != MembershipStatus.ACTIVE:
        return None
    initial = {"representative": membership.structure.representative_id}
    return RepresentativeForm(data, prefix="representative", cpts=cpts, initial=initial)


def structures_form(cpts, membership, data):
    """The structure of each practice place of an adherent professional, or None."""
    if membership.professional_id is None or membership.status != MembershipStatus.ACTIVE:
        return None
    places = list(membership.professional.practice_places.all())
    if not places:
        return None
    return PlaceStructuresForm(data, prefix="structures", places=places, structures=place_structures(cpts, places))


def run_action(request, membership, action, form) -> str:
    """Do the posted action; return the success message. Raises ValidationError."""
    data, user = form.cleaned_data, request.user
    if action == "accept":
        membership.accept(by=user, on=data["joined_on"])
        return f"Adhésion acceptée au {data['joined_on']:%d/%m/%Y}."
    if action == "refuse":
        membership.refuse(by=user, reason=data["reason"])
        return "Demande refusée."
    if action == "leave":
        membership.leave(by=user, on=data["left_on"], reason=data["reason"])
        return f"Départ enregistré au {data['left_on']:%d/%m/%Y}."
    if action == "placement":
        set_placement(membership, college=data["college"], involvement=data["involvement"], missions=data["missions"])
        return "Collège, niveau d'implication et missions enregistrés."
    if action == "representative":
        set_representative(membership.structure, data["representative"], cpts=request.cpts)
        return "Représentant de la structure enregistré."
    if action == "structures":
        set_place_structures(membership.professional, form.structures(), cpts=request.cpts)
        return "Structures des lieux d'exercice enregistrées."
    set_fee(membership, year=data["year"], amount=data["amount"], paid_on=data["paid_on"])
    return f"Cotisation {data['year']} enregistrée."


ACTIONS = {"accept", "refuse", "leave", "placement", "fee", "structures", "representative", "invite"}
COORDINATOR_ONLY = "Seuls les coordinateurs de cette CPTS gèrent ses adhésions."


@page("membres/<int:pk>/")
@allow("GET", "POST", check=require_member)
def members_membership(request, cpts_slug, pk):
    membership = get_membership(request.cpts, pk)
    ensure_visible(policies.can_see_membership(request.user, membership))
    ensure_allowed(policies.can_decide_membership(request.user, membership), COORDINATOR_ONLY)
    action = posted_action(request, True, ACTIONS)
    forms = build_forms(request.cpts, membership, request.POST, action)
    if action == "invite":
        return invite(request, membership)
    form = forms.get(action)
    if form is not None and form.is_valid():
        try:
            message = run_action(request, membership, action, form)
        except ValidationError as error:
            add_errors(form, error)
            membership.refresh_from_db()  # undo the in-memory change of a refused transition
        else:
            messages.success(request, message)
            return redirect("members_membership", cpts_slug=request.cpts.slug, pk=membership.pk)
    elif request.method == "POST" and form is None:
        messages.error(request, "Action inconnue : rechargez la page et recommencez.")
    return render_page(request, membership, forms, posted=form)


def invite(request, membership):
    try:
        message = invite_professional(membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message)
    return redirect("members_membership", cpts_slug=request.cpts.slug, pk=membership.pk)


def render_page(request, membership, forms, posted=None):
    cpts = request.cpts
    kind = "professional" if membership.professional_id else "structure"
    journal.record(journal.Action.READ, membership, fields=SHOWN_FIELDS[kind])
    context = {
        "cpts": cpts,
        "membership": membership,
        "member": membership.member,
        "kind": kind,
        "existing_card": membership.status == MembershipStatus.REQUESTED and membership.card_existed,
        "events": list(membership.events.all()),
        "fees": sorted(membership.fees.all(), key=lambda fee: fee.year, reverse=True),
        "forms": forms,
        "posted": posted,
        "can_invite": can_invite(membership),
        "statuses": MembershipStatus,
        "title": f"Adhésion — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, "Adhésion", members_link(cpts)),
    }
    return render(request, "members/adhesion/membership.html", context)
