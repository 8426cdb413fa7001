"""The general assemblies: list (members), creation (coordinator)."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render

from maillon.governance.models import GeneralAssembly

from ..space import allow, posted_form
from . import page
from .common import governance_breadcrumb, is_coordinator, require_governance
from .forms import AssemblyForm


@page("gouvernance/assemblees/")
@allow("GET", "POST", check=require_governance)
def governance_assemblies(request, cpts_slug):
    cpts = request.cpts
    coordinator = is_coordinator(request)
    form = posted_form(request, coordinator, AssemblyForm)
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
