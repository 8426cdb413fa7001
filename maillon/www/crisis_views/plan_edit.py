"""The coordinator's editor of a draft: one section of the template at a time, and the
mobilisable professionals picked from the directory. A submitted or validated version
is frozen: its editor answers 404 (the version page says why)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from maillon.crisis import services, template
from maillon.crisis.models import PlanProfessional
from maillon.members.models import Professional
from maillon.members.selectors import DirectoryFilters, directory_professionals

from ..space import add_errors, allow, posted_id
from . import page
from .plan_common import plan_breadcrumb, plan_link, require_plan_coordinator, version_link, version_or_404
from .plan_forms import PlanProfessionalForm, ProfessionalSearchForm, section_form_class

SEARCH_LIMIT = 30


def draft_or_404(request, year):
    version = version_or_404(request.cpts, year)
    if not version.is_draft:
        raise Http404
    return version


@page("crise/plan/<int:year>/sections/<slug:code>/")
@allow("GET", "POST", check=require_plan_coordinator)
def crisis_plan_section(request, cpts_slug, year, code):
    version = draft_or_404(request, year)
    declared = template.section(code)
    if declared is None:
        raise Http404
    cpts = request.cpts
    form_class = section_form_class(declared)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            services.save_section(version, declared.key, form.cleaned_data, by=request.user)
            messages.success(request, f"Section « {declared.title} » enregistrée.")
            return redirect(f"{version_link(version)[1]}#{declared.key}")
    else:
        form = form_class(initial=template.clean_content(version.content)[declared.key])
    context = {
        "cpts": cpts,
        "version": version,
        "section": declared,
        "form": form,
        "title": f"{declared.title} — plan {version.year}",
        "breadcrumb_data": plan_breadcrumb(request, cpts, declared.title, plan_link(cpts), version_link(version)),
    }
    return render(request, "crisis/plan_section.html", context, status=422 if form.errors else 200)


def add_professional(request, version):
    """The posted pick; (form, done)."""
    form = PlanProfessionalForm(request.POST)
    if not form.is_valid():
        return form, False
    professional = get_object_or_404(Professional, pk=form.cleaned_data["professional"])
    try:
        services.add_professional(
            version,
            professional=professional,
            role=form.cleaned_data["role"],
            skills=form.cleaned_data["skills"] or None,
            typologies=[int(number) for number in form.cleaned_data["typologies"]],
            by=request.user,
        )
    except ValidationError as error:
        add_errors(form, error)
        return form, False
    messages.success(request, f"{professional.first_name} {professional.last_name} ajouté(e) au plan.")
    return form, True


@page("crise/plan/<int:year>/professionnels/")
@allow("GET", "POST", check=require_plan_coordinator)
def crisis_plan_professionals(request, cpts_slug, year):
    version = draft_or_404(request, year)
    cpts = request.cpts
    form = None
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            row = get_object_or_404(
                PlanProfessional.objects.filter(version=version), pk=posted_id(request.POST.get("row"))
            )
            services.remove_professional(row, by=request.user)
            messages.success(request, "Professionnel retiré du plan.")
            return redirect("crisis_plan_professionals", cpts_slug=cpts.slug, year=version.year)
        form, done = add_professional(request, version)
        if done:
            return redirect("crisis_plan_professionals", cpts_slug=cpts.slug, year=version.year)
    search = ProfessionalSearchForm(request.GET or None)
    candidates = []
    if search.is_valid() and (search.cleaned_data["q"] or search.cleaned_data["skill"]):
        picked = set(version.professionals.values_list("professional_id", flat=True))
        filters = DirectoryFilters(q=search.cleaned_data["q"], skill=search.cleaned_data["skill"])
        candidates = [row for row in directory_professionals(cpts, filters)[:SEARCH_LIMIT] if row.pk not in picked]
    context = {
        "cpts": cpts,
        "version": version,
        "rows": list(version.professionals.select_related("professional")),
        "search": search,
        "candidates": candidates,
        "form": form,
        "typology_choices": PlanProfessionalForm.base_fields["typologies"].choices,
        "title": f"Professionnels mobilisables — plan {version.year}",
        "breadcrumb_data": plan_breadcrumb(
            request, cpts, "Professionnels mobilisables", plan_link(cpts), version_link(version)
        ),
    }
    return render(request, "crisis/plan_professionals.html", context, status=422 if form and form.errors else 200)
