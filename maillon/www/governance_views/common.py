"""Helpers shared by the governance pages; who may do what is `maillon.governance.policies`."""

from maillon.core.policies import ensure_allowed, ensure_visible
from maillon.governance import policies

from ..space import add_errors, posted_id, space_breadcrumb
from ..toolkit.links import space_link

__all__ = ["add_errors", "ensure_allowed", "ensure_visible", "policies", "posted_id"]


def require_governance(request):
    """404, as for a CPTS that does not exist, unless the user may see the CPTS's governance."""
    ensure_visible(policies.can_see_governance(request.user, getattr(request, "cpts", None)))


def is_coordinator(request) -> bool:
    """The coordination's view of the pages (its forms and buttons)."""
    return policies.can_manage_governance(request.user, request.cpts)


governance_breadcrumb = space_breadcrumb
elections_link = space_link("Élections", "governance_elections")
assemblies_link = space_link("Assemblées générales", "governance_assemblies")


def member_label(membership) -> str:
    return str(membership.member)
