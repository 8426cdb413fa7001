"""A topic keeps its count of messages and the time of its last one, written with each message
(the list of topics needs no count)."""

import datetime

import pytest
from django.utils import timezone

from maillon.discussions import services
from maillon.discussions.models import Topic

from .spaces_support import members_space, person

pytestmark = pytest.mark.django_db


def test_the_topic_counts_every_message():
    space = members_space()
    one, other = person(space.cpts), person(space.cpts, first_name="Léa")
    first = services.start_topic(space, title="Vaccination", body="Qui a des doses ?", by=one)
    topic = first.topic
    topic.refresh_from_db()
    assert topic.message_count == 1
    assert topic.last_message_at == first.created_at

    replies = [services.post_message(topic, body=f"Réponse {n}", by=(one, other)[n % 2]) for n in range(5)]

    topic.refresh_from_db()
    assert topic.message_count == 6 == topic.messages.count()
    assert topic.last_message_at == replies[-1].created_at


def test_the_most_active_topic_comes_first_and_a_pinned_one_before_all():
    space = members_space()
    writer = person(space.cpts)
    old = services.start_topic(space, title="Ancien", body="Premier", by=writer).topic
    recent = services.start_topic(space, title="Récent", body="Second", by=writer).topic
    Topic.objects.filter(pk=old.pk).update(last_message_at=timezone.now() - datetime.timedelta(days=2))
    assert list(Topic.objects.filter(space=space).by_activity()) == [recent, old]

    services.post_message(old, body="Relance", by=writer)
    assert list(Topic.objects.filter(space=space).by_activity()) == [old, recent]

    coordinator = person(space.cpts, first_name="Anne", coordinator=True)
    services.pin_topic(recent, by=coordinator)
    assert list(Topic.objects.filter(space=space).by_activity()) == [recent, old]
    services.unpin_topic(recent, by=coordinator)
    assert list(Topic.objects.filter(space=space).by_activity()) == [old, recent]
