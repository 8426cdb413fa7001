"""The one list of improvement actions (mission 5): for the coordination, every action the
CPTS follows — the event reviews' improvement actions, the case conferences' decisions (shown
by their case's pseudonym, « Cas n° … ») and the crisis RETEX's actions still to take into the
crisis plan (read-only here: the crisis plan's page integrates them); a member sees the
decisions and actions they own. Filtered by source, state and « en retard ».

An improvement action is marked done, or dropped with its reason, from its row (its own
address, `quality_action_complete` / `quality_action_drop`); a refused form shows again on a
page of its own (400). A decision is followed from its conference's page."""

from dataclasses import dataclass
from datetime import date
from functools import partial

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from maillon.core.policies import ensure_allowed, is_coordinator
from maillon.crisis import policies as crisis_policies
from maillon.crisis import services as crisis_services
from maillon.quality import policies
from maillon.quality.models import FollowUpStatus

from ..space import allow, posted_back, save_form
from . import page
from .forms_conferences import CompleteForm, DropForm
from .home import quality_breadcrumb, require_quality

PAGE_SIZE = 50
ACTIONS_TITLE = "Actions d'amélioration"
MY_ACTIONS_TITLE = "Mes décisions et actions"
REVIEWS, CONFERENCES, CRISIS = "revues", "concertations", "crise"
SOURCES = [
    (REVIEWS, "Revues d'événements indésirables"),
    (CONFERENCES, "Concertations pluriprofessionnelles"),
    (CRISIS, "RETEX de crise"),
]
ALL = "tous"
STATES = [*FollowUpStatus.choices, (ALL, "Tous les états")]


@dataclass
class Row:
    """One line of the list, whatever its source."""

    source: str
    source_label: str
    source_url: str | None
    description: str
    owner: str
    due_on: date | None
    status: str
    status_label: str
    late: bool = False
    item: object = None  # the improvement action, when the row has its forms
    may_complete: bool = False
    may_drop: bool = False
    outcome: str = ""
    done_on: date | None = None
    complete_form: object = None
    drop_form: object = None

    @property
    def on_time(self) -> bool | None:
        if self.status != FollowUpStatus.DONE or self.done_on is None or self.due_on is None:
            return None
        return self.done_on <= self.due_on

    @property
    def pk(self):
        return self.item.pk if self.item is not None else None

    def sort_key(self):
        return (self.status != FollowUpStatus.OPEN, not self.late, self.due_on or date.max, self.source)


def follow_up_forms(user, action) -> dict:
    """What this user may do of an improvement action, with the row's forms (the policies
    `can_complete_action` / `can_drop_action`, their roles read once per request). The forms
    post unprefixed fields; their ids name the action, several on one page."""
    may_complete, may_drop = policies.can_complete_action(user, action), policies.can_drop_action(user, action)
    auto_id = f"id_action-{action.pk}-%s"
    return {
        "may_complete": may_complete,
        "may_drop": may_drop,
        "complete_form": CompleteForm(auto_id=auto_id) if may_complete else None,
        "drop_form": DropForm(auto_id=auto_id, what="l'action") if may_drop else None,
    }


def owner_label(follow_up) -> str:
    owner = follow_up.owner
    return str(owner.member) if owner is not None else "—"


def action_rows(request, actions, today) -> list[Row]:
    """The event reviews' improvement actions; the review is linked where the user sees it."""
    user, cpts = request.user, request.cpts
    actions = list(actions.select_related("review", "owner__professional", "owner__structure"))
    seen = set(
        policies.visible_reviews(user, cpts)
        .filter(pk__in={action.review_id for action in actions})
        .values_list("pk", flat=True)
    )
    rows = []
    for action in actions:
        rows.append(
            Row(
                source=REVIEWS,
                source_label=f"Revue n° {action.review_id}",
                source_url=reverse("quality_review", args=[cpts.slug, action.review_id])
                if action.review_id in seen
                else None,
                description=action.description,
                owner=owner_label(action),
                due_on=action.due_on,
                status=action.status,
                status_label=action.get_status_display(),
                late=action.is_late_on(today),
                item=action,
                **follow_up_forms(user, action),
                outcome=action.outcome,
                done_on=action.done_on,
            )
        )
    return rows


def decision_rows(request, decisions, today) -> list[Row]:
    """The conferences' decisions, by their case's pseudonym (followed from the conference's page)."""
    cpts = request.cpts
    rows = []
    for decision in decisions.select_related("conference", "owner__professional", "owner__structure"):
        rows.append(
            Row(
                source=CONFERENCES,
                source_label=decision.conference.case_label,
                source_url=reverse("quality_conference", args=[cpts.slug, decision.conference_id]),
                description=decision.description,
                owner=owner_label(decision),
                due_on=decision.due_on,
                status=decision.status,
                status_label=decision.get_status_display(),
                late=decision.is_late_on(today),
                outcome=decision.outcome,
                done_on=decision.done_on,
            )
        )
    return rows


def crisis_rows(request) -> list[Row]:
    """The crisis RETEX's actions still to take into the crisis plan (read-only: the plan's page integrates them)."""
    plan = reverse("crisis_plan", args=[request.cpts.slug])
    return [
        Row(
            source=CRISIS,
            source_label=improvement.source or "RETEX de crise",
            source_url=plan,
            description=improvement.text,
            owner="La coordination (plan de crise)",
            due_on=None,
            status=FollowUpStatus.OPEN,
            status_label="À intégrer au plan de crise",
        )
        for improvement in crisis_services.open_improvements(request.cpts)
    ]


