"""Topics and messages in the API: opening a topic, replying (a retry with the same client_id
writes once), reading (the last 50, older, newer; marked read), editing and deleting one's own
within the delay, hiding by the moderators, search; a NIR is refused on the field `body`."""

import datetime
import uuid

import pytest
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.discussions import services
from maillon.discussions.factories import MessageFactory, TopicFactory
from maillon.discussions.health_data import REFUSAL
from maillon.discussions.models import HealthDataRefusal, Message, MessageEvent, Participant, Topic, TopicRead

from .discussions_helpers import NIR, call, field_errors, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(cpts):
    return world(cpts)


@pytest.fixture
def topic(w):
    message = services.start_topic(w.group, title="Entretien postnatal", body="Qui le fait ?", by=w.users["pilot"])
    return message.topic


# --- Topics --------------------------------------------------------------------------------


def test_topics_come_pinned_first_then_by_activity_with_my_unread(w):
    services.join(w.members_space, w.users["member"])  # opened once: from then on, messages count
    old = TopicFactory(space=w.members_space, title="Ancien")
    recent = TopicFactory(space=w.members_space, title="Récent")
    pinned = TopicFactory(space=w.members_space, title="Charte")
    Topic.objects.filter(pk=old.pk).update(last_message_at=timezone.now() - datetime.timedelta(days=3))
    services.pin_topic(pinned, by=w.users["coordinator"])
    Topic.objects.filter(pk=pinned.pk).update(last_message_at=timezone.now() - datetime.timedelta(days=9))
    MessageFactory(topic=recent, author=w.users["coordinator"])
    response = call("get", f"/discussions/spaces/{w.members_space.pk}/topics", w.headers("member"))
    assert response.status_code == 200
    body = response.json()
    assert [item["title"] for item in body["items"]] == ["Charte", "Récent", "Ancien"]
    assert body["count"] == 3
    assert body["items"][0]["pinned"] is True
    assert body["items"][1]["unread"] == 1


@pytest.mark.parametrize("role", ["outsider", "member", "authority", "admin"])
def test_the_topics_of_a_group_one_does_not_read_are_a_404(w, role):
    response = call("get", f"/discussions/spaces/{w.group.pk}/topics", w.headers(role))
    assert response.status_code == 404


def test_opening_a_topic_gives_the_topic_and_its_first_message(w):
    body = {"title": "Garde du week-end", "body": "Qui est disponible samedi ?"}
    response = call("post", f"/discussions/spaces/{w.members_space.pk}/topics", w.headers("member"), body)
    assert response.status_code == 201
    created = response.json()
    assert created["topic"]["title"] == "Garde du week-end"
    assert created["topic"]["message_count"] == 1
    assert created["message"]["body"] == "Qui est disponible samedi ?"
    assert created["message"]["author"]["name"] == "Marc Adhérent"
    assert created["message"]["can_edit"] is True


