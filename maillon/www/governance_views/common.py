"""Helpers shared by the governance pages; who may do what is `maillon.governance.policies`."""

from django.urls import reverse

from maillon.core.policies import ensure_allowed, ensure_visible
from maillon.governance import policies

from ..space import add_errors, posted_id, space_breadcrumb

__all__ = ["add_errors", "ensure_allowed", "ensure_visible", "policies", "posted_id"]


def require_governance(request):
    """404, as for a CPTS that does not exist, unless the user may see the CPTS's governance."""
    ensure_visible(policies.can_see_governance(request.user, getattr(request, "cpts", None)))


def is_coordinator(request) -> bool:
    """The coordination's view of the pages (its forms and buttons)."""
    return policies.can_manage_governance(request.user, request.cpts)


governance_breadcrumb = space_breadcrumb


def elections_link(cpts) -> tuple[str, str]:
    return ("Élections", reverse("governance_elections", args=[cpts.slug]))


def assemblies_link(cpts) -> tuple[str, str]:
    return ("Assemblées générales", reverse("governance_assemblies", args=[cpts.slug]))


def member_label(membership) -> str:
    return str(membership.member)
