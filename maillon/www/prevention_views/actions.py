"""A prevention action: the coordination plans it (theme, target population, partners, dates,
budget, owner), changes it, and says it is completed or cancelled; its page shows its measures
(baseline → latest value, target), its sessions and its materials to every reader."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.prevention import services
from maillon.prevention.models import (
    PERINATAL_LABEL,
    ActionStatus,
    MaterialVersion,
    MeasureValue,
    PreventionAction,
    Scope,
)

from ..space import allow, save_form
from . import page
from .common import (
    action_link,
    action_or_404,
    ensure_manager,
    is_manager,
    reader_breadcrumb,
    require_prevention,
    with_waiting,
)
from .forms import ACTION_FIELDS, ActionForm, NoteForm


def latest_territory_value(measure):
    """The last year's territory value of a measure (its values prefetched, by year)."""
    values = [value for value in measure.values.all() if value.scope == Scope.TERRITORY]
    return values[-1] if values else None


def action_context(request, action, **extra) -> dict:
    cpts = request.cpts
    measures = list(
        action.measures.prefetch_related(Prefetch("values", queryset=MeasureValue.objects.order_by("year", "scope")))
    )
    for measure in measures:
        measure.latest = latest_territory_value(measure)
    versions = MaterialVersion.objects.order_by("-number")
    manager = is_manager(request)
    planned = action.status == ActionStatus.PLANNED
    return {
        "cpts": cpts,
        "action": action,
        "communes": list(action.communes.order_by("name")),
        "measures": measures,
        "sessions": list(with_waiting(action.sessions.select_related("commune")).order_by("-starts_at", "-pk")),
        "materials": list(action.materials.prefetch_related(Prefetch("versions", queryset=versions))),
        "perinatal_label": PERINATAL_LABEL,
        "manager": manager,
        "can_change": manager and planned,
        "title": f"{action.title} — {cpts.name}",
        "breadcrumb_data": reader_breadcrumb(request, action.title),
        **extra,
    }


def action_page(request, action, *, errors=(), status=200):
    context = action_context(request, action, errors=list(errors))
    return render(request, "prevention/action.html", context, status=400 if errors else status)


@page("prevention/actions/nouvelle/")
@allow("GET", "POST", check=require_prevention)
def prevention_action_new(request, cpts_slug):
    cpts = request.cpts
    ensure_manager(request)
    form = ActionForm(request.POST or None, cpts=cpts)
    created = []

    def write():
        action = PreventionAction(cpts=cpts, **{name: form.cleaned_data[name] for name in ACTION_FIELDS})
        action.save_with_communes(list(form.cleaned_data["communes"]))
        created.append(action)
        return action

    if request.method == "POST" and save_form(request, form, write, "Action de prévention créée."):
        return redirect("prevention_action", cpts_slug=cpts.slug, pk=created[0].pk)
    context = {
        "cpts": cpts,
        "form": form,
        "page_url": reverse("prevention_action_new", args=[cpts.slug]),
        "heading": "Nouvelle action de prévention",
        "cancel_url": reverse("prevention_home", args=[cpts.slug]),
        "title": f"Nouvelle action de prévention — {cpts.name}",
        "breadcrumb_data": reader_breadcrumb(request, "Nouvelle action"),
    }
    return render(request, "prevention/action_form.html", context, status=400 if form.errors else 200)


@page("prevention/actions/<int:pk>/")
@allow("GET", check=require_prevention)
def prevention_action(request, cpts_slug, pk):
    return action_page(request, action_or_404(request, pk))


@page("prevention/actions/<int:pk>/modifier/")
@allow("GET", "POST", check=require_prevention)
def prevention_action_edit(request, cpts_slug, pk):
    cpts = request.cpts
    action = action_or_404(request, pk)
    ensure_manager(request)
    initial = {name: getattr(action, name) for name in ACTION_FIELDS}
    initial["communes"] = list(action.communes.values_list("pk", flat=True))
    form = ActionForm(request.POST or None, cpts=cpts, action=action, initial=initial)

    def write():
        for name in ACTION_FIELDS:
            setattr(action, name, form.cleaned_data[name])
        action.save_with_communes(list(form.cleaned_data["communes"]))
        return action

    if request.method == "POST" and save_form(request, form, write, "Action de prévention enregistrée."):
        return redirect("prevention_action", cpts_slug=cpts.slug, pk=action.pk)
    context = {
        "cpts": cpts,
        "form": form,
        "action": action,
        "page_url": reverse("prevention_action_edit", args=[cpts.slug, action.pk]),
        "heading": f"Modifier « {action.title} »",
        "cancel_url": reverse("prevention_action", args=[cpts.slug, action.pk]),
        "title": f"Modifier l'action — {cpts.name}",
        "breadcrumb_data": reader_breadcrumb(request, "Modifier", action_link(action)),
    }
    return render(request, "prevention/action_form.html", context, status=400 if form.errors else 200)


def transition(request, pk, act, done: str):
    """`act(action, by=…, note=…)`: the transition, or the service that carries it out."""
    action = action_or_404(request, pk)
    ensure_manager(request)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return action_page(request, action, errors=[e for errors in form.errors.values() for e in errors])
    try:
        act(action, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        return action_page(request, action, errors=error.messages)
    messages.success(request, done)
    return redirect("prevention_action", cpts_slug=request.cpts.slug, pk=action.pk)


@page("prevention/actions/<int:pk>/terminer/")
@allow("POST", check=require_prevention)
def prevention_action_complete(request, cpts_slug, pk):
    return transition(request, pk, PreventionAction.complete, "Action terminée.")


@page("prevention/actions/<int:pk>/annuler/")
@allow("POST", check=require_prevention)
def prevention_action_cancel(request, cpts_slug, pk):
    return transition(request, pk, services.cancel_action, "Action annulée ; ses séances à venir aussi.")
