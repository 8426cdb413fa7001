"""How far each person read a topic: it never goes backwards, and reading a topic reads the
mentions in it."""

import pytest

from maillon.discussions import services
from maillon.discussions.models import Mention, TopicRead

from .spaces_support import members_space, person

pytestmark = pytest.mark.django_db


def test_marking_read_never_goes_backwards_and_reads_mentions():
    space = members_space()
    author = person(space.cpts, "Paul", "Martin")
    reader = person(space.cpts, "Hélène", "Lefèvre")
    first = services.start_topic(space, title="Garde", body="@Hélène Lefèvre, dispo samedi ?", by=author)
    topic = first.topic
    second = services.post_message(topic, body="Et dimanche, @Hélène Lefèvre ?", by=author)
    third = services.post_message(topic, body="Merci d'avance", by=author)
    assert Mention.objects.filter(user=reader, read_at__isnull=True).count() == 2

    services.mark_read(topic, reader, first.pk)
    assert TopicRead.objects.get(topic=topic, user=reader).last_read_id == first.pk
    assert set(Mention.objects.filter(user=reader, read_at__isnull=True).values_list("message", flat=True)) == {
        second.pk
    }

    services.mark_read(topic, reader, third.pk)
    services.mark_read(topic, reader, first.pk)  # an older page read later
    assert TopicRead.objects.get(topic=topic, user=reader).last_read_id == third.pk
    assert not Mention.objects.filter(user=reader, read_at__isnull=True).exists()
    assert TopicRead.objects.filter(topic=topic, user=reader).count() == 1


def test_writing_reads_the_topic_up_to_one_s_message():
    space = members_space()
    author = person(space.cpts)
    message = services.start_topic(space, title="Garde", body="Qui est de garde ?", by=author)
    assert TopicRead.objects.get(topic=message.topic, user=author).last_read_id == message.pk


def test_what_was_written_before_one_joined_counts_as_read():
    space = members_space()
    author = person(space.cpts)
    message = services.start_topic(space, title="Garde", body="Qui est de garde ?", by=author)
    newcomer = person(space.cpts, first_name="Léa")
    assert services.join(space, newcomer).read_floor == message.pk
