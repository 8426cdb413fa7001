"""Helpers shared by the prevention pages of a CPTS's space; who may do what is
`maillon.prevention.policies`.

Any role of the CPTS (and the authority and observers of its territory) reads the actions,
measures, sessions and materials; the coordination changes them (403 for the others); the
registrants are shown to the coordination and to the adherent in charge of the action only,
and every display of them is journaled."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from maillon.core.policies import ensure_allowed, ensure_visible, has_cpts_role
from maillon.prevention import policies
from maillon.prevention.models import RegistrationStatus

from ..space import add_errors, posted_id, space_breadcrumb
from ..toolkit.navigation import breadcrumb

__all__ = ["add_errors", "ensure_allowed", "ensure_visible", "policies", "posted_id"]


def require_prevention(request):
    """404, as for a CPTS that does not exist, unless the user may read the prevention pages."""
    ensure_visible(policies.can_see_prevention(request.user, getattr(request, "cpts", None)))


def ensure_manager(request):
    """403 for someone who reads the prevention pages but does not plan them (the coordination
    does); a dissolved CPTS plans nothing any more."""
    ensure_allowed(is_manager(request))


def is_manager(request) -> bool:
    return policies.can_manage_prevention(request.user, request.cpts)


def prevention_link(cpts) -> tuple[str, str]:
    return ("Prévention", reverse("prevention_home", args=[cpts.slug]))


def action_link(action) -> tuple[str, str]:
    return (action.title, reverse("prevention_action", args=[action.cpts.slug, action.pk]))


def space_or_public_breadcrumb(request, current: str, *links) -> dict:
    """The roles of the CPTS come from its members' space; the authority and the observers of
    its territory, who have none, from the CPTS's public page."""
    cpts = request.cpts
    if has_cpts_role(request.user, cpts):
        return space_breadcrumb(cpts, current, *links)
    return breadcrumb(current, (cpts.name, reverse("cpts_detail", args=[cpts.slug])), *links)


def prevention_breadcrumb(cpts, current: str, *links) -> dict:
    """CPTS › Espace membres › Prévention › … › current page (a page of the coordination)."""
    return space_breadcrumb(cpts, current, prevention_link(cpts), *links)


def reader_breadcrumb(request, current: str, *links) -> dict:
    """CPTS › Espace membres › Prévention › … › current page, or CPTS › Prévention › … for a
    reader without a members' space (the authority, the observers)."""
    return space_or_public_breadcrumb(request, current, prevention_link(request.cpts), *links)


def action_or_404(request, pk):
    actions = policies.visible_actions(request.user, request.cpts).select_related("owner__professional")
    return get_object_or_404(actions, pk=pk)


def measure_or_404(request, pk):
    measures = policies.visible_measures(request.user, request.cpts).select_related("action", "departement")
    return get_object_or_404(measures, pk=pk)


def with_waiting(sessions):
    """Sessions with `waiting_count`, the people on their waiting list (one query for all)."""
    return sessions.annotate(
        waiting_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING))
    )


def session_or_404(request, pk):
    sessions = policies.visible_sessions(request.user, request.cpts).select_related(
        "action__owner__professional", "commune"
    )
    return get_object_or_404(with_waiting(sessions), pk=pk)


def material_or_404(request, pk):
    materials = policies.visible_materials(request.user, request.cpts).select_related("action")
    return get_object_or_404(materials, pk=pk)


def import_url(cpts, measure) -> str | None:
    """The import kit's page of a measure's values, when it is there."""
    try:
        return reverse("prevention_measure_import", args=[cpts.slug, measure.pk])
    except NoReverseMatch:
        return None
