"""The coordinators write the projet de santé: a new version (the first one empty, the next a copy
of the latest), the general diagnosis and the missions taken on (the four socle missions always
are), each mission's diagnosis, then the submission to the ARS and the Assurance Maladie. A
version is written while « En rédaction » only: the domain refuses the rest, and says why."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from maillon.core.missions import SOCLE, Mission
from maillon.creation import services
from maillon.creation.models import MissionSection, ProjectStatus, ProjectVersion

from ..space import allow, save_form
from . import page
from .forms import DiagnosisForm, SectionForm
from .project import PROJECT, project_page, shown_version
from .project_common import creation_context, ensure_allowed, policies, project_link, require_creation

WRITERS_ONLY = "Seule la coordination de la CPTS rédige son projet de santé."


def ensure_writer(request):
    ensure_allowed(policies.can_write_project(request.user, request.cpts), WRITERS_ONLY)


def draft_or_none(cpts) -> ProjectVersion | None:
    """The version being written, if the working one is a draft."""
    version = services.working_version(cpts)
    return version if version is not None and version.is_draft else None


def not_a_draft(request):
    """The page of the shown version, saying that no version is being written now."""
    version = shown_version(request.cpts)
    if version is None:
        message = "Aucune version du projet de santé n'est en rédaction : commencez-en une."
    else:
        message = f"La version {version.number} est « {version.get_status_display()} » : elle ne se modifie plus."
        if version.status != ProjectStatus.SUBMITTED:
            message += " Commencez une nouvelle version pour reprendre le projet."
    return project_page(request, version, errors=[message])


@page("projet-de-sante/nouvelle-version/")
@allow("POST", check=require_creation)
def creation_project_start(request, cpts_slug):
    cpts = request.cpts
    ensure_writer(request)
    try:
        version = services.start_version(cpts, by=request.user)
    except ValidationError as error:
        return project_page(request, shown_version(cpts), errors=error.messages)
    if version.number == 1:
        messages.success(request, "Version 1 du projet de santé commencée : écrivez le diagnostic territorial.")
    else:
        messages.success(request, f"Version {version.number} commencée, copie de la version {version.number - 1}.")
    return redirect("creation_project", cpts_slug=cpts.slug)


@page("projet-de-sante/diagnostic/")
@allow("GET", "POST", check=require_creation)
def creation_project_diagnosis(request, cpts_slug):
    cpts, user = request.cpts, request.user
    ensure_writer(request)
    version = draft_or_none(cpts)
    if version is None:
        return not_a_draft(request)
    optional = [mission for mission in version.missions if mission not in SOCLE]
    form = DiagnosisForm(request.POST or None, initial={"diagnosis": version.diagnosis, "missions": optional})

    def write():
        data = form.cleaned_data
        return services.save_diagnosis(version, by=user, diagnosis=data["diagnosis"], missions=data["missions"])

    if request.method == "POST" and save_form(request, form, write, "Diagnostic et missions enregistrés."):
        return redirect("creation_project", cpts_slug=cpts.slug)
    context = creation_context(
        request,
        "Diagnostic et missions",
        PROJECT,
        "Diagnostic et missions",
        project_link(cpts),
        version=version,
        form=form,
        socle=[Mission(mission).label for mission in SOCLE],
    )
    return render(request, "creation/project_diagnosis.html", context, status=400 if form.errors else 200)


def section_or_404(version, mission) -> MissionSection:
    return get_object_or_404(MissionSection.objects.filter(version=version), mission=mission)


@page("projet-de-sante/missions/<int:mission>/")
@allow("GET", "POST", check=require_creation)
def creation_project_section(request, cpts_slug, mission):
    cpts, user = request.cpts, request.user
    ensure_writer(request)
    version = draft_or_none(cpts)
    if version is None:
        return not_a_draft(request)
    section = section_or_404(version, mission)
    form = SectionForm(request.POST or None, initial={"diagnosis": section.diagnosis})

    def write():
        return services.save_section(section, by=user, diagnosis=form.cleaned_data["diagnosis"])

    done = f"Mission {section.get_mission_display()} : diagnostic enregistré."
    if request.method == "POST" and save_form(request, form, write, done):
        return redirect("creation_project", cpts_slug=cpts.slug)
    label = section.get_mission_display()
    context = creation_context(
        request,
        f"Mission {label}",
        PROJECT,
        f"Mission {label}",
        project_link(cpts),
        version=version,
        section=section,
        sheets=list(section.sheets.all()),
        form=form,
    )
    return render(request, "creation/project_section.html", context, status=400 if form.errors else 200)


@page("projet-de-sante/deposer/")
@allow("POST", check=require_creation)
def creation_project_submit(request, cpts_slug):
    cpts = request.cpts
    ensure_writer(request)
    version = services.working_version(cpts)
    if version is None:
        return not_a_draft(request)
    try:
        services.submit_project(version, by=request.user)
    except ValidationError as error:
        return project_page(request, version, errors=error.messages)
    messages.success(
        request, f"Version {version.number} déposée : l'ARS et l'Assurance Maladie sont prévenues et vont l'examiner."
    )
    return redirect("creation_project", cpts_slug=cpts.slug)
