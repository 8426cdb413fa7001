"""The bodies of the CPTS (bureau, conseil d'administration, représentants de collège):
current and past mandates; the coordinator records and ends them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from maillon.governance.models import Mandate

from ..space import allow, journal_summary, posted_action
from . import page
from .common import governance_breadcrumb, is_coordinator, policies, posted_id, require_governance
from .forms import MandateForm


@page("gouvernance/mandats/")
@allow("GET", "POST", check=require_governance)
def governance_mandates(request, cpts_slug):
    cpts = request.cpts
    coordinator = is_coordinator(request)
    action = posted_action(request, policies.can_manage_mandates(request.user, cpts), {"create", "end"})
    form = MandateForm(request.POST if action == "create" else None, cpts=cpts) if coordinator else None
    if action == "create" and form.is_valid():
        Mandate.objects.create(cpts=cpts, **form.cleaned_data)
        messages.success(request, "Mandat enregistré.")
        return redirect("governance_mandates", cpts_slug=cpts.slug)
    if action == "end":
        mandate = get_object_or_404(Mandate.objects.for_cpts(cpts).current(), pk=posted_id(request.POST.get("mandate")))
        today = timezone.localdate()
        mandate.ends_on = max(today, mandate.starts_on)
        mandate.save()
        messages.success(request, "Mandat terminé.")
        return redirect("governance_mandates", cpts_slug=cpts.slug)
    today = timezone.localdate()
    mandates = Mandate.objects.for_cpts(cpts).select_related("membership__professional", "membership__structure")
    current = list(mandates.current(today))
    past = list(mandates.past(today).order_by("-ends_on", "pk"))
    fields = ["membership.name", "body", "role", "starts_on", "ends_on"]
    journal_summary(cpts, "governance.Mandate", fields, note=f"{len(current) + len(past)} mandat(s)")
    context = {
        "cpts": cpts,
        "current": current,
        "past": past,
        "form": form,
        "coordinator": coordinator,
        "title": f"Instances et mandats — {cpts.name}",
        "breadcrumb_data": governance_breadcrumb(cpts, "Instances et mandats"),
    }
    return render(request, "governance/mandates.html", context)
