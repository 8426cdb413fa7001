"""Helpers shared by the adhesion pages; the rules are in maillon/members/policies.py."""

from django.urls import reverse
from django.utils import timezone

from maillon.core.policies import ensure_visible
from maillon.members import policies

from ...space import add_errors, journal_summary, posted_id, space_breadcrumb

__all__ = ["add_errors", "journal_summary", "posted_id", "require_coordinator", "require_member", "space_breadcrumb"]


def require_member(request):
    """404, as for a CPTS that does not exist, unless the user sees the members of this CPTS."""
    ensure_visible(policies.can_see_directory(request.user, request.cpts))


def require_coordinator(request):
    """404, as for a CPTS that does not exist, unless the user runs the coordination of its
    members (the list of every adhesion, collèges, fees, imports, messages)."""
    ensure_visible(policies.can_manage_members(request.user, request.cpts))


def current_year() -> int:
    return timezone.localdate().year


def members_link(cpts) -> tuple[str, str]:
    return ("Membres", reverse("members_list", args=[cpts.slug]))
