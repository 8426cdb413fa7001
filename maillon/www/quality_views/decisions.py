"""A conference's decision marked done (its owner, or who runs the conference) or dropped with
a reason (who runs the conference): each posted to its own address from the conference's page
or from a list of the quality pages (`retour`); a refusal shows the conference's page again
with the posted form and its errors."""

from django.shortcuts import get_object_or_404

from maillon.quality import policies

from ..space import allow
from . import page
from .actions import follow_up
from .conferences import conference_page, conference_url, decision_form, require_quality
from .forms_conferences import CompleteForm, DropForm


def decision_or_404(request, pk):
    """A decision of a conference the user sees (404 otherwise, as a missing one)."""
    decisions = policies.visible_decisions(request.user, request.cpts).select_related(
        "owner__professional", "conference__inclusion", "conference__meeting", "conference__requested_by"
    )
    return get_object_or_404(decisions, pk=pk)


def decision_follow_up(request, pk, key, form_class, *, policy, act, done):
    """A decision followed (`actions.follow_up`); a refusal shows the conference's page again
    with the posted form and its errors (400). Back by default to the conference's page."""
    decision = decision_or_404(request, pk)
    return follow_up(
        request,
        decision,
        decision_form(form_class, decision, request.POST),
        policy=policy,
        act=lambda data: act(decision, data),
        done=done(decision),
        default=conference_url(decision.conference),
        refused=lambda form, back: conference_page(request, decision.conference, forms={(key, decision.pk): form}),
    )


@page("qualite/decisions/<int:pk>/realisee/")
@allow("POST", check=require_quality)
def quality_decision_complete(request, cpts_slug, pk):
    def complete(decision, data):
        decision.complete(by=request.user, outcome=data["outcome"], on=data["done_on"])

    return decision_follow_up(
        request,
        pk,
        "complete",
        CompleteForm,
        policy=policies.can_complete_decision,
        act=complete,
        done=lambda decision: f"Décision « {decision.description} » marquée réalisée.",
    )


@page("qualite/decisions/<int:pk>/abandon/")
@allow("POST", check=require_quality)
def quality_decision_drop(request, cpts_slug, pk):
    def drop(decision, data):
        decision.drop(by=request.user, note=data["note"])

    return decision_follow_up(
        request,
        pk,
        "drop",
        DropForm,
        policy=policies.can_drop_decision,
        act=drop,
        done=lambda decision: f"Décision « {decision.description} » abandonnée.",
    )
