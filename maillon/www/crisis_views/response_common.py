"""Helpers of the crisis response pages: who may do what, the breadcrumb, the crisis of the URL."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from maillon.crisis_response.access import AUTHORITY, COORDINATOR, response_role
from maillon.crisis_response.models import Crisis

from ..public_views.common import breadcrumb
from ..space import space_breadcrumb


def require_role(request, *roles) -> str:
    """The user's role over the CPTS's crises; 404 (as for a missing CPTS) unless one of `roles`."""
    role = response_role(request.user, request.cpts, request.cpts_role)
    if role is None or (roles and role not in roles):
        raise Http404
    return role


def require_coordinator(request) -> str:
    return require_role(request, COORDINATOR)


def crisis_or_404(request, pk) -> Crisis:
    """A crisis of this CPTS; another CPTS's is missing."""
    return get_object_or_404(Crisis.objects.for_cpts(request.cpts), pk=pk)


def crises_breadcrumb(cpts, role, current, *links):
    home = ("Crises et alertes", reverse("crisis_response_list", args=[cpts.slug]))
    if role == COORDINATOR:
        return space_breadcrumb(cpts, current, *((home, *links) if current != home[0] else links))
    return breadcrumb(
        current,
        (cpts.name, reverse("cpts_detail", args=[cpts.slug])),
        *((home, *links) if current != home[0] else links),
    )


__all__ = ["AUTHORITY", "COORDINATOR", "crises_breadcrumb", "crisis_or_404", "require_coordinator", "require_role"]
