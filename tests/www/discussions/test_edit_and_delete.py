"""The author edits or deletes their message within the delay; then it says « modifié » or
« Message supprimé par son auteur ». After the delay, or someone else's message: 403."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.discussions import services
from maillon.discussions.models import Message, MessageStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(member, topic):
    return services.post_message(topic, body="Je prends samedi", by=member)


def test_the_author_edits_within_the_delay(member_client, mine, topic):
    page = member_client.get(reverse("discussions_topic", args=[topic.pk])).content.decode()
    assert reverse("discussions_message_edit", args=[mine.pk]) in page
    assert member_client.get(reverse("discussions_message_edit", args=[mine.pk])).status_code == 200
    response = member_client.post(reverse("discussions_message_edit", args=[mine.pk]), {"body": "Je prends dimanche"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.body == "Je prends dimanche"
    assert mine.edited_at is not None
    page = member_client.get(reverse("discussions_topic", args=[topic.pk])).content.decode()
    assert "(modifié)" in page


def test_after_the_delay_the_message_no_longer_changes(member_client, mine, topic):
    Message.objects.filter(pk=mine.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=16))
    page = member_client.get(reverse("discussions_topic", args=[topic.pk])).content.decode()
    assert reverse("discussions_message_edit", args=[mine.pk]) not in page
    url = reverse("discussions_message_edit", args=[mine.pk])
    assert member_client.get(url).status_code == 403
    assert member_client.post(url, {"body": "Trop tard"}).status_code == 403
    response = member_client.post(reverse("discussions_message_delete", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == MessageStatus.VISIBLE
    assert mine.body == "Je prends samedi"


def test_someone_elses_message_is_not_theirs_to_change(coordinator_client, mine):
    assert coordinator_client.get(reverse("discussions_message_edit", args=[mine.pk])).status_code == 403
    assert coordinator_client.post(reverse("discussions_message_delete", args=[mine.pk])).status_code == 403


def test_the_author_deletes_their_message(member_client, mine, topic, coordinator_client):
    response = member_client.post(reverse("discussions_message_delete", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == MessageStatus.DELETED
    assert mine.body == ""
    page = coordinator_client.get(reverse("discussions_topic", args=[topic.pk])).content.decode()
    assert "Message supprimé par son auteur" in page
    assert "Je prends samedi" not in page
