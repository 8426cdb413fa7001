"""What a person has not read yet — one definition for the pages, the API and the homes.

Unread, for a person: the visible messages written by others after what they read of the topic
(`TopicRead.last_read_id`) and after they joined the space (`Participant.read_floor`). A space
they never opened (no row yet: a CPTS-wide space, a group they host) counts nothing unread —
not its whole history; their mentions there count all the same. Lists
count them in one query for all their spaces or topics, never one query per row; an open topic
counts its own with two indexed reads, whatever its length.
"""

from django.db.models import BigIntegerField, Count, F, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from maillon.core import journal

from . import policies
from .models import (
    CPTS_WIDE_KINDS,
    Mention,
    Message,
    MessageStatus,
    NotifyLevel,
    Participant,
    SignupRequest,
    TopicRead,
)

# The floor of a space the person never opened: above any message id.
NEVER_OPENED = 2**62


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
            floor=Coalesce(Subquery(floor), Value(NEVER_OPENED), output_field=BigIntegerField()),
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


def search_messages(user, text: str, *, space_id=None):
    """The visible messages of the spaces `user` reads holding every word of `text`, in any
    order (accents and case ignored), the most recent first."""
    from .services import searchable

    found = Message.objects.shown().filter(space__in=policies.readable_spaces(user).values("pk"))
    for word in searchable(text).split():
        found = found.filter(search_text__contains=word)
    if space_id:
        found = found.filter(space_id=space_id)
    return found.select_related("author", "topic", "space").order_by("-pk")


def unread_mentions(user):
    """The person's mentions not read yet, in the spaces they still read."""
    return Mention.objects.filter(
        user=user,
        read_at__isnull=True,
        message__status=MessageStatus.VISIBLE,
        message__space__in=policies.readable_spaces(user),
    )


# What a sign-up request shows of its applicant, for the journal (names only, never values).
SIGNUP_FIELDS = ["first_name", "last_name", "email", "profession", "rpps", "practice_commune", "cpts_name", "answers"]


def journal_signup_reads(signups, note: str = "") -> None:
    """One READ entry per request shown (page or API): who read which applicant can be answered."""
    journal.record_reads(SignupRequest, [signup.pk for signup in signups], SIGNUP_FIELDS, cpts_id=None, note=note)
