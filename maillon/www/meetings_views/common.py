"""Helpers shared by the meetings pages."""

from django.urls import reverse

from maillon.members.models import Membership

from ..space import add_errors, is_coordinator, posted_id, require_coordinator, require_member, space_breadcrumb

__all__ = ["add_errors", "is_coordinator", "posted_id", "require_coordinator", "require_member"]


def my_membership(request):
    """The user's active adhesion to this CPTS, through their professional card, or None."""
    professional = getattr(request.user, "professional", None)
    if professional is None:
        return None
    return (
        Membership.objects.for_cpts(request.cpts)
        .active()
        .filter(professional=professional)
        .select_related("professional")
        .first()
    )


meetings_breadcrumb = space_breadcrumb


def meetings_link(cpts) -> tuple[str, str]:
    return ("Réunions", reverse("meetings_list", args=[cpts.slug]))


def payments_link(cpts) -> tuple[str, str]:
    return ("Indemnités", reverse("meetings_payments", args=[cpts.slug]))
