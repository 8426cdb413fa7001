import pytest

from maillon.discussions import services

from .discussions_helpers import NIR, call, world

pytestmark = pytest.mark.django_db


def test_the_moderation_pins_a_topic_and_a_member_may_not(cpts):
    people = world(cpts)
    topic = services.start_topic(people.members_space, title="Garde", body="Bonjour", by=people.users["member"]).topic

    refused = call("post", f"/discussions/topics/{topic.pk}/pin", people.headers("member"))
    pinned = call("post", f"/discussions/topics/{topic.pk}/pin", people.headers("coordinator"))

    assert refused.status_code == 403
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True
    unpinned = call("post", f"/discussions/topics/{topic.pk}/unpin", people.headers("coordinator"))
    assert unpinned.json()["pinned"] is False


def test_a_reader_chooses_how_they_are_told_of_a_space(cpts):
    people = world(cpts)
    url = f"/discussions/spaces/{people.members_space.pk}/notify"

    chosen = call("put", url, people.headers("member"), {"notify": "digest"})
    unknown = call("put", url, people.headers("member"), {"notify": "sms"})

    assert chosen.status_code == 200 and chosen.json()["notify"] == "digest"
    assert unknown.status_code == 422


def test_a_hidden_messages_files_are_not_listed_to_its_readers(cpts, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    people = world(cpts)
    upload = SimpleUploadedFile("cr.pdf", b"%PDF-1.4 compte rendu", content_type="application/pdf")
    message = services.start_topic(
        people.members_space, title="Réunion", body="Le compte rendu", by=people.users["member"], files=[upload]
    )
    services.hide_message(message, by=people.users["coordinator"], note="document nominatif")
    url = f"/discussions/topics/{message.topic_id}/messages"

    reader = call("get", url, people.headers("colleague")).json()["items"][0]
    moderator = call("get", url, people.headers("coordinator")).json()["items"][0]

    assert (reader["body"], reader["attachments"]) == ("", [])
    assert moderator["attachments"][0]["name"] == "cr.pdf"
    assert NIR not in str(reader)
