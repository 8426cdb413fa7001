"""Helpers of the pages of groups, spaces' people and moderation, and organisations; who may do
what is `maillon.discussions.policies` and `maillon.organisations.policies`.

A space the user does not read answers 404, as a missing one (a regional group is invisible to
non-participants); a page of the space they read but may not run answers 403."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from maillon.core.policies import ensure_allowed, ensure_visible
from maillon.discussions import policies
from maillon.discussions.models import DiscussionSpace
from maillon.organisations import policies as organisation_policies
from maillon.organisations.models import Organisation

from ..toolkit.navigation import breadcrumb

__all__ = ["ensure_allowed", "ensure_visible"]


def require_login(request):
    """A `check` for `allow` of a page every signed-in person may open (the login middleware
    already sent a visitor to the login page)."""


def require_admin(request):
    """A `check` for `allow`: 404 unless the user administers the platform (organisations)."""
    ensure_visible(organisation_policies.can_manage_organisations(request.user))


def visible_space(request):
    """A `check` for `allow`: 404 unless the user reads the space of the address (the space is
    kept on the request as `discussion_space`)."""
    request.discussion_space = readable_space(request, request.resolver_match.kwargs["space_id"])


def space_or_404(space_id) -> DiscussionSpace:
    return get_object_or_404(DiscussionSpace.objects.select_related("cpts", "organisation", "visio"), pk=space_id)


def readable_space(request, space_id) -> DiscussionSpace:
    """The space, 404 unless the user reads it."""
    space = space_or_404(space_id)
    ensure_visible(policies.can_read(request.user, space))
    return space


def managed_space(request) -> DiscussionSpace:
    """The space `visible_space` found, 403 unless the user manages it."""
    space = request.discussion_space
    ensure_allowed(policies.can_manage_space(request.user, space))
    return space


def space_links(space) -> list[tuple[str, str]]:
    """Discussions › the space."""
    return [
        ("Discussions", reverse("discussions_index")),
        (space.name, reverse("discussions_space", args=[space.pk])),
    ]


def space_breadcrumb(space, current: str) -> dict:
    return breadcrumb(current, *space_links(space))


def space_tabs(request, space) -> list[dict]:
    """The pages of a space beyond its topics, those the user may open."""
    user = request.user
    tabs = [("Sujets", "discussions_space", True)]
    tabs += [
        ("Visio", "discussions_space_visio", space.visio_id is not None or policies.can_manage_space(user, space)),
        ("Participants", "discussions_space_people", True),
        ("Inscriptions", "discussions_signups", policies.can_review_signups(user, space)),
        ("Modération", "discussions_space_moderation", policies.can_see_moderation(user, space)),
        ("Paramètres", "discussions_space_edit", policies.can_manage_space(user, space)),
    ]
    current = request.resolver_match.url_name if request.resolver_match else ""
    return [
        {"label": label, "url": reverse(name, args=[space.pk]), "current": name == current}
        for label, name, shown in tabs
        if shown
    ]


def space_context(request, space, title: str, **extra) -> dict:
    return {
        "space": space,
        "tabs": space_tabs(request, space),
        "title": f"{title} — {space.name}",
        "heading": title,
        "breadcrumb_data": space_breadcrumb(space, title),
        **extra,
    }


def organisation_or_404(request, organisation_id) -> Organisation:
    return get_object_or_404(organisation_policies.visible_organisations(request.user), pk=organisation_id)


def organisation_links(request, organisation=None) -> list[tuple[str, str]]:
    links = [("Organisations", reverse("organisations_index"))]
    if organisation is not None:
        links.append((organisation.name, reverse("organisations_organisation", args=[organisation.pk])))
    return links
