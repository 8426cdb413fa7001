"""The elections of the CPTS: every member sees them and where they may vote;
the coordinator creates them."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render

from maillon.governance.models import Election, VoterRecord
from maillon.members.models import Membership

from ..space import allow, posted_form
from . import page
from .common import governance_breadcrumb, is_coordinator, policies, require_governance
from .forms import ElectionForm


def my_voting_state(user, cpts):
    """(ids of my active collèges, ids of elections where I voted): two queries at most."""
    professional_id = getattr(getattr(user, "professional", None), "pk", None)
    if professional_id is None:
        return set(), set()
    mine = Membership.objects.for_cpts(cpts).active().filter(professional_id=professional_id)
    colleges = set(mine.exclude(college=None).values_list("college_id", flat=True))
    voted = set(VoterRecord.objects.filter(membership__in=mine).values_list("election_id", flat=True))
    return colleges, voted


@page("gouvernance/elections/")
@allow("GET", "POST", check=require_governance)
def governance_elections(request, cpts_slug):
    cpts = request.cpts
    coordinator = is_coordinator(request)
    form = posted_form(request, coordinator, ElectionForm, cpts=cpts)
    if request.method == "POST" and form.is_valid():
        election = Election.objects.create(cpts=cpts, **form.cleaned_data)
        messages.success(request, f"Élection « {election.title} » créée : ajoutez les candidats.")
        return redirect("governance_election", cpts_slug=cpts.slug, pk=election.pk)
    elections = list(
        policies.visible_elections(request.user, cpts)
        .select_related("college")
        .annotate(candidate_count=Count("candidates"))
    )
    colleges, voted = my_voting_state(request.user, cpts)
    for election in elections:
        election.can_vote = election.accepts_votes_now() and election.college_id in colleges
        election.has_voted = election.pk in voted
    context = {
        "cpts": cpts,
        "elections": elections,
        "form": form,
        "coordinator": coordinator,
        "title": f"Élections — {cpts.name}",
        "breadcrumb_data": governance_breadcrumb(cpts, "Élections"),
    }
    return render(request, "governance/elections.html", context)
