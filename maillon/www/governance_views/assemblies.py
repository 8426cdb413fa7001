"""The general assemblies: list (members), creation (coordinator)."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from maillon.governance.models import GeneralAssembly

from .common import ensure_allowed, governance_breadcrumb, is_coordinator, require_governance
from .forms import AssemblyForm


def governance_assemblies(request, cpts_slug):
    require_governance(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    cpts = request.cpts
    coordinator = is_coordinator(request)
    if request.method == "POST":
        ensure_allowed(coordinator)
    form = AssemblyForm(request.POST or None) if coordinator else None
    if request.method == "POST" and form.is_valid():
        assembly = GeneralAssembly.objects.create(cpts=cpts, **form.cleaned_data)
        messages.success(request, "Assemblée générale créée : cochez les présents le jour venu.")
        return redirect("governance_assembly", cpts_slug=cpts.slug, pk=assembly.pk)
    assemblies = list(GeneralAssembly.objects.for_cpts(cpts).annotate(present_count=Count("attendance")))
    context = {
        "cpts": cpts,
        "assemblies": assemblies,
        "form": form,
        "coordinator": coordinator,
        "title": f"Assemblées générales — {cpts.name}",
        "breadcrumb_data": governance_breadcrumb(cpts, "Assemblées générales"),
    }
    return render(request, "governance/assemblies.html", context)
