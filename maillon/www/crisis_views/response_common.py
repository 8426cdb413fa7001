"""Helpers of the crisis response pages: who may see the crises (`maillon.crisis_response.policies`),
the breadcrumb, the crisis of the URL."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from maillon.core.policies import ensure_allowed, ensure_visible
from maillon.crisis_response import policies
from maillon.crisis_response.models import Crisis
from maillon.crisis_response.policies import AUTHORITY, COORDINATOR

from ..space import space_breadcrumb
from ..toolkit.navigation import breadcrumb

ROLE_REFUSED = "Votre rôle ne permet pas cette opération sur les crises de cette CPTS."


def require_role(request) -> str:
    """The user's role over the CPTS's crises; 404 (as for a missing CPTS) without one."""
    ensure_visible(policies.can_see_crises(request.user, request.cpts))
    return policies.response_role(request.user, request.cpts)


def require_allowed(request, policy, message=ROLE_REFUSED) -> str:
    """The user's role; 404 unless they see the crises, 403 unless `policy(user, cpts)`."""
    role = require_role(request)
    ensure_allowed(policy(request.user, request.cpts), message)
    return role


def require_coordinator(request) -> str:
    """The alert chain: 404 unless the user keeps it (the coordination)."""
    ensure_visible(policies.can_manage_chain(request.user, request.cpts))
    return policies.response_role(request.user, request.cpts)


def may(request) -> dict:
    """What the pages offer this user (their buttons and links), from the policies."""
    user, cpts = request.user, request.cpts
    return {
        "declare": policies.can_declare_crisis(user, cpts),
        "exercise": policies.can_run_exercise(user, cpts),
        "chain": policies.can_manage_chain(user, cpts),
        "mobilise": policies.can_mobilise(user, cpts),
        "end": policies.can_end_crisis(user, cpts),
        "recognise": policies.can_recognise_crisis(user, cpts),
    }


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


__all__ = [
    "AUTHORITY",
    "COORDINATOR",
    "crises_breadcrumb",
    "crisis_or_404",
    "may",
    "require_allowed",
    "require_coordinator",
    "require_role",
]
