"""The reply form carries an id drawn when it was shown: sent twice, one message is written."""

import uuid

import pytest
from django.urls import reverse

from maillon.discussions.models import Message

pytestmark = pytest.mark.django_db


def test_the_same_form_sent_twice_writes_one_message(member_client, member, topic):
    client_id = str(uuid.uuid4())
    url = reverse("discussions_reply", args=[topic.pk])
    first = member_client.post(url, {"body": "Je confirme.", "client_id": client_id})
    second = member_client.post(url, {"body": "Je confirme.", "client_id": client_id})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Message.objects.filter(topic=topic, author=member).count() == 1
    topic.refresh_from_db()
    assert topic.message_count == 2


def test_each_page_draws_a_new_id(member_client, topic):
    url = reverse("discussions_topic", args=[topic.pk])
    first = member_client.get(url).context["form"]["client_id"].value()
    second = member_client.get(url).context["form"]["client_id"].value()
    assert first and second and first != second
