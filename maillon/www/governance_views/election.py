"""One election: candidates, the vote (members of the collège), the transitions and
the results (coordinator), the mandates of the elected. The page, then one view per action
that posts back to it (a refused form shows the page again with its errors)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from maillon.core import journal
from maillon.governance import services
from maillon.governance.models import Election, Mandate

from ..space import allow, save_form
from .common import elections_link, ensure_allowed, governance_breadcrumb, policies, posted_id, require_governance
from .forms import CandidateForm, StartDateForm, VoteForm

VOTED = "Votre vote est enregistré. Il est secret : personne ne peut savoir ce que vous avez voté."


def visible_election(request, pk) -> Election:
    """The election; 404 if the user may not see it, as a missing one."""
    elections = Election.objects.for_cpts(request.cpts).select_related("college")
    return get_object_or_404(policies.visible_elections(request.user, request.cpts, elections), pk=pk)


def run_election(request, pk) -> Election:
    """The election, for the coordination's actions: 404 if unseen, 403 if seen but not run by the user."""
    election = visible_election(request, pk)
    ensure_allowed(policies.can_run_election(request.user, election))
    return election


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


@allow("GET", check=require_governance)
def governance_election(request, cpts_slug, pk):
    return election_page(request, visible_election(request, pk))


@allow("POST", check=require_governance)
def governance_election_vote(request, cpts_slug, pk):
    """A vote the user may not cast (`policies.can_vote`): `services.vote` refuses it and the
    form says why (the ballot is reserved to the collège's active adherents)."""
    election = visible_election(request, pk)
    form = VoteForm(request.POST, election=election)

    def vote():
        ids = [candidate.pk for candidate in form.cleaned_data["candidates"]]
        services.vote(election=election, user=request.user, candidate_ids=ids)

    if save_form(request, form, vote, VOTED):
        return back(request, election)
    return election_page(request, election, vote_form=form)


@allow("POST", check=require_governance)
def governance_election_candidate(request, cpts_slug, pk):
    election = run_election(request, pk)
    form = CandidateForm(request.POST, election=election)

    def add():
        election.add_candidate(form.cleaned_data["membership"], statement=form.cleaned_data["statement"])

    if save_form(request, form, add, "Candidat ajouté."):
        return back(request, election)
    return election_page(request, election, candidate_form=form)


def transition(request, pk, name: str, done: str):
    """Open or close the ballot (`Election.workflow`); a refusal is said on the page."""
    election = run_election(request, pk)
    try:
        getattr(election, name)(by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return back(request, election)


@allow("POST", check=require_governance)
def governance_election_open(request, cpts_slug, pk):
    return transition(request, pk, "open", "Le scrutin est ouvert.")


@allow("POST", check=require_governance)
def governance_election_close(request, cpts_slug, pk):
    return transition(request, pk, "close", "Le scrutin est clos : les résultats sont publiés.")


@allow("POST", check=require_governance)
def governance_election_mandate(request, cpts_slug, pk):
    """The mandate of an elected candidate (the candidate is posted)."""
    election = run_election(request, pk)
    form = StartDateForm(request.POST)

    def create():
        candidate = get_object_or_404(election.candidates, pk=posted_id(request.POST.get("candidate")))
        Mandate.from_elected(candidate, starts_on=form.cleaned_data["starts_on"])

    if save_form(request, form, create, "Mandat de représentant de collège créé."):
        return back(request, election)
    return election_page(request, election, start_form=form)
