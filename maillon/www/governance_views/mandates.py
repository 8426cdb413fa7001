"""The bodies of the CPTS (bureau, conseil d'administration, représentants de collège):
current and past mandates; the coordinator records and ends them."""

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from maillon.core import journal
from maillon.governance.models import Mandate

from .common import ensure_allowed, governance_breadcrumb, is_coordinator, policies, posted_id, require_governance
from .forms import MandateForm


def governance_mandates(request, cpts_slug):
    require_governance(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    cpts = request.cpts
    coordinator = is_coordinator(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST":
        ensure_allowed(policies.can_manage_mandates(request.user, cpts))
        if action not in ("create", "end"):
            raise Http404
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
    journal.record(
        journal.Action.READ,
        object_type="governance.Mandate",
        object_id="list",
        cpts_id=cpts.pk,
        fields=["membership.name", "body", "role", "starts_on", "ends_on"],
        note=f"{len(current) + len(past)} mandat(s)",
    )
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
