"""The moderation register of a space, for its moderators and those who manage it: every act
on a person (muted, allowed again, removed, reinstated) and on a message (hidden, shown again),
who did it, when and why, newest first; and how many messages were refused because they held a
patient's NIR or INS (counted, their text never kept). Deletions by their authors are not
moderation and are left out."""

from django.shortcuts import render

from maillon.core import journal
from maillon.core.policies import ensure_allowed
from maillon.discussions import policies
from maillon.discussions.models import HealthDataRefusal, MessageEvent, MessageStatus, ParticipantEvent

from ..discussions_views.common import author_name
from ..space import allow
from . import page
from .common import space_context, visible_space

SHOWN = 200  # the newest acts of each kind

PERSON_ACTS = {
    ("active", "muted"): "Réduit au silence",
    ("muted", "active"): "Silence levé",
    ("active", "removed"): "Retiré de l'espace",
    ("muted", "removed"): "Retiré de l'espace",
    ("removed", "active"): "Réintégré",
}
MESSAGE_ACTS = {MessageStatus.HIDDEN: "Message masqué", MessageStatus.VISIBLE: "Message de nouveau visible"}


def register(space) -> list[dict]:
    people = (
        ParticipantEvent.objects.filter(participant__space=space)
        .select_related("participant__user", "by")
        .order_by("-at", "-pk")[:SHOWN]
    )
    messages = (
        MessageEvent.objects.filter(message__space=space, to_status__in=list(MESSAGE_ACTS))
        .select_related("message__topic", "message__author", "by")
        .order_by("-at", "-pk")[:SHOWN]
    )
    rows = [
        {
            "at": event.at,
            "by": author_name(event.by),
            "what": PERSON_ACTS.get((event.from_status, event.to_status), event.get_to_status_display()),
            "subject": author_name(event.participant.user),
            "topic": None,
            "note": event.note,
        }
        for event in people
    ]
    rows += [
        {
            "at": event.at,
            "by": author_name(event.by),
            "what": MESSAGE_ACTS[event.to_status],
            "subject": f"message n° {event.message_id} de {author_name(event.message.author)}",
            "topic": event.message.topic,
            "note": event.note,
        }
        for event in messages
    ]
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows


@page("<int:space_id>/moderation/")
@allow("GET", check=visible_space)
def discussions_space_moderation(request, space_id):
    space = request.discussion_space
    ensure_allowed(policies.can_see_moderation(request.user, space))
    rows = register(space)
    journal.record(
        journal.Action.READ,
        object_type="discussions.ParticipantEvent",
        object_id=f"space:{space.pk}",
        cpts_id=space.cpts_id,
        fields=["at", "by", "from_status", "to_status", "note"],
        note=f"registre de modération, {len(rows)} acte{'s' if len(rows) > 1 else ''}",
    )
    context = space_context(
        request,
        space,
        "Registre de modération",
        rows=rows,
        shown=SHOWN,
        refusals=HealthDataRefusal.objects.filter(space=space).count(),
    )
    return render(request, "organisations/moderation.html", context)
