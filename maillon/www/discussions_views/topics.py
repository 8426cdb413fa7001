"""A topic: its last messages (older ones page by page, `?avant=<id>`; with more unread messages
than a page, from the first unread on, `?apres=<id>`), the reply form, and the
new messages fetched without reloading (htmx asks `discussions_topic_new_messages` every
`MAILLON_DISCUSSION_POLL_SECONDS` with the last id shown). What is shown is read
(`services.mark_read`: the topic up to the last message shown, and the mentions there).

The reply form works without a script (POST, then back to the topic at the new message); its
`client_id` makes a double submit write one message."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from maillon.discussions import services
from maillon.discussions.selectors import unread_in_topic

from ..space import allow, posted_id
from ..toolkit.htmx import vary_on_htmx
from . import page
from .common import (
    THREAD_SIZE,
    decorate,
    discussions_breadcrumb,
    ensure_allowed,
    message_url,
    policies,
    space_link,
    topic_or_404,
)
from .forms import MessageForm
from .index import signed_in
from .spaces import mention_hints, place_on_opening, space_flags


def thread(topic):
    return topic.messages.select_related("author").prefetch_related("attachments")


def topic_page(request, topic, *, form=None, status=200):
    user = request.user
    space = topic.space
    place = place_on_opening(request, space)
    # Counted before this visit marks them read: where the new messages start.
    unread = unread_in_topic(topic, user, place)
    before = posted_id(request.GET.get("avant"))
    after = posted_id(request.GET.get("apres"))
    if not before and not after and unread["count"] > THREAD_SIZE:
        after = unread["first"] - 1  # more unread than a page: open at the first of them
    if after and not before:
        following = list(thread(topic).filter(pk__gt=after).order_by("pk")[: THREAD_SIZE + 1])
        has_newer = len(following) > THREAD_SIZE
        shown = decorate(following[:THREAD_SIZE], user, topic)
        has_older = bool(shown) and topic.messages.filter(pk__lt=shown[0].pk).exists()
    else:
        newest = thread(topic).order_by("-pk")
        if before:
            newest = newest.filter(pk__lt=before)
        newest = list(newest[: THREAD_SIZE + 1])
        has_older, has_newer = len(newest) > THREAD_SIZE, bool(before)
        shown = decorate(reversed(newest[:THREAD_SIZE]), user, topic)
    last_id = shown[-1].pk if shown else 0
    # What is shown is read, unless unread messages older than it were skipped (`?avant=`).
    if last_id and not (unread["first"] and unread["first"] < shown[0].pk):
        services.mark_read(topic, user, last_id)
    flags = space_flags(user, space)
    context = {
        "space": space,
        "topic": topic,
        "thread": shown,
        "older_than": shown[0].pk if has_older and shown else None,
        "newer_than": shown[-1].pk if has_newer and shown else None,
        "latest": not has_newer,
        "last_id": last_id,
        "unread_count": unread["count"],
        "first_unread": unread["first"],
        "form": (form or MessageForm()) if flags["can_post"] else None,
        "readers": mention_hints(space) if flags["can_post"] else [],
        "can_pin": policies.can_pin_topic(user, topic),
        "poll_seconds": settings.MAILLON_DISCUSSION_POLL_SECONDS,
        **flags,
        "title": f"{topic.title} — {space.name}",
        "breadcrumb_data": discussions_breadcrumb(topic.title, space_link(space)),
    }
    return render(request, "discussions/topic.html", context, status=status)


@page("sujets/<int:topic_id>/")
@allow("GET", check=signed_in)
def discussions_topic(request, topic_id):
    return topic_page(request, topic_or_404(request, topic_id))


@page("sujets/<int:topic_id>/nouveaux/")
@allow("GET", check=signed_in)
def discussions_topic_new_messages(request, topic_id):
    """The messages after `?apres=<id>`, added at the end of the thread by htmx; the poller comes
    back with the last id (out of band), and the live region says how many arrived."""
    user = request.user
    topic = topic_or_404(request, topic_id)
    after = posted_id(request.GET.get("apres"))
    arrived = decorate(thread(topic).filter(pk__gt=after).order_by("pk")[:THREAD_SIZE], user, topic)
    last_id = arrived[-1].pk if arrived else after
    if arrived:
        services.mark_read(topic, user, last_id)
    context = {
        "topic": topic,
        "space": topic.space,
        "thread": arrived,
        "last_id": last_id,
        "from_others": sum(1 for message in arrived if not message.mine),
        "poll_seconds": settings.MAILLON_DISCUSSION_POLL_SECONDS,
    }
    return vary_on_htmx(render(request, "discussions/_new_messages.html", context))


@page("sujets/<int:topic_id>/repondre/")
@allow("POST", check=signed_in)
def discussions_reply(request, topic_id):
    user = request.user
    topic = topic_or_404(request, topic_id)
    ensure_allowed(policies.can_post(user, topic.space), "Vous ne pouvez pas écrire dans cet espace.")
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            message = services.post_message(
                topic, body=data["body"], by=user, files=data["files"], client_id=data["client_id"]
            )
        except ValidationError as error:
            form.refuse(error)
        else:
            return redirect(message_url(message))
    return topic_page(request, topic, form=form, status=400)


def pin_action(request, topic_id, act, done: str):
    topic = topic_or_404(request, topic_id)
    ensure_allowed(policies.can_pin_topic(request.user, topic))
    act(topic, by=request.user)
    messages.success(request, done)
    return redirect("discussions_topic", topic_id=topic.pk)


@page("sujets/<int:topic_id>/epingler/")
@allow("POST", check=signed_in)
def discussions_topic_pin(request, topic_id):
    return pin_action(request, topic_id, services.pin_topic, "Sujet épinglé en tête de l'espace.")


@page("sujets/<int:topic_id>/desepingler/")
@allow("POST", check=signed_in)
def discussions_topic_unpin(request, topic_id):
    return pin_action(request, topic_id, services.unpin_topic, "Sujet détaché.")
