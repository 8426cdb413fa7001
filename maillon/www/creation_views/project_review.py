"""The funders decide on a submitted projet de santé: an authority of the ARS for the ARS, one of
the Assurance Maladie (CPAM, DCGDR) for it — validated, or returned with its remarks (then the
coordinators start the next version from it). Validated by both, the CPTS is « Projet de santé
validé »; then an authority over the CPTS opens the negotiation of the ACI."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from maillon.core.models import CptsStatus
from maillon.creation import services
from maillon.creation.models import Funder, ProjectStatus, ReviewDecision

from ..space import allow, save_form
from . import page
from .forms import ReviewForm
from .project import PROJECT, project_page, shown_version, version_or_404
from .project_common import creation_context, ensure_allowed, policies, project_link, require_creation


def decided_message(version, funder, decision) -> str:
    who = Funder(funder).label
    if decision == ReviewDecision.RETURNED:
        return f"Décision de l'{who} enregistrée : la version {version.number} est renvoyée avec vos remarques."
    if version.status == ProjectStatus.VALIDATED:
        return f"Décision de l'{who} enregistrée : le projet de santé est validé par l'ARS et l'Assurance Maladie."
    return f"Décision de l'{who} enregistrée : le projet attend l'autre décision."


@page("projet-de-sante/versions/<int:number>/decision/")
@allow("GET", "POST", check=require_creation)
def creation_project_review(request, cpts_slug, number):
    cpts, user = request.cpts, request.user
    version = version_or_404(cpts, number)
    funder = policies.review_funder(user, version)
    ensure_allowed(
        funder is not None,
        "Seule une autorité de l'ARS ou de l'Assurance Maladie décide, une fois, sur une version déposée.",
    )
    form = ReviewForm(request.POST or None, prefix="decision")

    def write():
        data = form.cleaned_data
        review = services.review_project(
            version, by=user, funder=funder, decision=data["decision"], comments=data["comments"]
        )
        version.refresh_from_db()
        return review

    if request.method == "POST" and save_form(
        request, form, write, lambda review: decided_message(version, funder, review.decision)
    ):
        return redirect("creation_project_version", cpts_slug=cpts.slug, number=version.number)
    label = Funder(funder).label
    context = creation_context(
        request,
        f"Décision de l'{label}",
        PROJECT,
        f"Décision sur la version {version.number}",
        project_link(cpts),
        version=version,
        funder_label=label,
        form=form,
    )
    return render(request, "creation/project_review.html", context, status=400 if form.errors else 200)


@page("projet-de-sante/negociation/")
@allow("POST", check=require_creation)
def creation_negotiation_open(request, cpts_slug):
    cpts, user = request.cpts, request.user
    ensure_allowed(
        policies.can_open_negotiation(user, cpts),
        "Seule une autorité de l'ARS ou de l'Assurance Maladie ouvre la négociation de l'ACI.",
    )
    try:
        services.open_negotiation(cpts, by=user)
    except ValidationError as error:
        return project_page(request, shown_version(cpts), errors=error.messages)
    messages.success(
        request, f"Négociation de l'ACI ouverte : la CPTS est à l'étape « {CptsStatus.NEGOTIATION.label} »."
    )
    return redirect("creation_project", cpts_slug=cpts.slug)
