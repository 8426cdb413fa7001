"""« @Prénom Nom » mentions a reader of the space: their home counts it, the page of mentions
lists it first, and opening the topic reads it."""

import pytest
from django.urls import reverse

from maillon.discussions import services

pytestmark = pytest.mark.django_db


def mention_line(home):
    (item,) = [item for item in home.context["waiting"] if "mention" in item.text]
    return item.count, item.text, item.url


def test_a_mention_is_counted_on_the_home_then_read_after_opening_the_topic(
    member_client, member, coordinator, topic, cpts
):
    member.first_name, member.last_name = "Élodie", "Martin"
    member.save()
    services.post_message(topic, body="@Elodie Martin peux-tu prendre samedi ?", by=coordinator)

    home = member_client.get(reverse("cpts_dashboard", args=[cpts.slug]))
    assert mention_line(home) == (1, "mention non lue dans les discussions", reverse("discussions_mentions"))
    assert reverse("discussions_mentions") in home.content.decode()
    mentions = member_client.get(reverse("discussions_mentions"))
    assert "Non lue" in mentions.content.decode()
    assert topic.title in mentions.content.decode()

    member_client.get(reverse("discussions_topic", args=[topic.pk]))
    home = member_client.get(reverse("cpts_dashboard", args=[cpts.slug]))
    assert mention_line(home)[0] == 0


def test_the_composer_lists_who_can_be_mentioned(member_client, coordinator, topic):
    coordinator.first_name, coordinator.last_name = "Paul", "Durand"
    coordinator.save()
    page = member_client.get(reverse("discussions_topic", args=[topic.pk]))
    assert "Paul Durand" in page.context["readers"]
    assert '<option value="Paul Durand">' in page.content.decode()


def test_a_coordinator_counts_their_mentions_once(coordinator_client, coordinator, member, topic, cpts):
    coordinator.first_name, coordinator.last_name = "Paul", "Durand"
    coordinator.save()
    services.post_message(topic, body="Merci @Paul Durand", by=member)
    home = coordinator_client.get(reverse("cpts_dashboard", args=[cpts.slug]))
    lines = [item for item in home.context["waiting"] if "mention" in item.text]
    assert [(item.count, item.text) for item in lines] == [(1, "mention non lue dans les discussions")]
