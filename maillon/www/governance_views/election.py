"""One election: candidates, the vote (members of the collège), the transitions and
the results (coordinator), the mandates of the elected."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from maillon.core import journal
from maillon.governance import services
from maillon.governance.models import Election, Mandate

from .common import (
    add_errors,
    elections_link,
    ensure_allowed,
    governance_breadcrumb,
    policies,
    posted_id,
    require_governance,
)
from .forms import CandidateForm, StartDateForm, VoteForm

COORDINATOR_ACTIONS = {"candidate", "open", "close", "mandate"}


def governance_election(request, cpts_slug, pk):
    require_governance(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    cpts = request.cpts
    election = get_object_or_404(
        policies.visible_elections(request.user, cpts, Election.objects.for_cpts(cpts).select_related("college")),
        pk=pk,
    )
    coordinator = policies.can_run_election(request.user, election)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST":
        if action in COORDINATOR_ACTIONS:
            ensure_allowed(coordinator)
        elif action != "vote":
            raise Http404
        # A vote the user may not cast (`policies.can_vote`): `services.vote` refuses it and
        # the form says why (the ballot is reserved to the collège's active adherents).
    back = redirect("governance_election", cpts_slug=cpts.slug, pk=election.pk)

    membership = election.voter_membership(request.user)
    has_voted = election.has_voted(membership)
    vote_form = VoteForm(request.POST if action == "vote" else None, election=election)
    candidate_form = CandidateForm(request.POST if action == "candidate" else None, election=election)
    start_form = StartDateForm(
        request.POST if action == "mandate" else None, initial={"starts_on": timezone.localdate()}
    )

    try:
        if action == "vote" and vote_form.is_valid():
            ids = [candidate.pk for candidate in vote_form.cleaned_data["candidates"]]
            services.vote(election=election, user=request.user, candidate_ids=ids)
            messages.success(
                request, "Votre vote est enregistré. Il est secret : personne ne peut savoir ce que vous avez voté."
            )
            return back
        if action == "candidate" and candidate_form.is_valid():
            data = candidate_form.cleaned_data
            election.add_candidate(data["membership"], statement=data["statement"])
            messages.success(request, "Candidat ajouté.")
            return back
        if action == "open":
            election.open(by=request.user)
            messages.success(request, "Le scrutin est ouvert.")
            return back
        if action == "close":
            election.close(by=request.user)
            messages.success(request, "Le scrutin est clos : les résultats sont publiés.")
            return back
        if action == "mandate" and start_form.is_valid():
            candidate = get_object_or_404(election.candidates, pk=posted_id(request.POST.get("candidate")))
            Mandate.from_elected(candidate, starts_on=start_form.cleaned_data["starts_on"])
            messages.success(request, "Mandat de représentant de collège créé.")
            return back
    except ValidationError as error:
        form = {"vote": vote_form, "candidate": candidate_form, "mandate": start_form}.get(action)
        if form is None:
            messages.error(request, " ".join(error.messages))
            return back
        add_errors(form, error)

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
        "vote_form": vote_form,
        "candidate_form": candidate_form,
        "start_form": start_form,
        "mandated": mandated,
        # The coordination's buttons: its right and the election's state (`Election.workflow`).
        "can_add_candidates": coordinator and Election.workflow.can(election, "open"),
        "can_open": coordinator and Election.workflow.can(election, "open"),
        "can_close": coordinator and Election.workflow.can(election, "close"),
        "title": f"{election.title} — {cpts.name}",
        "breadcrumb_data": governance_breadcrumb(cpts, election.title, elections_link(cpts)),
    }
    return render(request, "governance/election.html", context)
