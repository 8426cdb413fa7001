"""Helpers shared by the discussion pages; who may read, write and moderate is
`maillon.discussions.policies` (invisible = 404, visible but not allowed = 403).

What is unread: `maillon.discussions.selectors`."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from maillon.core.policies import ensure_allowed, ensure_visible
from maillon.discussions import policies
from maillon.discussions.models import (
    DiscussionSpace,
    Message,
    MessageStatus,
    Topic,
)
from maillon.discussions.selectors import default_level as default_notify
from maillon.discussions.selectors import unread_by_space, unread_by_topic

from ..toolkit.navigation import breadcrumb

__all__ = ["default_notify", "ensure_allowed", "ensure_visible", "policies", "unread_by_space", "unread_by_topic"]

PAGE_SIZE = 30  # topics of a space, results of a search, mentions
THREAD_SIZE = 50  # messages of a topic shown at once


def space_or_404(request, space_id) -> DiscussionSpace:
    space = get_object_or_404(DiscussionSpace.objects.select_related("cpts", "organisation"), pk=space_id)
    ensure_visible(policies.can_read(request.user, space))
    return space


def topic_or_404(request, topic_id) -> Topic:
    topic = get_object_or_404(
        Topic.objects.select_related("space__cpts", "space__organisation", "pinned_by"), pk=topic_id
    )
    ensure_visible(policies.can_read(request.user, topic.space))
    return topic


def message_or_404(request, message_id) -> Message:
    message = get_object_or_404(
        Message.objects.select_related("author", "topic", "space__cpts", "space__organisation"), pk=message_id
    )
    ensure_visible(policies.can_read(request.user, message.space))
    message.topic.space = message.space
    return message


def index_link() -> tuple[str, str]:
    return ("Discussions", reverse("discussions_index"))


def space_link(space) -> tuple[str, str]:
    return (space.name, reverse("discussions_space", args=[space.pk]))


def topic_link(topic) -> tuple[str, str]:
    return (topic.title, reverse("discussions_topic", args=[topic.pk]))


def discussions_breadcrumb(current: str, *links) -> dict:
    """Discussions › … › current page."""
    return breadcrumb(current, index_link(), *links)


def message_url(message) -> str:
    return f"{reverse('discussions_topic', args=[message.topic_id])}#message-{message.pk}"


def author_name(user) -> str:
    if user is None:
        return "Compte supprimé"
    return user.get_full_name() or "Personne sans nom"


def decorate(messages, user, topic) -> list:
    """The messages of `topic` as the thread shows them: what the reader may do with each, and
    the text shown (« Message supprimé par son auteur », « Message masqué par la modération »
    for whoever does not moderate). The policies read the space and the user's place once."""
    space = topic.space
    shown = []
    for message in messages:
        message.topic, message.space = topic, space
        message.author_name = author_name(message.author)
        message.mine = message.author_id == user.pk
        message.can_edit = policies.can_edit_message(user, message)
        hides = policies.can_hide_message(user, message)
        message.can_hide = hides and message.status == MessageStatus.VISIBLE
        message.can_unhide = hides and message.status == MessageStatus.HIDDEN
        message.text_visible = policies.can_read_message_content(user, message)
        shown.append(message)
    return shown
