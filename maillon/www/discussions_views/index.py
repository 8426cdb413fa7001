"""My discussions: every space I read (of each of my CPTS, the groups I joined) with its unread
messages, my mentions (unread first), and the search of the messages of the spaces I read."""

from itertools import groupby
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import render

from maillon.core.models import CptsRole
from maillon.core.policies import is_authenticated
from maillon.discussions import services
from maillon.discussions.models import Mention, MessageStatus
from maillon.discussions.selectors import search_messages, unread_mentions

from ..space import allow, posted_id
from ..toolkit.navigation import breadcrumb
from . import page
from .common import PAGE_SIZE, discussions_breadcrumb, ensure_visible, policies, unread_by_space

MIN_SEARCH = 2


def signed_in(request):
    """Any signed-in person has their discussions (none, for someone who reads no space)."""
    ensure_visible(is_authenticated(request.user))


def readable(user):
    return policies.readable_spaces(user).select_related("cpts", "organisation")


@page("")
@allow("GET", check=signed_in)
def discussions_index(request):
    user = request.user
    # The spaces of each of my CPTS exist before they are listed (created once).
    for role in CptsRole.objects.filter(user=user).select_related("cpts"):
        services.ensure_cpts_spaces(role.cpts)
    spaces = list(readable(user).order_by("cpts__name", "organisation__name", "kind", "mission", "name", "pk"))
    unread = unread_by_space(user, [space.pk for space in spaces])
    for space in spaces:
        space.unread = unread.get(space.pk, 0)
    groups = [
        {"label": label, "cpts": items[0].cpts, "spaces": items}
        for label, items in ((label, list(items)) for label, items in groupby(spaces, key=lambda s: s.host_label))
    ]
    context = {
        "groups": groups,
        "mentions": unread_mentions(user).count(),
        "title": "Mes discussions",
        "breadcrumb_data": breadcrumb("Discussions"),
    }
    return render(request, "discussions/index.html", context)


@page("mentions/")
@allow("GET", check=signed_in)
def discussions_mentions(request):
    user = request.user
    mentions = (
        Mention.objects.filter(
            user=user, message__status=MessageStatus.VISIBLE, message__space__in=policies.readable_spaces(user)
        )
        .select_related("message__author", "message__topic", "message__space")
        .order_by(F("read_at").asc(nulls_first=True), "-message_id")
    )
    listed = Paginator(mentions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": listed,
        "title": "Mes mentions — Discussions",
        "breadcrumb_data": discussions_breadcrumb("Mes mentions"),
    }
    return render(request, "discussions/mentions.html", context)


@page("recherche/")
@allow("GET", check=signed_in)
def discussions_search(request):
    """The messages of the spaces I read that hold every word typed (accents and case ignored)."""
    user = request.user
    q = (request.GET.get("q") or "").strip()
    space_id = posted_id(request.GET.get("espace"))
    spaces = list(readable(user).order_by("cpts__name", "organisation__name", "kind", "mission", "name", "pk"))
    wanted = services.searchable(q)
    listed = None
    if len(wanted) >= MIN_SEARCH:
        found = search_messages(user, q, space_id=space_id)
        listed = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {"q": q, **({"espace": space_id} if space_id else {})}
    context = {
        "q": q,
        "space_id": space_id,
        "spaces": spaces,
        "too_short": bool(q) and len(wanted) < MIN_SEARCH,
        "page": listed,
        "query": urlencode(query),
        # Never the words in the title (browser history, shared screens): they may name someone.
        "title": "Rechercher — Discussions",
        "breadcrumb_data": discussions_breadcrumb("Rechercher"),
    }
    return render(request, "discussions/search.html", context)