def test_opening_a_topic_twice_with_the_same_client_id_opens_one(w):
    body = {"title": "Garde", "body": "Samedi ?", "client_id": str(uuid.uuid4())}
    url = f"/discussions/spaces/{w.members_space.pk}/topics"
    first = call("post", url, w.headers("member"), body)
    again = call("post", url, w.headers("member"), body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json() | {"topic": again.json()["topic"]}
    assert again.json()["topic"]["id"] == first.json()["topic"]["id"]
    assert Topic.objects.filter(title="Garde").count() == 1


def test_a_topic_names_its_field_errors(w):
    url = f"/discussions/spaces/{w.members_space.pk}/topics"
    response = call("post", url, w.headers("member"), {"title": "", "body": "Bonjour"})
    assert response.status_code == 422
    assert field_errors(response) == {"title": ["Sujet : indiquez le sujet."]}
    response = call("post", url, w.headers("member"), {"title": "T", "body": "  "})
    assert field_errors(response) == {"body": ["Message : écrivez votre message."]}
    response = call("post", url, w.headers("member"), {"title": "T"})
    assert response.status_code == 422
    assert "body" in field_errors(response)


def test_a_topic_holding_a_nir_is_refused_on_the_body_and_counted(w):
    url = f"/discussions/spaces/{w.members_space.pk}/topics"
    response = call("post", url, w.headers("member"), {"title": "Patient", "body": f"Son NIR : {NIR}"})
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body", "payload", "body"], "msg": REFUSAL}]}
    assert HealthDataRefusal.objects.filter(space=w.members_space, user=w.users["member"]).count() == 1
    assert not Topic.objects.filter(title="Patient").exists()
    assert not Message.objects.filter(body__contains="NIR").exists()


def test_a_muted_participant_may_not_open_a_topic(w):
    place = Participant.objects.get(space=w.group, user=w.users["midwife"])
    services.mute(place, by=w.users["moderator"], note="ton")
    response = call(
        "post", f"/discussions/spaces/{w.group.pk}/topics", w.headers("midwife"), {"title": "T", "body": "B"}
    )
    assert response.status_code == 403
    assert "silence" in response.json()["detail"]


def test_an_archived_space_takes_no_topic(w):
    services.archive(w.working_group, by=w.users["coordinator"])
    url = f"/discussions/spaces/{w.working_group.pk}/topics"
    response = call("post", url, w.headers("colleague"), {"title": "T", "body": "B"})
    assert response.status_code == 403


def test_a_stranger_may_not_open_a_topic_in_a_group(w):
    url = f"/discussions/spaces/{w.group.pk}/topics"
    for role in ("outsider", "member", "authority", "admin"):
        assert call("post", url, w.headers(role), {"title": "T", "body": "B"}).status_code == 404, role


# --- Reading -------------------------------------------------------------------------------


def test_reading_gives_the_last_50_and_marks_read_only_what_skips_no_unread(w, topic):
    MessageFactory.create_batch(60, topic=topic, author=w.users["pilot"])
    response = call("get", f"/discussions/topics/{topic.pk}/messages", w.headers("midwife"))
    assert response.status_code == 200
    body = response.json()
    ids = [item["id"] for item in body["items"]]
    assert len(ids) == 50
    assert ids == sorted(ids)
    assert ids[-1] == topic.messages.order_by("-pk").first().pk
    assert body["count"] == 61
    assert body["has_older"] is True
    assert body["unread"] == 61  # joined before the topic was opened: everything is new
    # The 11 oldest unread were not returned: nothing is marked read yet.
    assert not TopicRead.objects.filter(topic=topic, user=w.users["midwife"]).exists()
    url = f"/discussions/topics/{topic.pk}/messages"
    older = call("get", url, w.headers("midwife"), after=body["last_read_id"], limit=100).json()
    assert len(older["items"]) == 61
    assert TopicRead.objects.get(topic=topic, user=w.users["midwife"]).last_read_id == ids[-1]
    again = call("get", url, w.headers("midwife")).json()
    assert (again["unread"], again["last_read_id"]) == (0, ids[-1])


def test_before_gives_older_messages_and_after_the_new_ones(w, topic):
    messages = MessageFactory.create_batch(10, topic=topic, author=w.users["pilot"])
    url = f"/discussions/topics/{topic.pk}/messages"
    older = call("get", url, w.headers("midwife"), before=messages[5].pk, limit=3).json()
    assert [item["id"] for item in older["items"]] == [message.pk for message in messages[2:5]]
    newer = call("get", url, w.headers("midwife"), after=messages[5].pk, limit=2).json()
    assert [item["id"] for item in newer["items"]] == [message.pk for message in messages[6:8]]
    assert call("get", url, w.headers("midwife"), limit=101).status_code == 422


def test_a_hidden_message_keeps_its_place_without_its_text_except_for_the_moderators(w, topic):
    message = MessageFactory(topic=topic, author=w.users["midwife"], body="Hors sujet")
    services.hide_message(message, by=w.users["moderator"], note="hors charte")
    url = f"/discussions/topics/{topic.pk}/messages"
    reader = services.join(w.group, UserFactory()).user
    w.users["reader"] = reader
    mine = {item["id"]: item for item in call("get", url, w.headers("reader")).json()["items"]}
    assert mine[message.pk]["status"] == "hidden"
    assert mine[message.pk]["body"] == ""
    moderator = {item["id"]: item for item in call("get", url, w.headers("moderator")).json()["items"]}
    assert moderator[message.pk]["body"] == "Hors sujet"


@pytest.mark.parametrize("role", ["outsider", "member", "coordinator", "authority", "admin"])
def test_the_messages_of_a_group_one_does_not_read_are_a_404(w, topic, role):
    response = call("get", f"/discussions/topics/{topic.pk}/messages", w.headers(role))
    assert response.status_code == 404
    assert response.json() == {"detail": "Sujet introuvable."}
    assert "Qui le fait" not in response.content.decode()


# --- Replying ------------------------------------------------------------------------------


def test_a_reply_is_written_once_whatever_the_retries(w, topic):
    body = {"body": "Moi, le mardi.", "client_id": str(uuid.uuid4())}
    url = f"/discussions/topics/{topic.pk}/messages"
    first = call("post", url, w.headers("midwife"), body)
    again = call("post", url, w.headers("midwife"), body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["client_id"] == body["client_id"]
    assert Message.objects.filter(topic=topic, body="Moi, le mardi.").count() == 1


def test_a_client_id_used_in_another_topic_is_a_409(w, topic):
    client_id = str(uuid.uuid4())
    call("post", f"/discussions/topics/{topic.pk}/messages", w.headers("pilot"), {"body": "A", "client_id": client_id})
    other = services.start_topic(w.group, title="Autre", body="B", by=w.users["pilot"]).topic
    response = call(
        "post", f"/discussions/topics/{other.pk}/messages", w.headers("pilot"), {"body": "A", "client_id": client_id}
    )
    assert response.status_code == 409


def test_a_reply_holding_a_nir_is_a_422_on_body_and_counted(w, topic):
    response = call("post", f"/discussions/topics/{topic.pk}/messages", w.headers("midwife"), {"body": f"NIR {NIR}"})
    assert response.status_code == 422
    assert field_errors(response) == {"body": [REFUSAL]}
    assert REFUSAL.startswith("Message : ")
    assert HealthDataRefusal.objects.filter(space=w.group).count() == 1
    assert not Message.objects.filter(body__contains="NIR").exists()


def test_a_reply_too_long_names_the_field(w, topic, settings):
    settings.MAILLON_DISCUSSION_MAX_CHARACTERS = 10
    response = call("post", f"/discussions/topics/{topic.pk}/messages", w.headers("midwife"), {"body": "x" * 11})
    assert response.status_code == 422
    assert field_errors(response)["body"][0].startswith("Message : 10 caractères au plus")


def test_a_muted_participant_reads_but_may_not_reply(w, topic):
    place = Participant.objects.get(space=w.group, user=w.users["midwife"])
    services.mute(place, by=w.users["moderator"])
    assert call("get", f"/discussions/topics/{topic.pk}/messages", w.headers("midwife")).status_code == 200
    response = call("post", f"/discussions/topics/{topic.pk}/messages", w.headers("midwife"), {"body": "Bonjour"})
    assert response.status_code == 403


def test_a_stranger_may_not_reply(w, topic):
    for role in ("outsider", "coordinator", "authority", "admin"):
        response = call("post", f"/discussions/topics/{topic.pk}/messages", w.headers(role), {"body": "Bonjour"})
        assert response.status_code == 404, role


# --- Editing, deleting, hiding --------------------------------------------------------------


@pytest.fixture
def reply(w, topic):
    return services.post_message(topic, body="Premier jet", by=w.users["midwife"])


def test_the_author_edits_within_the_delay(w, reply):
    response = call("patch", f"/discussions/messages/{reply.pk}", w.headers("midwife"), {"body": "Version revue"})
    assert response.status_code == 200
    assert response.json()["body"] == "Version revue"
    assert response.json()["edited_at"]


def test_an_edit_holding_a_nir_is_a_422_on_body(w, reply):
    response = call("patch", f"/discussions/messages/{reply.pk}", w.headers("midwife"), {"body": NIR})
    assert response.status_code == 422
    assert field_errors(response) == {"body": [REFUSAL]}
    reply.refresh_from_db()
    assert reply.body == "Premier jet"


def test_after_the_delay_the_author_may_no_longer_edit_or_delete(w, reply):
    Message.objects.filter(pk=reply.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert call("patch", f"/discussions/messages/{reply.pk}", w.headers("midwife"), {"body": "X"}).status_code == 403
    assert call("delete", f"/discussions/messages/{reply.pk}", w.headers("midwife")).status_code == 403


def test_another_reader_may_not_edit_or_delete(w, reply):
    assert call("patch", f"/discussions/messages/{reply.pk}", w.headers("pilot"), {"body": "X"}).status_code == 403
    assert call("delete", f"/discussions/messages/{reply.pk}", w.headers("manager")).status_code == 403


def test_a_stranger_gets_a_404_on_a_message(w, reply):
    for role in ("outsider", "member", "authority", "admin"):
        assert call("patch", f"/discussions/messages/{reply.pk}", w.headers(role), {"body": "X"}).status_code == 404
        assert call("delete", f"/discussions/messages/{reply.pk}", w.headers(role)).status_code == 404
        assert call("post", f"/discussions/messages/{reply.pk}/hide", w.headers(role)).status_code == 404


def test_the_author_deletes_then_a_second_delete_is_a_409(w, reply):
    response = call("delete", f"/discussions/messages/{reply.pk}", w.headers("midwife"))
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["body"]) == ("deleted", "")
    again = call("delete", f"/discussions/messages/{reply.pk}", w.headers("midwife"))
    assert again.status_code == 409
    assert again.json()["status"] == "deleted"
    assert call("patch", f"/discussions/messages/{reply.pk}", w.headers("midwife"), {"body": "X"}).status_code == 409


def test_moderators_hide_and_unhide_with_409_on_illegal_transitions(w, reply):
    url = f"/discussions/messages/{reply.pk}"
    response = call("post", f"{url}/hide", w.headers("moderator"), {"note": "hors charte"})
    assert response.status_code == 200
    assert response.json()["status"] == "hidden"
    assert MessageEvent.objects.filter(message=reply, note="hors charte").exists()
    twice = call("post", f"{url}/hide", w.headers("moderator"))
    assert twice.status_code == 409
    assert (twice.json()["status"], twice.json()["status_label"]) == ("hidden", "Masqué par la modération")
    assert call("post", f"{url}/unhide", w.headers("manager")).json()["status"] == "visible"
    assert call("post", f"{url}/unhide", w.headers("manager")).status_code == 409


def test_a_participant_may_not_hide(w, reply):
    response = call("post", f"/discussions/messages/{reply.pk}/hide", w.headers("midwife"))
    assert response.status_code == 403


def test_a_note_too_long_is_a_422(w, reply):
    response = call("post", f"/discussions/messages/{reply.pk}/hide", w.headers("moderator"), {"note": "x" * 201})
    assert response.status_code == 422
    assert "note" in field_errors(response)


# --- Search --------------------------------------------------------------------------------


def test_search_finds_in_the_spaces_i_read_only(w, topic):
    services.post_message(topic, body="Le protocole d'allaitement est prêt", by=w.users["pilot"])
    own = services.start_topic(
        w.members_space, title="Allaitement", body="Protocole ALLAITEMENT CPTS", by=w.users["member"]
    )
    hidden = services.post_message(topic, body="allaitement caché", by=w.users["pilot"])
    services.hide_message(hidden, by=w.users["moderator"])
    pilot = call("get", "/discussions/search", w.headers("pilot"), q="allaitement").json()
    assert [item["body"] for item in pilot["items"]] == ["Le protocole d'allaitement est prêt"]
    assert pilot["items"][0]["space"]["name"] == "Sages-femmes libérales et CPTS"
    member = call("get", "/discussions/search", w.headers("member"), q="Allaitément").json()
    assert [item["id"] for item in member["items"]] == [own.pk]
    for role in ("outsider", "authority", "admin"):
        assert call("get", "/discussions/search", w.headers(role), q="allaitement").json()["count"] == 0


def test_search_in_one_space_and_a_space_one_does_not_read(w, topic):
    services.post_message(topic, body="allaitement", by=w.users["pilot"])
    found = call("get", "/discussions/search", w.headers("pilot"), q="allaitement", space_id=w.group.pk).json()
    assert found["count"] == 1
    assert (
        call("get", "/discussions/search", w.headers("member"), q="allaitement", space_id=w.group.pk).status_code == 404
    )
    assert call("get", "/discussions/search", w.headers("pilot"), q="a").status_code == 422
