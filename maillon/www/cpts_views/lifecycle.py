"""The lifecycle of a CPTS: its status moves through the decisions recorded in the product (the
lettre d'intention accepted, the projet de santé submitted and validated, the negotiation
opened, the ACI recorded). Here the coordinators record only the dissolution; the platform admin
records any later step, to enter the history of a CPTS that existed before joining Maillon."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from maillon.core import cpts_policies
from maillon.core.models import CptsStatus
from maillon.core.policies import ensure_allowed, ensure_visible, is_platform_admin
from maillon.creation import policies as creation_policies
from maillon.territories.services import record_step

from ..space import space_breadcrumb
from . import page
from .display import lifecycle_rows, stepper
from .forms import LifecycleStepForm


@page("etapes/")
def cpts_lifecycle(request, cpts_slug):
    ensure_visible(cpts_policies.can_see_dashboard(request.user, request.cpts))
    ensure_allowed(cpts_policies.can_record_step(request.user, request.cpts))
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    cpts = request.cpts
    steps = list(cpts.steps.all())
    last_date = max((step.date for step in steps), default=None)
    every_step = is_platform_admin(request.user)
    form = LifecycleStepForm(request.POST or None, cpts=cpts, last_date=last_date, every_step=every_step)
    if request.method == "POST" and form.is_valid():
        status = form.cleaned_data["status"]
        try:
            record_step(cpts, status=status, on=form.cleaned_data["date"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            label = CptsStatus(status).label
            messages.success(request, f"Étape « {label} » enregistrée au {form.cleaned_data['date']:%d/%m/%Y}.")
            return redirect("cpts_dashboard", cpts_slug=cpts.slug)
    context = {
        "cpts": cpts,
        "form": form,
        "lifecycle": lifecycle_rows(cpts, steps),
        "stepper": stepper(cpts),
        "every_step": every_step,
        "can_see_creation": creation_policies.can_see_creation(request.user, cpts),
        "title": f"Étapes de la {cpts.name}",
        "breadcrumb_data": space_breadcrumb(
            cpts,
            "Étapes",
        ),
    }
    return render(request, "www/cpts/lifecycle.html", context)
