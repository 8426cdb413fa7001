"""The patient's PPCS (plan personnalisé de coordination en santé, HAS model): a new version on
a page of its own, filled from the current one (`care.revise_plan`: the earlier versions stay),
for the lead and the coordination; the current version as a PDF for whoever sees the patient
(`pathways.documents.plan_pdf`), the read journaled."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.pathways import care, documents, services
from maillon.pathways.models import InclusionStatus

from ..space import allow, save_form
from ..spreadsheets import attachment
from . import page
from .common import NAME_FIELDS, ensure_visible, inclusion_or_404, pathways_breadcrumb, require_pathways
from .forms import ActionFormSet, PlanForm, action_initial, plan_initial
from .inclusion import find_editable


@page("parcours/inclusions/<int:pk>/ppcs/nouvelle-version/")
@allow("GET", "POST", check=require_pathways)
def pathways_plan_revise(request, cpts_slug, pk):
    cpts = request.cpts
    inclusion = find_editable(request, cpts_slug, pk)
    ensure_visible(inclusion.status == InclusionStatus.ACTIVE)
    current = care.current_plan(inclusion)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, initial=plan_initial(current))
    actions = ActionFormSet(data, initial=action_initial(current), prefix="actions")
    written = []

    def revise():
        written.append(care.revise_plan(inclusion, by=request.user, actions=actions.kept(), **form.plan()))
        return written[0]

    if request.method == "POST":
        if not actions.is_valid():
            form.is_valid()  # both forms' errors at once
        elif save_form(request, form, revise, lambda plan: f"Version {plan.version} du PPCS enregistrée."):
            return redirect(reverse("pathways_inclusion", args=[cpts.slug, inclusion.pk]) + "#ppcs")
    services.record_inclusion_reads([inclusion], NAME_FIELDS, note="nouvelle version du PPCS")
    back = reverse("pathways_inclusion", args=[cpts.slug, inclusion.pk])
    context = {
        "cpts": cpts,
        "inclusion": inclusion,
        "current": current,
        "form": form,
        "actions": actions,
        "back": back,
        "title": f"Nouvelle version du PPCS — inclusion n° {inclusion.pk} — {cpts.name}",
        "breadcrumb_data": pathways_breadcrumb(
            cpts, "Nouvelle version du PPCS", (f"Inclusion n° {inclusion.pk}", back)
        ),
    }
    return render(request, "pathways/plan_revise.html", context, status=400 if request.method == "POST" else 200)


@page("parcours/inclusions/<int:pk>/ppcs/pdf/")
@allow("GET", check=require_pathways)
def pathways_plan_pdf(request, cpts_slug, pk):
    """The current version of the PPCS to print for the patient's file (404 before the first)."""
    inclusion = inclusion_or_404(request, pk)
    plan = care.current_plan(inclusion)
    if plan is None:
        raise Http404
    content = documents.plan_pdf(plan)
    services.record_inclusion_reads([inclusion], note="PPCS en PDF")
    return attachment(content, documents.filename(plan), documents.PDF_TYPE)
