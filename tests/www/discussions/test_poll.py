"""New messages without reloading: the topic page asks, every few seconds, for the messages
after the last one it shows; the answer holds only newer messages and marks them read."""

import pytest
from django.urls import reverse

from maillon.discussions import services
from maillon.discussions.models import TopicRead

pytestmark = pytest.mark.django_db


def test_the_topic_page_polls_for_new_messages(member_client, topic, settings):
    page = member_client.get(reverse("discussions_topic", args=[topic.pk]))
    html = page.content.decode()
    last = topic.messages.get().pk
    poll = f"{reverse('discussions_topic_new_messages', args=[topic.pk])}?apres={last}"
    assert f'hx-get="{poll}"' in html
    assert f'hx-trigger="every {settings.MAILLON_DISCUSSION_POLL_SECONDS}s"' in html
    assert 'hx-swap="beforeend"' in html
    assert 'aria-live="polite"' in html


def test_the_poll_returns_only_newer_messages_and_marks_them_read(member_client, member, topic, coordinator):
    member_client.get(reverse("discussions_topic", args=[topic.pk]))
    first = topic.messages.get()
    second = services.post_message(topic, body="Deuxième message", by=coordinator)
    third = services.post_message(topic, body="Troisième message", by=coordinator)
    url = reverse("discussions_topic_new_messages", args=[topic.pk])
    response = member_client.get(f"{url}?apres={second.pk}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Troisième message" in html
    assert "Deuxième message" not in html
    assert first.body not in html
    assert f"?apres={third.pk}" in html  # the poller comes back with the last id
    assert "1 nouveau message" in html
    assert TopicRead.objects.get(topic=topic, user=member).last_read_id == third.pk


def test_nothing_new_answers_nothing(member_client, topic):
    last = topic.messages.get().pk
    url = reverse("discussions_topic_new_messages", args=[topic.pk])
    response = member_client.get(f"{url}?apres={last}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().strip() == ""
