"""One version of a programme: its description, eligibility, steps (who, when, tolerance),
assessment grids and the list of its versions. Any role of the CPTS reads it (to include a
patient); the coordination changes it, which makes a new version."""

from django.shortcuts import render

from maillon.pathways.models import PERINATAL_LABEL

from ..space import allow
from . import page
from .common import pathways_breadcrumb, policies, programme_or_404, require_pathways
from .queries import versions_of


@page("parcours/programmes/<int:pk>/")
@allow("GET", check=require_pathways)
def pathways_programme(request, cpts_slug, pk):
    cpts = request.cpts
    programme = programme_or_404(request, pk)
    manager = policies.can_manage_programmes(request.user, cpts)
    context = {
        "cpts": cpts,
        "programme": programme,
        "steps": list(programme.steps.all()),
        "versions": versions_of(programme),
        "perinatal_label": PERINATAL_LABEL,
        "coordinator": manager,
        "can_edit": manager and programme.is_current and not cpts.is_dissolved,
        "section": "programme",
        "title": f"{programme} — {cpts.name}",
        "breadcrumb_data": pathways_breadcrumb(cpts, str(programme)),
    }
    return render(request, "pathways/programme.html", context)
