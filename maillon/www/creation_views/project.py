"""The projet de santé of a CPTS, read: the version being written or examined (else the latest),
or any version by its number — its state, the general diagnosis, each mission with its diagnosis
and its fiches-actions, the decisions of the ARS and the Assurance Maladie, the list of versions;
and a PDF of a version for the partners.

The same page carries what the user may do with the version shown: the coordinators write the
draft, see what keeps it from being submitted and submit it, start a new version, start a mission
object from a fiche-action of a validated version; an authority decides for its funder (ARS or
Assurance Maladie) and, the projet validated, opens the negotiation of the ACI. Refusals of the
domain come back on this page (`project_page(…, errors=…)`)."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from maillon.core.models import CptsStatus
from maillon.creation import registry, services
from maillon.creation.models import Funder, ProjectStatus, ProjectVersion

from ..space import allow
from . import page
from .forms import ReviewForm
from .project_common import creation_context, policies, project_link, require_creation

PROJECT = "Projet de santé"


def version_or_404(cpts, number) -> ProjectVersion:
    return get_object_or_404(ProjectVersion.objects.for_cpts(cpts), number=number)


def shown_version(cpts) -> ProjectVersion | None:
    """The version being written or examined, else the latest."""
    return services.working_version(cpts) or services.latest_version(cpts)


def sections_of(version) -> list:
    """The missions of the version with their fiches-actions (two queries)."""
    return list(version.sections.prefetch_related("sheets").order_by("mission"))


def started_label(sheet) -> str:
    kind = registry.started_kind(sheet)
    starter = registry.starter(kind) if kind else None
    return starter.label if starter else ("un objet de mission" if kind else "")


def version_context(request, version) -> dict:
    """What the project page shows of `version` (None: no version yet) and what the user may do."""
    cpts, user = request.cpts, request.user
    versions = list(ProjectVersion.objects.for_cpts(cpts).order_by("-number"))
    writer = policies.can_write_project(user, cpts)
    working = next((item for item in versions if item.status in (ProjectStatus.DRAFT, ProjectStatus.SUBMITTED)), None)
    context = {
        "version": version,
        "versions": versions,
        "writer": writer,
        "can_start_version": writer and working is None,
        "copy_of": versions[0] if versions and working is None else None,
        "can_open_negotiation": cpts.status == CptsStatus.PROJECT_VALIDATED
        and policies.can_open_negotiation(user, cpts),
    }
    if version is None:
        return context
    sections = sections_of(version)
    reviews = list(version.reviews.all())
    can_start = policies.can_start_from_sheet(user, version)
    for section in sections:
        starters = registry.starters_for(section.mission) if can_start else []
        for sheet in section.sheets.all():
            sheet.starters = [] if sheet.started else starters
            sheet.started_label = started_label(sheet)
    draft_writer = writer and version.is_draft
    decided = {review.funder for review in reviews}
    waiting = version.status == ProjectStatus.SUBMITTED
    funder = policies.review_funder(user, version)
    context |= {
        "sections": sections,
        "reviews": reviews,
        "waiting_for": [label for value, label in Funder.choices if value not in decided] if waiting else [],
        "draft_writer": draft_writer,
        "problems": services.submission_problems(version) if draft_writer else [],
        "review_funder": funder,
        "review_funder_label": Funder(funder).label if funder else "",
        "review_form": ReviewForm(prefix="decision") if funder else None,
        "is_working": working is not None and working.pk == version.pk,
    }
    return context


def project_page(request, version, *, by_number=False, errors=(), status=None):
    """The page of `version` (None: none yet); `by_number`: reached by its number, from the list;
    `errors`: a refusal said on top (400, or `status`)."""
    cpts = request.cpts
    if by_number:
        current = f"Version {version.number}"
        context = creation_context(
            request, f"{PROJECT}, version {version.number}", PROJECT, current, project_link(cpts)
        )
    else:
        context = creation_context(request, PROJECT, PROJECT, PROJECT)
    context |= version_context(request, version)
    context["errors"] = list(errors)
    return render(request, "creation/project.html", context, status=status or (400 if errors else 200))


@page("projet-de-sante/")
@allow("GET", check=require_creation)
def creation_project(request, cpts_slug):
    return project_page(request, shown_version(request.cpts))


@page("projet-de-sante/versions/<int:number>/")
@allow("GET", check=require_creation)
def creation_project_version(request, cpts_slug, number):
    return project_page(request, version_or_404(request.cpts, number), by_number=True)


def project_url(cpts) -> str:
    return reverse("creation_project", args=[cpts.slug])
