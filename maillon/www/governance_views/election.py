"""One election: candidates, the vote (members of the collège), the transitions and
the results (coordinator), the mandates of the elected. The page, then one view per action
that posts back to it (a refused form shows the page again with its errors)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from maillon.core import journal
from maillon.governance import services
from maillon.governance.models import Election, Mandate

from ..space import action_view, allow, save_form
from . import page
from .common import elections_link, ensure_allowed, governance_breadcrumb, policies, posted_id, require_governance
from .forms import CandidateForm, StartDateForm, VoteForm

VOTED = "Votre vote est enregistré. Il est secret : personne ne peut savoir ce que vous avez voté."


def visible_election(request, pk) -> Election:
    """The election; 404 if the user may not see it, as a missing one."""
    elections = Election.objects.for_cpts(request.cpts).select_related("college")
    return get_object_or_404(policies.visible_elections(request.user, request.cpts, elections), pk=pk)


def back(request, election):
    return redirect("governance_election", cpts_slug=request.cpts.slug, pk=election.pk)


def election_page(request, election, *, vote_form=None, candidate_form=None, start_form=None):
    """The page; after a refused action, with the posted form and its errors."""
    cpts = request.cpts
    coordinator = policies.can_run_election(request.user, election)
    membership = election.voter_membership(request.user)
    has_voted = election.has_voted(membership)
    candidates = list(
        election.candidates.select_related("membership__professional", "membership__structure").order_by("pk")
    )
    results = election.results()
    mandated = set()
    if results is not None and coordinator:
        mandated = set(election.mandates.values_list("membership_id", flat=True))
    journal.record(
        journal.Action.READ,
        election,
        fields=["candidates.name", "candidates.statement"],
        note=f"{len(candidates)} candidat(s)",
    )
    context = {
        "cpts": cpts,
        "election": election,
        "candidates": candidates,
        "results": results,
        "coordinator": coordinator,
        "membership": membership,
        "has_voted": has_voted,
        "can_vote": membership is not None
        and policies.can_vote(request.user, election)
        and not has_voted
        and election.accepts_votes_now(),
        "vote_form": vote_form or VoteForm(election=election),
        "candidate_form": candidate_form or CandidateForm(election=election),
        "start_form": start_form or StartDateForm(initial={"starts_on": timezone.localdate()}),
        "mandated": mandated,
        # The coordination's buttons: its right and the election's state (`Election.workflow`).
        "can_add_candidates": coordinator and Election.workflow.can(election, "open"),
        "can_open": coordinator and Election.workflow.can(election, "open"),
        "can_close": coordinator and Election.workflow.can(election, "close"),
        "title": f"{election.title} — {cpts.name}",
        "breadcrumb_data": governance_breadcrumb(cpts, election.title, elections_link(cpts)),
    }
    return render(request, "governance/election.html", context)


@page("gouvernance/elections/<int:pk>/")
@allow("GET", check=require_governance)
def governance_election(request, cpts_slug, pk):
    return election_page(request, visible_election(request, pk))


def refused(request, election, errors):
    """A refusal of the ballot (a transition it is not ready for) is said on the page."""
    messages.error(request, " ".join(errors))
    return back(request, election)


def election_action(*, coordination: bool):
    """One action on the election (`space.action_view`): 404 if the user does not see it and,
    for the `coordination`'s actions, 403 unless they run it."""

    def find(request, cpts_slug, pk):
        election = visible_election(request, pk)
        if coordination:
            ensure_allowed(policies.can_run_election(request.user, election))
        return election

    return action_view(check=require_governance, find=find, page=refused, back=back)


@page("gouvernance/elections/<int:pk>/voter/")
@election_action(coordination=False)
def governance_election_vote(request, election):
    """A vote the user may not cast (`policies.can_vote`): `services.vote` refuses it and the
    form says why (the ballot is reserved to the collège's active adherents)."""
    form = VoteForm(request.POST, election=election)

    def vote():
        ids = [candidate.pk for candidate in form.cleaned_data["candidates"]]
        services.vote(election=election, user=request.user, candidate_ids=ids)

    if not save_form(request, form, vote, VOTED):
        return election_page(request, election, vote_form=form)


@page("gouvernance/elections/<int:pk>/candidats/")
@election_action(coordination=True)
def governance_election_candidate(request, election):
    form = CandidateForm(request.POST, election=election)

    def add():
        election.add_candidate(form.cleaned_data["membership"], statement=form.cleaned_data["statement"])

    if not save_form(request, form, add, "Candidat ajouté."):
        return election_page(request, election, candidate_form=form)


@page("gouvernance/elections/<int:pk>/ouvrir/")
@election_action(coordination=True)
def governance_election_open(request, election):
    election.open(by=request.user)
    messages.success(request, "Le scrutin est ouvert.")


@page("gouvernance/elections/<int:pk>/clore/")
@election_action(coordination=True)
def governance_election_close(request, election):
    election.close(by=request.user)
    messages.success(request, "Le scrutin est clos : les résultats sont publiés.")


@page("gouvernance/elections/<int:pk>/mandats/")
@election_action(coordination=True)
def governance_election_mandate(request, election):
    """The mandate of an elected candidate (the candidate is posted)."""
    form = StartDateForm(request.POST)

    def create():
        candidate = get_object_or_404(election.candidates, pk=posted_id(request.POST.get("candidate")))
        Mandate.from_elected(candidate, starts_on=form.cleaned_data["starts_on"])

    if not save_form(request, form, create, "Mandat de représentant de collège créé."):
        return election_page(request, election, start_form=form)
