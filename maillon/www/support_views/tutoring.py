"""Tutoring pairs (mission 6, point 4): an experienced adherent accompanies a newcomer — an
adherent, the trainee of a placement, a professional whose installation the CPTS follows.
The coordination forms the pairs and ends them; the tutor may end theirs; a member reads the
pairs they are in (`support.policies.visible_tutoring`)."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from maillon.core.policies import ensure_allowed
from maillon.support import policies
from maillon.support.models import InstallationStatus, PlacementStatus, Tutoring, TutoringStatus

from ..space import allow, save_form
from . import page
from .forms_peer import EndForm, TutoringForm
from .home import require_support, support_breadcrumb

TUTORING_TITLE = "Binômes de tutorat"
ALL = "tous"
STATES = [*TutoringStatus.choices, (ALL, "Tous")]


def tutoring_link(cpts) -> tuple[str, str]:
    return (TUTORING_TITLE, reverse("tutoring_list", args=[cpts.slug]))


def tutoring_rows(request, state):
    user, cpts = request.user, request.cpts
    rows = policies.visible_tutoring(user, cpts)
    if state != ALL:
        rows = rows.filter(status=state)
    rows = rows.select_related(
        "tutor__professional", "tutee_membership__professional", "placement", "installation"
    ).order_by("-started_on", "-pk")
    rows = list(rows)
    for tutoring in rows:
        tutoring.may_end = policies.can_end_tutoring(user, tutoring)
        tutoring.end_form = EndForm(auto_id=f"id_tutoring-{tutoring.pk}-%s") if tutoring.may_end else None
    return rows


def list_page(request, *, errors=(), status=200):
    cpts, user = request.cpts, request.user
    state = str(request.GET.get("etat", TutoringStatus.ACTIVE))
    if state not in {value for value, _ in STATES}:
        state = TutoringStatus.ACTIVE
    context = {
        "cpts": cpts,
        "tutorings": tutoring_rows(request, state),
        "states": STATES,
        "state": state,
        "may_create": policies.can_manage_tutoring(user, cpts),
        "errors": list(errors),
        "title": f"{TUTORING_TITLE} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, TUTORING_TITLE),
    }
    return render(request, "support/peer/tutoring_list.html", context, status=status)


@page("accompagnement/tutorat/")
@allow("GET", check=require_support)
def tutoring_list(request, cpts_slug):
    return list_page(request)


@page("accompagnement/tutorat/nouveau/")
@allow("GET", "POST", check=require_support)
def tutoring_create(request, cpts_slug):
    cpts, user = request.cpts, request.user
    ensure_allowed(policies.can_manage_tutoring(user, cpts))
    placements = (
        policies.visible_placements(user, cpts)
        .exclude(status=PlacementStatus.CANCELLED)
        .select_related("supervisor")
        .order_by("-starts_on", "pk")
    )
    installations = (
        policies.visible_installations(user, cpts)
        .exclude(status=InstallationStatus.ABANDONED)
        .order_by("last_name", "first_name", "pk")
    )
    form = TutoringForm(request.POST or None, cpts=cpts, placements=placements, installations=installations)

    def write():
        tutoring = Tutoring(cpts=cpts, **form.tutoring_fields())
        tutoring.full_clean()
        tutoring.save()

    if request.method == "POST" and save_form(request, form, write, "Binôme de tutorat formé."):
        return redirect("tutoring_list", cpts_slug=cpts.slug)
    context = {
        "cpts": cpts,
        "form": form,
        "title": f"Nouveau binôme de tutorat — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, "Nouveau binôme", tutoring_link(cpts)),
    }
    return render(request, "support/peer/tutoring_form.html", context, status=400 if form.errors else 200)


@page("accompagnement/tutorat/<int:pk>/terminer/")
@allow("POST", check=require_support)
def tutoring_end(request, cpts_slug, pk):
    user, cpts = request.user, request.cpts
    tutoring = get_object_or_404(policies.visible_tutoring(user, cpts).select_related("tutor__professional"), pk=pk)
    ensure_allowed(policies.can_end_tutoring(user, tutoring))
    form = EndForm(request.POST)

    def write():
        tutoring.end(by=user, on=form.cleaned_data["ended_on"])

    if save_form(request, form, write, f"Tutorat de {tutoring.tutee_label} terminé."):
        return redirect("tutoring_list", cpts_slug=cpts.slug)
    errors = [error for field_errors in form.errors.values() for error in field_errors]
    return list_page(request, errors=errors, status=400)
