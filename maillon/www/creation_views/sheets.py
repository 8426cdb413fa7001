"""The fiches-actions of the projet de santé: written, changed and deleted by the coordinators
while the version is « En rédaction »; once a version is validated, a fiche-action starts the
mission object it describes (a prevention action, a pathway programme…) through the registry
the mission apps fill (`creation.registry`), and the page of that object opens."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from maillon.creation import registry, services
from maillon.creation.models import ActionSheet

from ..space import allow, save_form
from . import page
from .forms import SheetForm
from .project import PROJECT, project_page, project_url
from .project_common import creation_context, ensure_allowed, policies, project_link, require_creation
from .project_write import draft_or_none, ensure_writer, not_a_draft, section_or_404


def sheet_or_404(request, pk) -> ActionSheet:
    sheets = ActionSheet.objects.filter(section__version__cpts=request.cpts).select_related("section__version__cpts")
    return get_object_or_404(sheets, pk=pk)


def sheet_form_page(request, form, section, sheet=None):
    cpts = request.cpts
    heading = f"Modifier « {sheet.title} »" if sheet else "Nouvelle fiche-action"
    context = creation_context(
        request,
        heading,
        PROJECT,
        heading,
        project_link(cpts),
        form=form,
        section=section,
        sheet=sheet,
        heading=heading,
    )
    return render(request, "creation/sheet_form.html", context, status=400 if form.errors else 200)


def saved(sheet) -> str:
    return f"Fiche-action « {sheet.title} » enregistrée."


def write_sheet(request, form, section, sheet=None):
    return services.save_sheet(
        section, by=request.user, sheet=sheet, **{name: form.cleaned_data[name] for name in services.SHEET_FIELDS}
    )


@page("projet-de-sante/missions/<int:mission>/fiches/nouvelle/")
@allow("GET", "POST", check=require_creation)
def creation_sheet_new(request, cpts_slug, mission):
    cpts = request.cpts
    ensure_writer(request)
    version = draft_or_none(cpts)
    if version is None:
        return not_a_draft(request)
    section = section_or_404(version, mission)
    form = SheetForm(request.POST or None)
    if request.method == "POST" and save_form(request, form, lambda: write_sheet(request, form, section), saved):
        return redirect(f"{project_url(cpts)}#mission-{mission}")
    return sheet_form_page(request, form, section)


@page("projet-de-sante/fiches/<int:pk>/")
@allow("GET", "POST", check=require_creation)
def creation_sheet_edit(request, cpts_slug, pk):
    cpts = request.cpts
    sheet = sheet_or_404(request, pk)
    ensure_writer(request)
    version = sheet.section.version
    if not version.is_draft:
        status = version.get_status_display()
        message = f"La version {version.number} est « {status} » : ses fiches-actions ne se modifient plus."
        return project_page(request, version, by_number=True, errors=[message])
    form = SheetForm(request.POST or None, initial={name: getattr(sheet, name) for name in services.SHEET_FIELDS})

    def write():
        return write_sheet(request, form, sheet.section, sheet)

    if request.method == "POST" and save_form(request, form, write, saved):
        return redirect(f"{project_url(cpts)}#fiche-{sheet.pk}")
    return sheet_form_page(request, form, sheet.section, sheet)


@page("projet-de-sante/fiches/<int:pk>/supprimer/")
@allow("POST", check=require_creation)
def creation_sheet_delete(request, cpts_slug, pk):
    cpts = request.cpts
    sheet = sheet_or_404(request, pk)
    ensure_writer(request)
    title, mission = sheet.title, sheet.section.mission
    try:
        services.delete_sheet(sheet, by=request.user)
    except ValidationError as error:
        return project_page(request, sheet.section.version, by_number=True, errors=error.messages)
    messages.success(request, f"Fiche-action « {title} » supprimée.")
    return redirect(f"{project_url(cpts)}#mission-{mission}")


@page("projet-de-sante/fiches/<int:pk>/demarrer/")
@allow("POST", check=require_creation)
def creation_sheet_start(request, cpts_slug, pk):
    sheet = sheet_or_404(request, pk)
    version = sheet.section.version
    if not policies.can_start_from_sheet(request.user, version):
        # Not a coordinator: 403; a coordinator on a version not validated: the page says why.
        ensure_allowed(
            policies.can_write_project(request.user, request.cpts),
            "Seule la coordination démarre une fiche-action, une fois le projet validé.",
        )
        refusal = (
            f"Fiche-action « {sheet.title} » : cette version du projet de santé est « "
            f"{version.get_status_display()} » ; une fiche-action démarre son objet une fois le projet validé."
        )
        return project_page(request, version, by_number=True, errors=[refusal], status=409)
    kind = request.POST.get("kind", "")
    starter = registry.starter(kind)
    try:
        obj = registry.start_from_sheet(sheet, kind, by=request.user)
    except ValidationError as error:
        return project_page(request, version, by_number=True, errors=error.messages)
    messages.success(request, f"Fiche-action « {sheet.title} » : elle a démarré {starter.label}.")
    return redirect(starter.path(obj))
