"""Sending a message twice with the same client id (a retry after a lost answer) writes it once."""

import uuid

import pytest

from maillon.discussions import services
from maillon.discussions.models import Message, Topic

from .spaces_support import members_space, person

pytestmark = pytest.mark.django_db


def test_a_retried_sending_with_the_same_client_id_writes_one_message():
    space = members_space()
    writer = person(space.cpts)
    topic = services.start_topic(space, title="Garde du week-end", body="Qui est de garde ?", by=writer).topic
    client_id = uuid.uuid4()

    first = services.post_message(topic, body="Moi samedi.", by=writer, client_id=client_id)
    again = services.post_message(topic, body="Moi samedi.", by=writer, client_id=client_id)

    assert again.pk == first.pk
    assert Message.objects.filter(topic=topic).count() == 2
    topic.refresh_from_db()
    assert topic.message_count == 2


def test_a_retried_new_topic_with_the_same_client_id_opens_one_topic():
    space = members_space()
    writer = person(space.cpts)
    client_id = uuid.uuid4()

    first = services.start_topic(space, title="Garde", body="Qui est de garde ?", by=writer, client_id=client_id)
    again = services.start_topic(space, title="Garde", body="Qui est de garde ?", by=writer, client_id=client_id)

    assert again.pk == first.pk
    assert Topic.objects.count() == 1
    assert Message.objects.count() == 1


def test_two_people_may_use_the_same_client_id():
    space = members_space()
    one, other = person(space.cpts), person(space.cpts, first_name="Léa")
    topic = services.start_topic(space, title="Garde", body="Qui est de garde ?", by=one).topic
    client_id = uuid.uuid4()
    assert services.post_message(topic, body="Moi", by=one, client_id=client_id) != services.post_message(
        topic, body="Moi aussi", by=other, client_id=client_id
    )


def test_without_a_client_id_each_sending_is_a_message():
    space = members_space()
    writer = person(space.cpts)
    topic = services.start_topic(space, title="Garde", body="Qui est de garde ?", by=writer).topic
    services.post_message(topic, body="Relance", by=writer)
    services.post_message(topic, body="Relance", by=writer)
    assert Message.objects.filter(topic=topic).count() == 3
