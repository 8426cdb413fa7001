"""Record the next lifecycle step of a CPTS (coordinators)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from maillon.core import cpts_policies
from maillon.core.models import CptsStatus
from maillon.core.policies import ensure_allowed, ensure_visible
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
    form = LifecycleStepForm(request.POST or None, cpts=cpts, last_date=last_date)
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
        "title": f"Étapes de la {cpts.name}",
        "breadcrumb_data": space_breadcrumb(
            cpts,
            "Étapes",
        ),
    }
    return render(request, "www/cpts/lifecycle.html", context)
