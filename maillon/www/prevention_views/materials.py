"""The materials library of an action (flyers, guides…), versioned: every reader of the
prevention pages downloads them (served as an attachment, never a public MEDIA address);
the coordination adds a material with its first file, then new versions
(`Material.add_version`: PDF, PNG or JPEG)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from maillon.core import journal
from maillon.prevention.models import MATERIAL_CONTENT_TYPES, Material, MaterialVersion

from ..space import allow
from ..spreadsheets import stored_file
from . import page
from .common import (
    action_link,
    action_or_404,
    add_errors,
    ensure_manager,
    material_or_404,
    reader_breadcrumb,
    require_prevention,
)
from .forms import MaterialForm, VersionForm


@page("prevention/actions/<int:pk>/supports/nouveau/")
@allow("GET", "POST", check=require_prevention)
def prevention_material_new(request, cpts_slug, pk):
    cpts = request.cpts
    action = action_or_404(request, pk)
    ensure_manager(request)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                material = Material.objects.create(
                    cpts=cpts, action=action, title=data["title"], kind=data["kind"], public=data["public"]
                )
                material.add_version(file=data["file"], note=data["note"], by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Support « {material.title} » ajouté (version 1).")
            return redirect("prevention_action", cpts_slug=cpts.slug, pk=action.pk)
    context = {
        "cpts": cpts,
        "action": action,
        "form": form,
        "page_url": reverse("prevention_material_new", args=[cpts.slug, action.pk]),
        "title": f"Nouveau support — {cpts.name}",
        "breadcrumb_data": reader_breadcrumb(request, "Nouveau support", action_link(action)),
    }
    return render(request, "prevention/material_form.html", context, status=400 if form.errors else 200)


@page("prevention/supports/<int:pk>/version/")
@allow("POST", check=require_prevention)
def prevention_material_version(request, cpts_slug, pk):
    """A new version of a material; a refused file shows the form again on a page of its own."""
    cpts = request.cpts
    material = material_or_404(request, pk)
    ensure_manager(request)
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = material.add_version(
                file=form.cleaned_data["file"], note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"« {material.title} » : version {version.number} déposée.")
            return redirect("prevention_action", cpts_slug=cpts.slug, pk=material.action_id)
    action = material.action
    context = {
        "cpts": cpts,
        "action": action,
        "material": material,
        "form": form,
        "title": f"Nouvelle version — {cpts.name}",
        "breadcrumb_data": reader_breadcrumb(request, "Nouvelle version", action_link(action)),
    }
    return render(request, "prevention/material_version.html", context, status=400)


@page("prevention/supports/<int:pk>/versions/<int:number>/")
@allow("GET", check=require_prevention)
def prevention_material_download(request, cpts_slug, pk, number):
    material = material_or_404(request, pk)
    version = get_object_or_404(MaterialVersion.objects.filter(material=material), number=number)
    content_type = MATERIAL_CONTENT_TYPES.get(version.extension, "application/octet-stream")
    response = stored_file(version.file, version.download_name, content_type)
    journal.record(journal.Action.EXPORT, version, cpts_id=request.cpts.pk, fields=["file"])
    return response
