"""« @Prénom Nom » names a reader of the space: a mention is written for them, never for
someone who does not read the space, nor for the author."""

import pytest

from maillon.discussions import services
from maillon.discussions.models import Mention

from .spaces_support import members_space, participant, person, regional_group

pytestmark = pytest.mark.django_db


def mentioned(message):
    return set(Mention.objects.filter(message=message).values_list("user__last_name", flat=True))


def test_mentions_only_name_readers_of_the_space():
    space = members_space()
    author = person(space.cpts, "Paul", "Martin")
    person(space.cpts, "Hélène", "Lefèvre")
    person(space.cpts, "Jean-Marc", "N'Diaye")
    person(None, "Sophie", "Bernard")  # no role in the CPTS: not a reader

    message = services.start_topic(
        space,
        title="Garde",
        body="@helene lefevre et @Jean-Marc N'Diaye, pouvez-vous voir avec @Sophie Bernard ? Merci, @Paul Martin",
        by=author,
    )

    assert mentioned(message) == {"Lefèvre", "N'Diaye"}


def test_a_mention_of_someone_outside_a_regional_group_names_nobody():
    group = regional_group()
    pilot = group.created_by
    member = participant(group, first_name="Inès", last_name="Moreau")
    outsider = person(None, "Alice", "Roux")
    message = services.start_topic(group, title="Visio", body="@Inès Moreau @Alice Roux à jeudi", by=pilot)
    assert set(message.mentions.values_list("user", flat=True)) == {member.pk}
    assert not Mention.objects.filter(user=outsider).exists()


def test_a_removed_participant_is_not_mentioned():
    group = regional_group()
    pilot = group.created_by
    gone = participant(group, first_name="Inès", last_name="Moreau")
    services.remove(group.participants.get(user=gone), by=pilot)
    message = services.start_topic(group, title="Visio", body="@Inès Moreau, à jeudi", by=pilot)
    assert not message.mentions.exists()


def test_a_name_added_by_an_edit_is_a_mention():
    space = members_space()
    author = person(space.cpts, "Paul", "Martin")
    person(space.cpts, "Hélène", "Lefèvre")
    message = services.start_topic(space, title="Garde", body="Qui est disponible ?", by=author)
    assert not message.mentions.exists()
    services.edit_message(message, body="Qui est disponible ? @Hélène Lefèvre", by=author)
    assert mentioned(message) == {"Lefèvre"}
    # Edited again with the same name: still one mention.
    services.edit_message(message, body="@Hélène Lefèvre, qui est disponible ?", by=author)
    assert message.mentions.count() == 1


def test_a_mention_ending_a_sentence_or_in_brackets_names_its_reader():
    space = members_space()
    author = person(space.cpts, "Paul", "Martin")
    helene = person(space.cpts, "Hélène", "Lefèvre")
    luc = person(space.cpts, "Luc", "Faure")
    message = services.start_topic(
        space, title="Garde", body="Merci @Hélène Lefèvre. Et toi « @Luc Faure » ?", by=author
    )
    assert set(message.mentions.values_list("user", flat=True)) == {helene.pk, luc.pk}


def test_two_mentions_side_by_side_do_not_make_a_third_name():
    space = members_space()
    author = person(space.cpts, "Paul", "Martin")
    anne = person(space.cpts, "Anne", "Roy")
    person(space.cpts, "Anne", "Bernard")
    bernard = person(space.cpts, "Bernard", "Petit")
    message = services.start_topic(space, title="Garde", body="@Anne Roy @Bernard Petit, merci", by=author)
    assert set(message.mentions.values_list("user", flat=True)) == {anne.pk, bernard.pk}
    other = services.post_message(message.topic, body="@Anne @Bernard", by=author)
    assert not other.mentions.exists()
