"""Unread counts: the messages of others after what the person read of each topic, and after
the day they joined the space; shown per space (index, CPTS page) and per topic (space page)."""

import pytest
from django.urls import reverse

from maillon.discussions import services

pytestmark = pytest.mark.django_db


def test_unread_counts_per_space_and_topic_then_read_on_opening(member_client, member, coordinator, space, topic, cpts):
    member_client.get(reverse("discussions_space", args=[space.pk]))  # joins: everything before is read
    services.post_message(topic, body="Un", by=coordinator)
    services.post_message(topic, body="Deux", by=coordinator)
    services.post_message(topic, body="Le mien", by=member)  # one's own messages are never unread
    other = services.start_topic(space, title="Autre sujet", body="Trois", by=coordinator).topic

    index = member_client.get(reverse("discussions_index"))
    spaces = [s for group in index.context["groups"] for s in group["spaces"]]
    assert {s.pk: s.unread for s in spaces}[space.pk] == 1  # replying read the topic: only « Trois »
    services.post_message(topic, body="Quatre", by=coordinator)
    cpts_page = member_client.get(reverse("cpts_discussions", args=[cpts.slug]))
    assert {s.pk: s.unread for s in cpts_page.context["spaces"]}[space.pk] == 2
    assert "2 non lus" in cpts_page.content.decode()

    page = member_client.get(reverse("discussions_space", args=[space.pk]))
    assert {t.pk: t.unread for t in page.context["page"]} == {topic.pk: 1, other.pk: 1}

    opened = member_client.get(reverse("discussions_topic", args=[other.pk]))
    assert opened.context["unread_count"] == 1
    assert 'id="nouveaux"' in opened.content.decode()
    page = member_client.get(reverse("discussions_space", args=[space.pk]))
    assert {t.pk: t.unread for t in page.context["page"]} == {topic.pk: 1, other.pk: 0}


def test_a_hidden_message_is_not_unread(member_client, member, coordinator, space, topic):
    member_client.get(reverse("discussions_space", args=[space.pk]))
    message = services.post_message(topic, body="Masqué bientôt", by=coordinator)
    services.hide_message(message, by=coordinator)
    page = member_client.get(reverse("discussions_space", args=[space.pk]))
    assert {t.pk: t.unread for t in page.context["page"]} == {topic.pk: 0}
