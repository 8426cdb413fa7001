"""The crises of a CPTS (and its exercises, apart), and the activation form: the
coordination activates the plan or runs an exercise; the authority declares a crisis."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from maillon.crisis_response import policies, services
from maillon.crisis_response.models import Crisis, DeclaredAs

from ..space import add_errors, allow
from . import page
from .response_common import AUTHORITY, crises_breadcrumb, may, require_allowed, require_role
from .response_forms import ActivateForm


@page("crise/")
@allow("GET", check=require_role, role=True)
def crisis_response_list(request, cpts_slug, role):
    cpts = request.cpts
    crises = Crisis.objects.for_cpts(cpts).select_related("retex").order_by("-started_at")
    context = {
        "cpts": cpts,
        "role": role,
        "may": may(request),
        "crises": [crisis for crisis in crises if not crisis.is_exercise],
        "exercises": [crisis for crisis in crises if crisis.is_exercise],
        "section": "list",
        "title": f"Crises et alertes — {cpts.name}",
        "breadcrumb_data": crises_breadcrumb(cpts, role, "Crises et alertes"),
    }
    return render(request, "crisis/response_list.html", context)


@page("crise/declencher/")
def crisis_response_activate(request, cpts_slug):
    role = require_allowed(request, policies.can_declare_crisis)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    cpts = request.cpts
    form = ActivateForm(
        request.POST or None,
        may_recognise=policies.can_recognise_crisis(request.user, cpts),
        may_run_exercise=policies.can_run_exercise(request.user, cpts),
        initial={"is_exercise": request.GET.get("exercice") == "1"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            crisis = services.activate(
                cpts,
                typology=data["typology"],
                zone=data["zone"],
                started_at=data.get("started_at"),
                by=request.user,
                declared_as=DeclaredAs.AUTHORITY if role == AUTHORITY else DeclaredAs.COORDINATOR,
                is_exercise=bool(data.get("is_exercise")),
                recognised=bool(data.get("recognised")),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            recipients = crisis.recipients.count()
            messages.success(request, f"{crisis.kind_label} ouvert(e) : {recipients} membre(s) alerté(s).")
            return redirect("crisis_response_board", cpts.slug, crisis.pk)
    context = {
        "cpts": cpts,
        "role": role,
        "may": may(request),
        "form": form,
        "chain_levels": services.chain(cpts),
        "title": f"Déclencher l'alerte — {cpts.name}",
        "breadcrumb_data": crises_breadcrumb(cpts, role, "Déclencher l'alerte"),
    }
    return render(request, "crisis/response_activate.html", context)
