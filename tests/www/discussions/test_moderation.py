"""The coordination hides a message (its readers see « Message masqué par la modération », the
moderators still read it) and shows it again, pins and unpins a topic; a member may not (403)."""

import pytest
from django.urls import reverse

from maillon.discussions import services
from maillon.discussions.models import MessageEvent, MessageStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(member, topic):
    return services.post_message(topic, body="Une remarque désobligeante", by=member)


def test_the_coordinator_hides_then_shows_again_a_message(coordinator_client, member_client, message, topic):
    response = coordinator_client.post(reverse("discussions_message_hide", args=[message.pk]), {"note": "hors charte"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.HIDDEN
    assert MessageEvent.objects.filter(message=message, note="hors charte").exists()
    readers_view = member_client.get(reverse("discussions_topic", args=[topic.pk])).content.decode()
    assert "Message masqué par la modération" in readers_view
    assert "Une remarque désobligeante" not in readers_view
    moderators_view = coordinator_client.get(reverse("discussions_topic", args=[topic.pk])).content.decode()
    assert "Message masqué par la modération" in moderators_view
    assert "Une remarque désobligeante" in moderators_view
    assert coordinator_client.post(reverse("discussions_message_unhide", args=[message.pk])).status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.VISIBLE


def test_a_member_may_not_hide_nor_pin(member_client, coordinator, topic):
    other = services.post_message(topic, body="Bonjour à tous", by=coordinator)
    assert member_client.post(reverse("discussions_message_hide", args=[other.pk])).status_code == 403
    assert member_client.post(reverse("discussions_message_unhide", args=[other.pk])).status_code == 403
    assert member_client.post(reverse("discussions_topic_pin", args=[topic.pk])).status_code == 403
    other.refresh_from_db()
    assert other.status == MessageStatus.VISIBLE


def test_the_coordinator_pins_a_topic_first_then_unpins_it(coordinator_client, coordinator, space, topic):
    later = services.start_topic(space, title="Sujet plus récent", body="Bonjour", by=coordinator).topic
    assert coordinator_client.post(reverse("discussions_topic_pin", args=[topic.pk])).status_code == 302
    page = coordinator_client.get(reverse("discussions_space", args=[space.pk]))
    titles = [shown.title for shown in page.context["page"]]
    assert titles.index(topic.title) < titles.index(later.title)
    assert "Épinglé" in page.content.decode()
    assert coordinator_client.post(reverse("discussions_topic_unpin", args=[topic.pk])).status_code == 302
    topic.refresh_from_db()
    assert topic.pinned_at is None
