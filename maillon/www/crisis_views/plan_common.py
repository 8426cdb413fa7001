"""Shared by the crisis plan's pages: access, the version of the URL, the breadcrumb."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from maillon.crisis.access import AUTHORITY, COORDINATOR, ROLE_LABELS, plan_role
from maillon.crisis.models import PlanVersion

from ..public_views.common import breadcrumb
from ..space import space_breadcrumb

PLAN_TITLE = "Plan de crise sanitaire"


def require_reader(request) -> str:
    """The reader's role (coordinator, authority, observer, member), or 404."""
    role = plan_role(request.user, request.cpts, request.cpts_role)
    if role is None:
        raise Http404
    return role


def require_plan_coordinator(request) -> str:
    role = require_reader(request)
    if role != COORDINATOR:
        raise Http404
    return role


def version_or_404(cpts, year) -> PlanVersion:
    return get_object_or_404(PlanVersion.objects.for_cpts(cpts).select_related("plan"), year=year)


def plan_link(cpts) -> tuple[str, str]:
    return (PLAN_TITLE, reverse("crisis_plan", args=[cpts.slug]))


def version_link(version) -> tuple[str, str]:
    return (f"Plan {version.year}", reverse("crisis_plan_version", args=[version.cpts.slug, version.year]))


def plan_breadcrumb(request, cpts, current, *links):
    if request.cpts_role or request.user.is_superuser:
        return space_breadcrumb(cpts, current, *links)
    # Authorities and observers have no members' space: CPTS › … › page.
    return breadcrumb(current, (cpts.name, reverse("cpts_detail", args=[cpts.slug])), *links)


def role_context(role) -> dict:
    return {
        "role": role,
        "role_label": ROLE_LABELS[role],
        "is_coordinator": role == COORDINATOR,
        "is_authority": role == AUTHORITY,
    }
