"""Helpers shared by the meetings pages; who may do what is `maillon.meetings.policies`."""

from maillon.core.policies import ensure_allowed, ensure_visible
from maillon.meetings import policies

from ..space import add_errors, posted_id, space_breadcrumb
from ..toolkit.links import space_link

__all__ = ["add_errors", "ensure_allowed", "ensure_visible", "policies", "posted_id"]


def require_meetings(request):
    """404, as for a CPTS that does not exist, unless the user may open the meetings pages."""
    ensure_visible(policies.can_use_meetings(request.user, getattr(request, "cpts", None)))


def is_coordinator(request) -> bool:
    """The coordination's view of the pages (every meeting, everyone's time, the indemnities)."""
    return policies.can_manage_meetings(request.user, request.cpts)


def my_membership(request):
    """The user's active adhesion to this CPTS, through their professional card, or None."""
    return policies.own_membership(request.user, request.cpts)


meetings_breadcrumb = space_breadcrumb
meetings_link = space_link("Réunions", "meetings_list")
payments_link = space_link("Indemnités", "meetings_payments")
