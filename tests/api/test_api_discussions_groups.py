"""Regional groups in the API: the public list and sign-up form (JSON only, throttled, no
oracle), the sign-ups seen and decided by the pilot team and the managers alone, and the
moderation of people (mute, unmute, remove, reinstate) with 409 on what the state forbids."""

import json

import pytest
from django.test import Client

from maillon.core.models import JournalEntry
from maillon.discussions import services
from maillon.discussions.factories import DiscussionSpaceFactory, SignupRequestFactory
from maillon.discussions.models import Participant, ParticipantEvent, SignupRequest

from .discussions_helpers import NIR, call, field_errors, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(cpts):
    return world(cpts)


def signup_body(w, **changes):
    question = w.group.signup_questions.get()
    body = {
        "first_name": "Nora",
        "last_name": "Bensaïd",
        "email": "nora.bensaid@example.org",
        "profession": "Sage-femme",
        "practice_commune": "Versailles",
        "answers": {str(question.pk): "Depuis 2019"},
    }
    return body | changes


# --- The public face -----------------------------------------------------------------------


def test_anyone_lists_the_groups_open_to_sign_up_with_their_questions(w):
    DiscussionSpaceFactory(regional=True, signup_open=False, name="Groupe fermé")
    response = call("get", "/discussions/groups")
    assert response.status_code == 200
    body = response.json()
    assert [item["name"] for item in body["items"]] == ["Sages-femmes libérales et CPTS"]
    assert body["count"] == 1
    group = body["items"][0]
    assert group["organisation"]["name"] == "URPS sages-femmes Île-de-France"
    assert group["questions"] == [
        {"id": w.group.signup_questions.get().pk, "label": "Depuis quand exercez-vous en libéral ?", "required": True}
    ]
    # No personal data: no participant, no pilot, no manager.
    text = response.content.decode()
    for user in (w.users["pilot"], w.users["manager"], w.users["midwife"]):
        assert user.last_name not in text
        assert user.email not in text


def test_a_sign_up_answers_202_and_the_same_sentence_when_the_address_is_known(w):
    url = f"/discussions/groups/{w.group.pk}/signups"
    first = call("post", url, body=signup_body(w))
    again = call("post", url, body=signup_body(w, profession="Sage-femme libérale"))
    assert (first.status_code, again.status_code) == (202, 202)
    assert first.json() == again.json()
    request = SignupRequest.objects.get(space=w.group)
    # The first request stands: whoever typed the same address rewrites nothing.
    assert (request.status, request.profession) == ("pending", "Sage-femme")


def test_a_sign_up_names_its_field_errors(w):
    url = f"/discussions/groups/{w.group.pk}/signups"
    question = w.group.signup_questions.get()
    response = call("post", url, body=signup_body(w, answers={}))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "payload", "answers", str(question.pk)],
            "msg": "Depuis quand exercez-vous en libéral ? : répondez à cette question.",
        }
    ]
    response = call("post", url, body=signup_body(w, answers={str(question.pk): f"mon NIR {NIR}"}))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == str(question.pk)
    response = call("post", url, body=signup_body(w, email="pas-une-adresse"))
    assert response.status_code == 422
    assert "email" in field_errors(response)
    response = call("post", url, body={"first_name": "Nora"})
    assert response.status_code == 422
    assert {"last_name", "email", "profession"} <= set(field_errors(response))
    assert not SignupRequest.objects.exists()


def test_a_sign_up_is_json_only(w):
    body = json.dumps(signup_body(w))
    response = Client().post(f"/api/v1/discussions/groups/{w.group.pk}/signups", body, content_type="text/plain")
    assert response.status_code == 415


def test_a_group_closed_to_sign_ups_or_a_working_group_is_a_404(w):
    closed = DiscussionSpaceFactory(regional=True, signup_open=False)
    for space in (closed, w.working_group, w.members_space):
        assert call("post", f"/discussions/groups/{space.pk}/signups", body=signup_body(w)).status_code == 404


def test_sign_ups_are_throttled_per_address(w, settings):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 2
    url = f"/discussions/groups/{w.group.pk}/signups"
    for index in range(2):
        assert call("post", url, body=signup_body(w, email=f"p{index}@example.org")).status_code == 202
    response = call("post", url, body=signup_body(w, email="p3@example.org"))
    assert response.status_code == 429
    assert SignupRequest.objects.count() == 2


# --- Sign-ups seen and decided -------------------------------------------------------------


@pytest.fixture
def signup(w):
    question = w.group.signup_questions.get()
    return SignupRequestFactory(
        space=w.group, first_name="Nora", last_name="Bensaïd", answers={str(question.pk): "Depuis 2019"}
    )


@pytest.mark.parametrize("role", ["pilot", "manager"])
def test_the_pilot_team_and_the_managers_see_the_sign_ups_journaled(w, signup, role):
    response = call("get", f"/discussions/spaces/{w.group.pk}/signups", w.headers(role))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["last_name"], item["status"]) == ("Bensaïd", "pending")
    assert item["answers"][0]["answer"] == "Depuis 2019"
    entry = JournalEntry.objects.get(action="read", object_type="discussions.SignupRequest", object_id=str(signup.pk))
    assert "email" in entry.fields
    pending = call("get", f"/discussions/spaces/{w.group.pk}/signups", w.headers(role), status="refused").json()
    assert pending["count"] == 0


