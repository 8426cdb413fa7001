"""Shared by the crisis plan's pages: access, the version of the URL, the breadcrumb."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from maillon.core.policies import ensure_allowed, ensure_visible, has_cpts_role
from maillon.crisis import policies
from maillon.crisis.models import PlanVersion
from maillon.crisis.policies import AUTHORITY, COORDINATOR, ROLE_LABELS

from ..space import space_breadcrumb
from ..toolkit.navigation import breadcrumb

PLAN_TITLE = "Plan de crise sanitaire"


COORDINATOR_ONLY = "Seuls les coordinateurs de cette CPTS rédigent et soumettent le plan de crise."
AUTHORITY_ONLY = "Seules l'ARS et la CPAM du territoire valident ou renvoient le plan de crise."


def require_reader(request) -> str:
    """The reader's role (coordinator, authority, observer, member); 404 unless they read the plan."""
    ensure_visible(policies.can_read_plan(request.user, request.cpts))
    return policies.plan_role(request.user, request.cpts)


def require_plan_coordinator(request) -> str:
    """404 unless the user reads the plan; 403 unless they write it."""
    role = require_reader(request)
    ensure_allowed(policies.can_edit_plan(request.user, request.cpts), COORDINATOR_ONLY)
    return role


def version_or_404(cpts, year) -> PlanVersion:
    return get_object_or_404(PlanVersion.objects.for_cpts(cpts).select_related("plan"), year=year)


def plan_link(cpts) -> tuple[str, str]:
    return (PLAN_TITLE, reverse("crisis_plan", args=[cpts.slug]))


def version_link(version) -> tuple[str, str]:
    return (f"Plan {version.year}", reverse("crisis_plan_version", args=[version.cpts.slug, version.year]))


def plan_breadcrumb(request, cpts, current, *links):
    if has_cpts_role(request.user, cpts):
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
