"""A conference's decision marked done (its owner, or who runs the conference) or dropped with
a reason (who runs the conference): each posted to its own address from the conference's page
or from a list of the quality pages (`retour`); a refusal shows the conference's page again
with the posted form and its errors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme

from maillon.core.policies import ensure_allowed
from maillon.quality import policies

from ..space import add_errors, allow
from . import page
from .conferences import conference_page, conference_url, require_quality
from .forms_conferences import CompleteDecisionForm, DropDecisionForm


def decision_or_404(request, pk):
    """A decision of a conference the user sees (404 otherwise, as a missing one)."""
    decisions = policies.visible_decisions(request.user, request.cpts).select_related(
        "owner__professional", "conference__inclusion", "conference__meeting", "conference__requested_by"
    )
    return get_object_or_404(decisions, pk=pk)


def back_to(request, decision) -> str:
    """The posted `retour` when it is a page of this CPTS's space, else the conference's page."""
    wanted = str(request.POST.get("retour", ""))
    space = f"/cpts/{request.cpts.slug}/"
    safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=False)
    return wanted if safe and wanted.startswith(space) else conference_url(decision.conference)


def refused(request, decision, key, form):
    """The conference's page again with the posted form and its errors (400)."""
    return conference_page(request, decision.conference, forms={(key, decision.pk): form})


@page("qualite/decisions/<int:pk>/realisee/")
@allow("POST", check=require_quality)
def quality_decision_complete(request, cpts_slug, pk):
    decision = decision_or_404(request, pk)
    ensure_allowed(policies.can_complete_decision(request.user, decision))
    form = CompleteDecisionForm(request.POST, decision=decision)
    if form.is_valid():
        try:
            decision.complete(by=request.user, outcome=form.cleaned_data["outcome"], on=form.cleaned_data["done_on"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Décision « {decision.description} » marquée réalisée.")
            return redirect(back_to(request, decision))
    return refused(request, decision, "complete", form)


@page("qualite/decisions/<int:pk>/abandon/")
@allow("POST", check=require_quality)
def quality_decision_drop(request, cpts_slug, pk):
    decision = decision_or_404(request, pk)
    ensure_allowed(policies.can_drop_decision(request.user, decision))
    form = DropDecisionForm(request.POST, decision=decision)
    if form.is_valid():
        try:
            decision.drop(by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Décision « {decision.description} » abandonnée.")
            return redirect(back_to(request, decision))
    return refused(request, decision, "drop", form)
