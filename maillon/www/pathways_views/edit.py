"""A change of a programme is its next version (`services.new_version`): the patients already
included keep the version they were included in; new inclusions take the new one."""

from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.pathways import services

from ..space import allow, save_form
from . import page
from .common import ensure_visible, pathways_breadcrumb, programme_or_404, require_manager
from .forms import ProgrammeForm, StepFormSet, step_initial


def saved(version) -> str:
    return f"Version {version.version} du programme enregistrée : les nouvelles inclusions la suivent."


@page("parcours/programmes/<int:pk>/modifier/")
@allow("GET", "POST", check=require_manager)
def pathways_programme_edit(request, cpts_slug, pk):
    cpts = request.cpts
    programme = programme_or_404(request, pk)
    ensure_visible(programme.is_current and not cpts.is_dissolved)
    initial = {name: getattr(programme, name) for name in ["name", "description", "eligibility", "perinatal", "shared"]}
    data = request.POST if request.method == "POST" else None
    form = ProgrammeForm(data, initial=initial)
    steps = StepFormSet(data, initial=step_initial(programme), prefix="steps")
    written = []

    def write():
        written.append(services.new_version(programme, steps=steps.kept(), **form.cleaned_data))
        return written[0]

    if request.method == "POST":
        if not steps.is_valid():
            form.is_valid()  # both forms' errors at once
        elif save_form(request, form, write, saved):
            return redirect("pathways_programme", cpts_slug=cpts.slug, pk=written[0].pk)
    context = {
        "cpts": cpts,
        "programme": programme,
        "form": form,
        "steps": steps,
        "coordinator": True,
        "page_url": reverse("pathways_programme_edit", args=[cpts.slug, programme.pk]),
        "title": f"Modifier le programme — {cpts.name}",
        "breadcrumb_data": pathways_breadcrumb(
            cpts, "Modifier", (str(programme), reverse("pathways_programme", args=[cpts.slug, programme.pk]))
        ),
    }
    return render(request, "pathways/programme_edit.html", context)
