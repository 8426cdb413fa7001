"""A moderator hides a message and may show it again: each act is a transition in the
register of the space, with who and why."""

import pytest

from maillon.core.models import JournalEntry
from maillon.discussions import policies, services
from maillon.discussions.models import Message, MessageStatus

from .spaces_support import participant, regional_group

pytestmark = pytest.mark.django_db


def test_hiding_is_a_logged_transition():
    group = regional_group()
    manager = group.created_by
    moderator = participant(group, role="moderator")
    author = participant(group)
    message = services.start_topic(group, title="Tarifs", body="Un message déplacé", by=author)
    assert policies.can_hide_message(moderator, message)

    services.hide_message(message, by=moderator, note="propos déplacés")
    message.refresh_from_db()
    assert message.status == MessageStatus.HIDDEN
    assert message.body == "Un message déplacé"  # kept: the moderation may show it again
    assert not Message.objects.filter(topic=message.topic).shown().exists()

    services.unhide_message(message, by=manager, note="après discussion")
    message.refresh_from_db()
    assert message.status == MessageStatus.VISIBLE
    assert [(e.from_status, e.to_status, e.by, e.note) for e in message.events.all()] == [
        (MessageStatus.VISIBLE, MessageStatus.HIDDEN, moderator, "propos déplacés"),
        (MessageStatus.HIDDEN, MessageStatus.VISIBLE, manager, "après discussion"),
    ]
    assert JournalEntry.objects.filter(object_type__icontains="message", object_id=str(message.pk)).count() >= 2


def test_a_hidden_message_is_no_longer_editable_by_its_author():
    group = regional_group()
    author = participant(group)
    message = services.start_topic(group, title="Tarifs", body="Un message déplacé", by=author)
    services.hide_message(message, by=group.created_by)
    message.refresh_from_db()
    assert not policies.can_edit_message(author, message)
    assert not policies.can_hide_message(author, message)
