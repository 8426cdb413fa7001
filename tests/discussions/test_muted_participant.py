"""A muted participant still reads the space but writes nothing until unmuted; each act is in
the moderation register."""

import pytest
from django.core.exceptions import ValidationError

from maillon.discussions import policies, services
from maillon.discussions.models import Message, ParticipantStatus

from .spaces_support import participant, regional_group

pytestmark = pytest.mark.django_db


def test_a_muted_participant_reads_but_cannot_write():
    group = regional_group()
    moderator = group.created_by
    first = services.start_topic(group, title="Bienvenue", body="Présentez-vous ici.", by=moderator)
    talker = participant(group)
    place = group.participants.get(user=talker)

    services.mute(place, by=moderator, note="messages hors sujet répétés")

    assert policies.can_read(talker, group)
    assert policies.is_muted(talker, group)
    assert not policies.can_post(talker, group)
    with pytest.raises(ValidationError) as refused:
        services.post_message(first.topic, body="Encore moi !", by=talker)
    assert refused.value.message_dict["body"] == ["Message : la modération vous a réduit au silence dans cet espace."]
    with pytest.raises(ValidationError):
        services.start_topic(group, title="Nouveau", body="Un autre sujet", by=talker)
    assert Message.objects.filter(author=talker).count() == 0
    event = place.events.get()
    assert (event.from_status, event.to_status, event.by, event.note) == (
        ParticipantStatus.ACTIVE,
        ParticipantStatus.MUTED,
        moderator,
        "messages hors sujet répétés",
    )


def test_an_unmuted_participant_writes_again():
    group = regional_group()
    moderator = group.created_by
    first = services.start_topic(group, title="Bienvenue", body="Présentez-vous ici.", by=moderator)
    talker = participant(group)
    place = group.participants.get(user=talker)
    services.mute(place, by=moderator)

    services.unmute(place, by=moderator)

    assert policies.can_post(talker, group)
    assert services.post_message(first.topic, body="Merci, je serai plus bref.", by=talker).pk
    assert [event.to_status for event in place.events.all()] == [
        ParticipantStatus.MUTED,
        ParticipantStatus.ACTIVE,
    ]


def test_a_moderator_does_not_silence_another_moderator_nor_themselves():
    group = regional_group()
    manager = group.created_by
    moderator = participant(group, role="moderator")
    other = participant(group, role="moderator")
    talker = participant(group)
    other_place = group.participants.get(user=other)
    assert policies.can_moderate_participant(moderator, group.participants.get(user=talker))
    assert not policies.can_moderate_participant(moderator, other_place)
    assert not policies.can_moderate_participant(moderator, group.participants.get(user=moderator))
    assert not policies.can_moderate_participant(moderator, group.participants.get(user=manager))
    # The host decides.
    assert policies.can_moderate_participant(manager, other_place)