@pytest.mark.parametrize("role", ["moderator", "midwife"])
def test_other_participants_get_a_403_without_any_sign_up(w, signup, role):
    response = call("get", f"/discussions/spaces/{w.group.pk}/signups", w.headers(role))
    assert response.status_code == 403
    assert "Bensaïd" not in response.content.decode()


@pytest.mark.parametrize("role", ["outsider", "member", "coordinator", "authority", "observer", "admin"])
def test_strangers_get_a_404_for_the_sign_ups(w, signup, role):
    assert call("get", f"/discussions/spaces/{w.group.pk}/signups", w.headers(role)).status_code == 404
    assert call("post", f"/discussions/signups/{signup.pk}/accept", w.headers(role)).status_code == 404
    assert call("post", f"/discussions/signups/{signup.pk}/refuse", w.headers(role)).status_code == 404


def test_a_cpts_space_has_no_sign_ups(w):
    response = call("get", f"/discussions/spaces/{w.working_group.pk}/signups", w.headers("coordinator"))
    assert response.status_code == 404


def test_the_pilot_accepts_a_sign_up_then_a_second_decision_is_a_409(w, signup):
    response = call("post", f"/discussions/signups/{signup.pk}/accept", w.headers("pilot"))
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    signup.refresh_from_db()
    assert Participant.objects.filter(space=w.group, user=signup.user).exists()
    again = call("post", f"/discussions/signups/{signup.pk}/refuse", w.headers("manager"), {"note": "doublon"})
    assert again.status_code == 409
    assert again.json()["status"] == "accepted"


def test_a_participant_may_not_decide_a_sign_up(w, signup):
    assert call("post", f"/discussions/signups/{signup.pk}/accept", w.headers("moderator")).status_code == 404


def test_the_manager_refuses_a_sign_up_with_a_note(w, signup):
    response = call("post", f"/discussions/signups/{signup.pk}/refuse", w.headers("manager"), {"note": "hors région"})
    assert response.status_code == 200
    assert response.json()["status"] == "refused"


# --- People of a space ---------------------------------------------------------------------


def place_of(w, role):
    return Participant.objects.get(space=w.group, user=w.users[role])


def test_moderators_list_the_participants(w):
    response = call("get", f"/discussions/spaces/{w.group.pk}/participants", w.headers("moderator"))
    assert response.status_code == 200
    roles = {item["user"]["name"]: item["role"] for item in response.json()["items"]}
    assert roles["Inès Pilote"] == "pilot"
    assert roles["Sophie Sage-Femme"] == "participant"
    assert call("get", f"/discussions/spaces/{w.group.pk}/participants", w.headers("midwife")).status_code == 403
    assert call("get", f"/discussions/spaces/{w.group.pk}/participants", w.headers("outsider")).status_code == 404


def test_a_moderator_mutes_unmutes_removes_and_reinstates_with_the_register(w):
    place = place_of(w, "midwife")
    url = f"/discussions/participants/{place.pk}"
    response = call("post", f"{url}/mute", w.headers("moderator"), {"note": "ton agressif"})
    assert response.status_code == 200
    assert response.json()["status"] == "muted"
    assert ParticipantEvent.objects.filter(participant=place, note="ton agressif").exists()
    twice = call("post", f"{url}/mute", w.headers("moderator"))
    assert twice.status_code == 409
    assert twice.json()["status"] == "muted"
    assert call("post", f"{url}/unmute", w.headers("moderator")).json()["status"] == "active"
    assert call("post", f"{url}/reinstate", w.headers("moderator")).status_code == 409
    assert call("post", f"{url}/remove", w.headers("moderator"), {"note": "spam"}).json()["status"] == "removed"
    assert call("post", f"{url}/reinstate", w.headers("manager")).json()["status"] == "active"


def test_a_moderator_does_not_act_on_himself_another_moderator_or_the_host(w):
    assert (
        call(
            "post", f"/discussions/participants/{place_of(w, 'moderator').pk}/mute", w.headers("moderator")
        ).status_code
        == 403
    )
    assert (
        call("post", f"/discussions/participants/{place_of(w, 'pilot').pk}/mute", w.headers("moderator")).status_code
        == 403
    )
    assert (
        call("post", f"/discussions/participants/{place_of(w, 'manager').pk}/mute", w.headers("pilot")).status_code
        == 403
    )


def test_a_participant_may_not_mute_and_a_stranger_gets_a_404(w):
    place = place_of(w, "pilot")
    assert call("post", f"/discussions/participants/{place.pk}/mute", w.headers("midwife")).status_code == 403
    for role in ("outsider", "member", "coordinator", "authority", "admin"):
        assert call("post", f"/discussions/participants/{place.pk}/mute", w.headers(role)).status_code == 404, role


def test_a_coordinator_moderates_the_people_of_his_cpts_spaces(w):
    place = services.place_for_moderation(w.members_space, w.users["member"])
    response = call("post", f"/discussions/participants/{place.pk}/mute", w.headers("coordinator"), {"note": "n"})
    assert response.status_code == 200
    assert call("post", f"/discussions/participants/{place.pk}/unmute", w.headers("outsider")).status_code == 404
