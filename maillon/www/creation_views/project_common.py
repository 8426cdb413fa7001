"""Helpers shared by the CPTS-space pages of the creation (the 10 steps, the start-up grant, the
projet de santé); who may do what is `maillon.creation.policies`.

The CPTS's people read the steps and the projet de santé, and so do the authorities and the
observers of its territory (they follow the creation); the grant is read by the coordinators and
those authorities and observers. Invisible: 404, as for a CPTS that does not exist; visible but
not the user's action: 403."""

from django.urls import reverse

from maillon.core.policies import ensure_allowed, ensure_visible, has_cpts_role
from maillon.creation import policies

from ..space import add_errors, posted_id, space_breadcrumb
from ..toolkit.navigation import breadcrumb

__all__ = ["add_errors", "ensure_allowed", "ensure_visible", "policies", "posted_id"]


def require_creation(request):
    """404 unless the user may read the steps and the projet de santé of this CPTS."""
    ensure_visible(policies.can_see_creation(request.user, getattr(request, "cpts", None)))


def require_grant(request):
    """404 unless the user may read the start-up grant of this CPTS."""
    ensure_visible(policies.can_see_grant(request.user, getattr(request, "cpts", None)))


def creation_breadcrumb(request, current: str, *links) -> dict:
    """CPTS › Espace membres › … for the CPTS's people; CPTS › … for the authorities and
    observers of its territory, who have no members' space."""
    cpts = request.cpts
    if has_cpts_role(request.user, cpts):
        return space_breadcrumb(cpts, current, *links)
    return breadcrumb(current, (cpts.name, reverse("cpts_detail", args=[cpts.slug])), *links)


def steps_link(cpts) -> tuple[str, str]:
    return ("Étapes de la création", reverse("creation_steps", args=[cpts.slug]))


def grant_link(cpts) -> tuple[str, str]:
    return ("Subvention de démarrage", reverse("creation_grant", args=[cpts.slug]))


def project_link(cpts) -> tuple[str, str]:
    return ("Projet de santé", reverse("creation_project", args=[cpts.slug]))


def creation_links(user, cpts) -> list[tuple[str, str]]:
    """The creation pages this user reads (the dashboard's block, the pages' secondary menu)."""
    if not policies.can_see_creation(user, cpts) and not policies.can_see_grant(user, cpts):
        return []
    links = []
    if policies.can_see_creation(user, cpts):
        links.append(steps_link(cpts))
    if policies.can_see_grant(user, cpts):
        links.append(grant_link(cpts))
    if policies.can_see_creation(user, cpts):
        links.append(project_link(cpts))
    return links


def creation_context(request, title: str, nav: str, current: str, *links, **extra) -> dict:
    """What every creation page shows around its content: `nav`, the entry of the creation menu
    it belongs to; `current`, its name in the breadcrumb after `links`."""
    cpts = request.cpts
    return {
        "cpts": cpts,
        "nav_current": nav,
        "creation_nav": creation_links(request.user, cpts),
        "title": f"{title} — {cpts.name}",
        "breadcrumb_data": creation_breadcrumb(request, current, *links),
        **extra,
    }
