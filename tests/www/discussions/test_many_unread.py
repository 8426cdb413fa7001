"""More unread messages than a page: the topic opens at the first of them, and nothing unseen
is marked read."""

import pytest
from django.urls import reverse

from maillon.discussions import services
from maillon.discussions.models import Mention, TopicRead
from maillon.www.discussions_views.common import THREAD_SIZE

pytestmark = pytest.mark.django_db


def test_a_topic_with_more_unread_than_a_page_opens_at_the_first_unread(space, coordinator, member, member_client):
    member.first_name, member.last_name = "Léa", "Fournier"
    member.save()
    first = services.start_topic(space, title="Garde", body="Bonjour", by=coordinator)
    topic = first.topic
    member_client.get(reverse("discussions_topic", args=[topic.pk]))  # read up to here
    mention = services.post_message(topic, body="Une question pour @Léa Fournier", by=coordinator)
    for number in range(THREAD_SIZE + 5):
        services.post_message(topic, body=f"Message n° {number}", by=coordinator)

    html = member_client.get(reverse("discussions_topic", args=[topic.pk])).content.decode()

    assert "Une question pour" in html and 'id="nouveaux"' in html
    assert "Messages suivants" in html
    read = TopicRead.objects.get(topic=topic, user=member).last_read_id
    assert mention.pk <= read < topic.messages.order_by("-pk").first().pk
    assert Mention.objects.get(message=mention).read_at is not None


def test_a_title_on_several_lines_is_written_on_one(space, coordinator):
    message = services.start_topic(space, title="Garde\r\nBcc: x@example.org", body="Bonjour", by=coordinator)

    assert message.topic.title == "Garde Bcc: x@example.org"
