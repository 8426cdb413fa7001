"""Spaces in the API: mine across CPTS and groups with their unread counts, one space with my
rights, a CPTS's spaces (created at first reading) and its working groups."""

import pytest

from maillon.discussions import services
from maillon.discussions.factories import MessageFactory, TopicFactory
from maillon.discussions.models import DiscussionSpace, Participant, SpaceKind

from .discussions_helpers import call, field_errors, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(cpts):
    return world(cpts)


def names(response) -> set:
    return {item["name"] for item in response.json()["items"]}


def test_my_spaces_span_my_cpts_and_my_groups(w):
    response = call("get", "/discussions/spaces", w.headers("colleague"))
    assert response.status_code == 200
    assert {"Tous les adhérents", "Groupe parcours BPCO"} <= names(response)
    assert "Sages-femmes libérales et CPTS" not in names(response)
    assert response.json()["count"] == len(response.json()["items"])
    midwife = names(call("get", "/discussions/spaces", w.headers("midwife")))
    assert "Sages-femmes libérales et CPTS" in midwife
    assert "Groupe parcours BPCO" not in midwife


def test_a_member_does_not_read_a_working_group_he_is_not_in(w):
    assert "Groupe parcours BPCO" not in names(call("get", "/discussions/spaces", w.headers("member")))


def test_an_officer_or_the_platform_admin_reads_no_space(w):
    for role in ("authority", "observer", "admin"):
        response = call("get", "/discussions/spaces", w.headers(role))
        assert response.json() == {"items": [], "count": 0}, role


def test_unread_counts_the_messages_of_others_after_what_i_read(w):
    services.join(w.members_space, w.users["member"])  # opened once: from then on, messages count
    topic = TopicFactory(space=w.members_space)
    first = MessageFactory(topic=topic, author=w.users["coordinator"])
    MessageFactory(topic=topic, author=w.users["coordinator"])
    MessageFactory(topic=topic, author=w.users["member"])
    spaces = {item["id"]: item for item in call("get", "/discussions/spaces", w.headers("member")).json()["items"]}
    assert spaces[w.members_space.pk]["unread"] == 2
    services.mark_read(topic, w.users["member"], first.pk)
    spaces = {item["id"]: item for item in call("get", "/discussions/spaces", w.headers("member")).json()["items"]}
    assert spaces[w.members_space.pk]["unread"] == 1


def test_a_space_never_opened_counts_nothing_unread(w):
    MessageFactory(topic=TopicFactory(space=w.members_space), author=w.users["coordinator"])
    spaces = {item["id"]: item for item in call("get", "/discussions/spaces", w.headers("member")).json()["items"]}
    assert spaces[w.members_space.pk]["unread"] == 0


def test_one_space_gives_my_rights(w):
    response = call("get", f"/discussions/spaces/{w.group.pk}", w.headers("moderator"))
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "regional_group"
    assert body["organisation"]["name"] == "URPS sages-femmes Île-de-France"
    assert body["cpts"] is None
    assert (body["role"], body["can_post"], body["can_moderate"], body["can_review_signups"]) == (
        "moderator",
        True,
        True,
        False,
    )
    pilot = call("get", f"/discussions/spaces/{w.group.pk}", w.headers("pilot")).json()
    assert pilot["can_review_signups"] is True


@pytest.mark.parametrize("role", ["outsider", "member", "authority", "observer", "admin"])
def test_a_space_one_does_not_read_is_a_404(w, role):
    for space in (w.group, w.working_group):
        response = call("get", f"/discussions/spaces/{space.pk}", w.headers(role))
        assert response.status_code == 404, (role, space)
        assert response.json() == {"detail": "Espace de discussion introuvable."}


def test_a_removed_participant_no_longer_reads_the_space(w):
    place = Participant.objects.get(space=w.group, user=w.users["midwife"])
    services.remove(place, by=w.users["manager"], note="hors charte")
    assert call("get", f"/discussions/spaces/{w.group.pk}", w.headers("midwife")).status_code == 404


def test_a_cpts_spaces_are_created_at_first_reading(cpts, w):
    DiscussionSpace.objects.filter(cpts=cpts, kind__in=[SpaceKind.MEMBERS, SpaceKind.MISSION]).delete()
    response = call("get", f"/cpts/{cpts.pk}/discussions/spaces", w.headers("member"))
    assert response.status_code == 200
    kinds = [item["kind"] for item in response.json()["items"]]
    assert kinds.count("members") == 1
    assert kinds.count("mission") >= 4
    assert "working_group" not in kinds
    coordinator = call("get", f"/cpts/{cpts.pk}/discussions/spaces", w.headers("coordinator")).json()
    assert "Groupe parcours BPCO" in {item["name"] for item in coordinator["items"]}


@pytest.mark.parametrize("role", ["outsider", "authority", "observer", "admin", "midwife"])
def test_a_cpts_spaces_are_a_404_to_whoever_has_no_role_in_it(cpts, w, role):
    response = call("get", f"/cpts/{cpts.pk}/discussions/spaces", w.headers(role))
    assert response.status_code == 404
    assert response.json() == {"detail": "CPTS introuvable."}


def test_a_coordinator_creates_a_working_group_with_people_of_the_cpts(cpts, w):
    body = {"name": "Groupe soins non programmés", "description": "SNP", "user_ids": [w.users["member"].pk]}
    response = call("post", f"/cpts/{cpts.pk}/discussions/spaces", w.headers("coordinator"), body)
    assert response.status_code == 201
    created = response.json()
    assert (created["kind"], created["name"], created["role"], created["can_manage"]) == (
        "working_group",
        "Groupe soins non programmés",
        "participant",
        True,
    )
    people = set(Participant.objects.filter(space_id=created["id"]).values_list("user_id", flat=True))
    assert people == {w.users["coordinator"].pk, w.users["member"].pk}


def test_a_member_may_not_create_a_working_group(cpts, w):
    response = call("post", f"/cpts/{cpts.pk}/discussions/spaces", w.headers("member"), {"name": "X"})
    assert response.status_code == 403
    assert "coordinateurs" in response.json()["detail"]


def test_another_cpts_coordinator_gets_a_404_for_a_working_group(cpts, w):
    response = call("post", f"/cpts/{cpts.pk}/discussions/spaces", w.headers("outsider"), {"name": "X"})
    assert response.status_code == 404


def test_a_working_group_names_its_field_errors(cpts, w):
    url = f"/cpts/{cpts.pk}/discussions/spaces"
    response = call("post", url, w.headers("coordinator"), {"name": "  "})
    assert response.status_code == 422
    assert field_errors(response) == {"name": ["Nom : indiquez le nom de l'espace."]}
    response = call("post", url, w.headers("coordinator"), {"name": "G", "user_ids": [w.users["midwife"].pk]})
    assert response.status_code == 422
    assert field_errors(response)["user_ids"][0].startswith("Participants : ")
    response = call("post", url, w.headers("coordinator"), {"name": "G", "user_ids": [987654]})
    assert field_errors(response) == {"user_ids": ["Participants : compte inconnu."]}
    assert not DiscussionSpace.objects.filter(name="G").exists()
