"""Helpers shared by the meetings pages."""

from django.urls import reverse

from maillon.core.access import require_cpts_role
from maillon.core.models import CptsRoleKind
from maillon.members.models import Membership

from ..governance_views.common import add_errors, posted_id
from ..public_views.common import breadcrumb

__all__ = ["add_errors", "posted_id"]


def require_member(request):
    """404, as for a CPTS that does not exist, unless the user has a role in this CPTS."""
    require_cpts_role(request)


def require_coordinator(request):
    require_cpts_role(request, CptsRoleKind.COORDINATOR)


def is_coordinator(request) -> bool:
    return request.cpts_role == CptsRoleKind.COORDINATOR or request.user.is_superuser


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


def meetings_breadcrumb(cpts, current: str, *links: tuple[str, str]) -> dict:
    """CPTS › Espace membres › … › current page."""
    return breadcrumb(
        current,
        (cpts.name, reverse("cpts_detail", args=[cpts.slug])),
        ("Espace membres", reverse("cpts_dashboard", args=[cpts.slug])),
        *links,
    )


def meetings_link(cpts) -> tuple[str, str]:
    return ("Réunions", reverse("meetings_list", args=[cpts.slug]))


def payments_link(cpts) -> tuple[str, str]:
    return ("Indemnités", reverse("meetings_payments", args=[cpts.slug]))
