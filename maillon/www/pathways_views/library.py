"""Where a coordination starts a programme: from a template of the library shipped with
Maillon, or as a copy of a programme another CPTS shares. Both land on the new programme's
page, ready to adapt (a change is a new version)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from maillon.pathways import services
from maillon.pathways.models import PERINATAL_LABEL
from maillon.pathways.templates import TEMPLATES

from ..space import allow
from . import page
from .common import pathways_breadcrumb, posted_id, require_manager
from .queries import shared_by_others


def library_page(request, *, errors=(), status=200):
    cpts = request.cpts
    context = {
        "cpts": cpts,
        "templates": sorted(TEMPLATES.items(), key=lambda item: item[1].name),
        "shared": shared_by_others(cpts),
        "perinatal_label": PERINATAL_LABEL,
        "errors": errors,
        "coordinator": True,
        "section": "library",
        "title": f"Nouveau programme — {cpts.name}",
        "breadcrumb_data": pathways_breadcrumb(cpts, "Nouveau programme"),
    }
    return render(request, "pathways/library.html", context, status=status)


@page("parcours/programmes/nouveau/")
@allow("GET", check=require_manager)
def pathways_library(request, cpts_slug):
    return library_page(request)


def created(request, programme, how: str):
    messages.success(request, f"Programme « {programme.name} » créé {how} : adaptez-le à votre CPTS si besoin.")
    return redirect("pathways_programme", cpts_slug=request.cpts.slug, pk=programme.pk)


@page("parcours/programmes/depuis-un-modele/")
@allow("POST", check=require_manager)
def pathways_programme_from_template(request, cpts_slug):
    key = str(request.POST.get("template", ""))
    try:
        programme = services.create_from_template(request.cpts, key)
    except ValidationError as error:
        return library_page(request, errors=error.messages, status=400)
    return created(request, programme, "depuis la bibliothèque")


@page("parcours/programmes/copier/")
@allow("POST", check=require_manager)
def pathways_programme_copy(request, cpts_slug):
    source = get_object_or_404(shared_by_others(request.cpts), pk=posted_id(request.POST.get("programme")))
    try:
        programme = services.copy_programme(source, request.cpts)
    except ValidationError as error:
        return library_page(request, errors=error.messages, status=400)
    return created(request, programme, f"en copiant celui de la {source.cpts.name}")