def chosen(request, name, values, default="") -> str:
    value = str(request.GET.get(name, default))
    return value if value in values else default


@page("qualite/actions/")
@allow("GET", check=require_quality)
def quality_actions(request, cpts_slug):
    cpts, user, today = request.cpts, request.user, timezone.localdate()
    coordinator = is_coordinator(user, cpts)
    source = chosen(request, "source", {value for value, _ in SOURCES})
    state = chosen(request, "etat", {value for value, _ in STATES}, default=FollowUpStatus.OPEN)
    late_only = request.GET.get("retard") == "1"
    actions = policies.visible_improvement_actions(user, cpts)
    decisions = policies.visible_decisions(user, cpts)
    if not coordinator:  # a member follows what they own
        actions, decisions = actions.owned_by(user), decisions.owned_by(user)
    if late_only:
        actions, decisions = actions.late_on(today), decisions.late_on(today)
    elif state != ALL:
        actions, decisions = actions.filter(status=state), decisions.filter(status=state)
    rows = []
    if source in ("", REVIEWS):
        rows += action_rows(request, actions, today)
    if source in ("", CONFERENCES):
        rows += decision_rows(request, decisions, today)
    crisis_shown = coordinator and crisis_policies.can_read_plan(user, cpts)
    if crisis_shown and source in ("", CRISIS) and not late_only and state in (FollowUpStatus.OPEN, ALL):
        rows += crisis_rows(request)
    rows.sort(key=Row.sort_key)
    listed = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(
        part
        for part in (
            f"source={source}" if source else "",
            f"etat={state}" if state != FollowUpStatus.OPEN else "",
            "retard=1" if late_only else "",
        )
        if part
    )
    title = ACTIONS_TITLE if coordinator else MY_ACTIONS_TITLE
    context = {
        "cpts": cpts,
        "page": listed,
        "rows": list(listed.object_list),
        "sources": SOURCES if crisis_shown else SOURCES[:2],
        "states": STATES,
        "source": source,
        "state": state,
        "late_only": late_only,
        "query": query,
        "here": request.get_full_path(),
        "coordinator": coordinator,
        "heading": title,
        "title": f"{title} — {cpts.name}",
        "breadcrumb_data": quality_breadcrumb(cpts, title),
    }
    return render(request, "quality/actions.html", context)


# --- Following one improvement action ----------------------------------------------------------


def action_or_404(request, pk):
    actions = policies.visible_improvement_actions(request.user, request.cpts).select_related(
        "review", "owner__professional", "owner__structure"
    )
    return get_object_or_404(actions, pk=pk)


def follow_up(request, item, form, *, policy, act, done, default, refused):
    """Mark an improvement action or a decision done or dropped (the four follow-up views): 404
    came with `item`, 403 unless `policy(user, item)`; a valid form is written by `act(data)`
    (`space.save_form`), then back to the posted `retour` when it is a quality page of this CPTS,
    else to `default`; a refused form, its errors on it, is `refused(form, back)`."""
    ensure_allowed(policy(request.user, item))
    back = posted_back(request, default, within=reverse("quality_home", args=[request.cpts.slug]))
    if save_form(request, form, lambda: act(form.cleaned_data), done):
        return redirect(back)
    return refused(form, back)


def action_follow_up(request, pk, form_class, *, policy, act, done, heading):
    """An improvement action followed from its row; a refused form shows again on its own page (400)."""
    cpts = request.cpts
    action = action_or_404(request, pk)

    def refused(form, back):
        action.late = action.is_late_on(timezone.localdate())
        context = {
            "cpts": cpts,
            "action": action,
            "form": form,
            "back": back,
            "heading": heading,
            "post_to": request.path,
            "title": f"{heading} — {cpts.name}",
            "breadcrumb_data": quality_breadcrumb(
                cpts,
                f"Action d'amélioration n° {action.pk}",
                (ACTIONS_TITLE, reverse("quality_actions", args=[cpts.slug])),
            ),
        }
        return render(request, "quality/action_follow_up.html", context, status=400)

    return follow_up(
        request,
        action,
        form_class(request.POST),
        policy=policy,
        act=lambda data: act(action, data),
        done=done,
        default=reverse("quality_actions", args=[cpts.slug]),
        refused=refused,
    )


@page("qualite/actions/<int:pk>/realisee/")
@allow("POST", check=require_quality)
def quality_action_complete(request, cpts_slug, pk):
    def complete(action, data):
        action.complete(by=request.user, outcome=data["outcome"], on=data["done_on"])

    return action_follow_up(
        request,
        pk,
        CompleteForm,
        policy=policies.can_complete_action,
        act=complete,
        done="Action d'amélioration marquée comme réalisée.",
        heading="Marquer l'action comme réalisée",
    )


@page("qualite/actions/<int:pk>/abandon/")
@allow("POST", check=require_quality)
def quality_action_drop(request, cpts_slug, pk):
    def drop(action, data):
        action.drop(by=request.user, note=data["note"])

    return action_follow_up(
        request,
        pk,
        partial(DropForm, what="l'action"),
        policy=policies.can_drop_action,
        act=drop,
        done="Action d'amélioration abandonnée.",
        heading="Abandonner l'action",
    )
