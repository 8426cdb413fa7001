"""What a person has not read yet — one definition for the pages, the API and the homes.

Unread, for a person: the visible messages written by others after what they read of the topic
(`TopicRead.last_read_id`) and after they joined the space (`Participant.read_floor`). Lists
count them in one query for all their spaces or topics, never one query per row; an open topic
counts its own with two indexed reads, whatever its length.
"""

from django.db.models import BigIntegerField, Count, F, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from . import policies
from .models import CPTS_WIDE_KINDS, Mention, Message, MessageStatus, NotifyLevel, Participant, TopicRead


def default_level(space) -> str:
    """How a reader without a row in the space is told (as `services.join` would create it)."""
    return NotifyLevel.MENTIONS if space.kind in CPTS_WIDE_KINDS else NotifyLevel.ALL


def unread_messages(user, messages):
    """Of `messages`, those `user` has not read."""
    read = TopicRead.objects.filter(topic_id=OuterRef("topic_id"), user=user).values("last_read_id")[:1]
    floor = Participant.objects.filter(space_id=OuterRef("space_id"), user=user).values("read_floor")[:1]
    return (
        messages.filter(status=MessageStatus.VISIBLE)
        .exclude(author=user)
        .annotate(
            read_up_to=Coalesce(Subquery(read), Value(0), output_field=BigIntegerField()),
            floor=Coalesce(Subquery(floor), Value(0), output_field=BigIntegerField()),
        )
        .filter(Q(pk__gt=F("read_up_to")) & Q(pk__gt=F("floor")))
    )


def unread_by(user, messages, key: str) -> dict:
    """{value of `key` (space_id, topic_id): unread messages of `messages`}, one query."""
    grouped = unread_messages(user, messages).order_by().values(key).annotate(unread=Count("pk"))
    return {row[key]: row["unread"] for row in grouped}


def unread_by_space(user, space_ids) -> dict:
    if not space_ids:
        return {}
    return unread_by(user, Message.objects.filter(space_id__in=list(space_ids)), "space_id")


def unread_by_topic(user, topic_ids) -> dict:
    if not topic_ids:
        return {}
    return unread_by(user, Message.objects.filter(topic_id__in=list(topic_ids)), "topic_id")


def unread_in_topic(topic, user, place) -> dict:
    """{"count", "first"}: how many messages of others the person has not read in this topic,
    and the first of them."""
    read = TopicRead.objects.filter(topic=topic, user=user).values_list("last_read_id", flat=True).first() or 0
    after = max(read, place.read_floor if place else 0)
    unread = topic.messages.filter(pk__gt=after, status=MessageStatus.VISIBLE).exclude(author=user)
    return unread.aggregate(count=Count("pk"), first=Min("pk"))


def unread_mentions(user):
    """The person's mentions not read yet, in the spaces they still read."""
    return Mention.objects.filter(
        user=user,
        read_at__isnull=True,
        message__status=MessageStatus.VISIBLE,
        message__space__in=policies.readable_spaces(user),
    )
