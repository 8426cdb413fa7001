"""A space: its topics (pinned first, then by last message) with their unread messages, how the
person wants to be told, and a new topic. Opening a CPTS-wide space the first time gives the
person their place in it (`services.join`: what was written before counts as read)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.discussions import services
from maillon.discussions.models import NotifyLevel

from ..space import allow
from . import page
from .common import (
    PAGE_SIZE,
    default_notify,
    discussions_breadcrumb,
    ensure_allowed,
    message_url,
    policies,
    space_link,
    space_or_404,
    unread_by_topic,
)
from .forms import NotifyForm, TopicForm
from .index import signed_in


def place_on_opening(request, space):
    """The person's row in the space; a CPTS-wide space gives one on the first visit."""
    place = policies.place_of(request.user, space)
    if place is None and space.is_cpts_wide and policies.can_post(request.user, space):
        place = services.join(space, request.user)
    return place


def space_flags(user, space) -> dict:
    """What the person may do in the space (the links to the pages of its management)."""
    return {
        "can_post": policies.can_post(user, space),
        "muted": policies.is_muted(user, space),
        "can_moderate": policies.can_moderate(user, space),
        "can_see_moderation": policies.can_see_moderation(user, space),
        "can_manage_space": policies.can_manage_space(user, space),
        "can_review_signups": policies.can_review_signups(user, space),
    }


@page("<int:space_id>/")
@allow("GET", check=signed_in)
def discussions_space(request, space_id):
    user = request.user
    space = space_or_404(request, space_id)
    place = place_on_opening(request, space)
    topics = space.topics.by_activity().select_related("created_by")
    listed = Paginator(topics, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = unread_by_topic(user, [topic.pk for topic in listed])
    for topic in listed:
        topic.unread = unread.get(topic.pk, 0)
    context = {
        "space": space,
        "page": listed,
        "notify_form": NotifyForm(initial={"notify": place.notify if place else default_notify(space)}),
        **space_flags(user, space),
        "title": f"{space.name} — Discussions",
        "breadcrumb_data": discussions_breadcrumb(space.name),
    }
    return render(request, "discussions/space.html", context)


@page("<int:space_id>/nouveau-sujet/")
@allow("GET", "POST", check=signed_in)
def discussions_topic_new(request, space_id):
    user = request.user
    space = space_or_404(request, space_id)
    ensure_allowed(policies.can_post(user, space), "Vous ne pouvez pas écrire dans cet espace.")
    form = TopicForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            message = services.start_topic(
                space, title=data["title"], body=data["body"], by=user, files=data["files"], client_id=data["client_id"]
            )
        except ValidationError as error:
            form.refuse(error)
        else:
            messages.success(request, "Sujet ouvert.")
            return redirect(message_url(message))
    context = {
        "space": space,
        "form": form,
        "readers": mention_hints(space),
        "title": f"Nouveau sujet — {space.name}",
        "breadcrumb_data": discussions_breadcrumb("Nouveau sujet", space_link(space)),
    }
    return render(request, "discussions/topic_new.html", context, status=400 if form.errors else 200)


def mention_hints(space) -> list[str]:
    """« Prénom Nom » of the people who read the space (one query), for the mention hint."""
    names = services.readers(space).order_by("first_name", "last_name").values_list("first_name", "last_name")
    return [f"{first} {last}".strip() for first, last in names if (first or last)]


@page("<int:space_id>/me-prevenir/")
@allow("POST", check=signed_in)
def discussions_space_notify(request, space_id):
    space = space_or_404(request, space_id)
    form = NotifyForm(request.POST)
    if form.is_valid():
        services.set_notify_level(space, request.user, form.cleaned_data["notify"])
        messages.success(request, f"Me prévenir : « {NotifyLevel(form.cleaned_data['notify']).label} ».")
    else:
        for error in form.errors.get("notify", []):
            messages.error(request, error)
    return redirect(reverse("discussions_space", args=[space.pk]) + "#me-prevenir")
