"""Helpers shared by the care pathways pages; who may do what is `maillon.pathways.policies`.

Health data: an inclusion the user may not see answers 404, as a missing one; its address
holds its number only, and a page title (which reaches the server's logs) never names the patient.
"""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from maillon.core.policies import ensure_allowed, ensure_visible
from maillon.members.models import Membership
from maillon.pathways import policies, services
from maillon.pathways.models import Inclusion, Programme

from ..space import add_errors, posted_back, posted_id, space_breadcrumb

__all__ = ["add_errors", "ensure_allowed", "ensure_visible", "policies", "posted_id"]


def require_pathways(request):
    """404, as for a CPTS that does not exist, unless the user may open the pathways pages."""
    ensure_visible(policies.can_see_programmes(request.user, getattr(request, "cpts", None)))


def require_manager(request):
    """404 unless the user manages the programmes of this CPTS (its coordination)."""
    ensure_visible(policies.can_manage_programmes(request.user, getattr(request, "cpts", None)))


def require_include(request):
    ensure_visible(policies.can_include(request.user, getattr(request, "cpts", None)))


def pathways_link(cpts) -> tuple[str, str]:
    return ("Parcours", reverse("pathways_home", args=[cpts.slug]))


def pathways_breadcrumb(cpts, current: str, *links) -> dict:
    """CPTS › Espace membres › Parcours › … › current page."""
    return space_breadcrumb(cpts, current, pathways_link(cpts), *links)


def programme_or_404(request, pk) -> Programme:
    """A programme version of this CPTS (any version: included patients keep theirs)."""
    return get_object_or_404(policies.visible_programmes(request.user, request.cpts), pk=pk)


def inclusion_or_404(request, pk) -> Inclusion:
    """An inclusion the user may see (its lead, its care team of today, the coordination)."""
    inclusions = policies.visible_inclusions(request.user, request.cpts).select_related(
        "programme", "lead__professional", "consent_recorded_by"
    )
    return get_object_or_404(inclusions, pk=pk)


def professional_adherents(cpts):
    """The active adhesions of professionals of the CPTS: who may lead or join a care team."""
    return (
        Membership.objects.for_cpts(cpts)
        .active()
        .filter(professional__isnull=False)
        .select_related("professional")
        .order_by("professional__last_name", "professional__first_name", "pk")
    )


def own_adhesion(request):
    """The user's active professional adhesion to this CPTS, or None."""
    professional = getattr(request.user, "professional", None)
    if professional is None:
        return None
    return professional_adherents(request.cpts).filter(professional=professional).first()


# The fields of the patient a list shows (their display name): journaled for each patient shown.
NAME_FIELDS = ["birth_name", "used_name", "first_given_name"]


def back_to(request, default: str) -> str:
    """Where a row's action returns: the posted `retour` when it is a pathways page of this
    CPTS (the list with its filters, the inclusion page), else `default` (`space.posted_back`)."""
    return posted_back(request, default, within=reverse("pathways_home", args=[request.cpts.slug]))


def shown_patients(rows, note: str, attribute: str = "inclusion") -> None:
    """Journal the patients of these rows (each once), shown by their name on a list."""
    inclusions = {getattr(row, attribute).pk: getattr(row, attribute) for row in rows}
    services.record_inclusion_reads(inclusions.values(), NAME_FIELDS, note=note)


def refused_row_form(request, template, row, form, *, what: str, listing: tuple[str, str], back: str, **context):
    """A row's form refused (task, break): shown again alone on its page, with its errors (400);
    the patient it names is journaled. `what`: « Tâche n° 4 »; `listing`: (label, route) of its list."""
    cpts = request.cpts
    shown_patients([row], what.split(" n° ")[0].lower())
    label, route = listing
    context |= {
        "cpts": cpts,
        "form": form,
        "back": back,
        "title": f"{what} — {cpts.name}",
        "breadcrumb_data": pathways_breadcrumb(cpts, what, (label, reverse(route, args=[cpts.slug]))),
    }
    return render(request, template, context, status=400)
