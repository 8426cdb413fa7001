"""The API of the practice-analysis groups and their sessions (maillon/api/quality.py): every
role in the CPTS reads them; the coordinators create a group; the coordinators and its
facilitator change it and hold sessions, each a mission 5 meeting polled among its members."""

import pytest

from maillon.meetings.models import Attendance, Meeting
from maillon.members.factories import MembershipFactory
from maillon.quality.factories import (
    CaseConferenceFactory,
    GroupSessionFactory,
    IncidentReviewFactory,
    PracticeGroupFactory,
)
from maillon.quality.models import GroupSession, PracticeGroup

from .api_helpers import call, callers, field_errors

pytestmark = pytest.mark.django_db

SLOT = {"starts_at": "2030-03-05T20:00:00", "ends_at": "2030-03-05T21:30:00"}


def url(cpts, tail=""):
    return f"/cpts/{cpts.pk}/quality/groups{tail}"


def test_the_coordinator_creates_a_group_and_every_member_reads_it(cpts, other_cpts):
    world = callers(cpts)
    body = {
        "name": "Groupe d'analyse des pratiques — plaies chroniques",
        "themes": ["Ulcères", "Pansements"],
        "facilitator": world.adhesions["owner"].pk,
        "members": [world.adhesions["owner"].pk, world.adhesions["member"].pk],
    }
    assert call("post", url(cpts), world.headers("member"), body).status_code == 403
    coordinator = world.headers("coordinator")
    elsewhere = MembershipFactory(cpts=other_cpts).pk
    assert list(field_errors(call("post", url(cpts), coordinator, {**body, "members": [elsewhere]}))) == ["members"]
    assert list(field_errors(call("post", url(cpts), coordinator, {**body, "facilitator": elsewhere}))) == [
        "facilitator"
    ]
    assert list(field_errors(call("post", url(cpts), coordinator, {**body, "themes": []}))) == ["themes"]
    assert not PracticeGroup.objects.exists()
    response = call("post", url(cpts), coordinator, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["themes"], created["members_count"], created["facilitator"]["id"]) == (
        ["Ulcères", "Pansements"],
        2,
        world.adhesions["owner"].pk,
    )
    listed = call("get", url(cpts), world.headers("referent")).json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    detail = call("get", url(cpts, f"/{created['id']}"), world.headers("referent")).json()
    assert {row["id"] for row in detail["members"]} == set(body["members"])
    assert detail["can_manage"] is False
    for role in ("authority", "outsider", "admin"):
        assert call("get", url(cpts, f"/{created['id']}"), world.headers(role)).status_code == 404, role


def test_the_facilitator_changes_the_group_until_it_is_closed(cpts):
    world = callers(cpts)
    group = PracticeGroupFactory(cpts=cpts, facilitator=world.adhesions["owner"], members=[world.adhesions["owner"]])
    path = url(cpts, f"/{group.pk}")
    assert call("patch", path, world.headers("member"), {"name": "Autre nom"}).status_code == 403
    assert list(field_errors(call("patch", path, world.headers("owner"), {"name": None}))) == ["name"]
    response = call(
        "patch", path, world.headers("owner"), {"themes": ["Chutes"], "members": [world.adhesions["member"].pk]}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["themes"], [row["id"] for row in response.json()["members"]]) == (
        ["Chutes"],
        [world.adhesions["member"].pk],
    )
    closed = call("patch", path, world.headers("coordinator"), {"closed_on": "2026-01-05"})
    assert (closed.status_code, closed.json()["is_open"]) == (200, False)
    assert call("patch", path, world.headers("coordinator"), {"name": "Rouvert"}).status_code == 409
    assert call("get", url(cpts), world.headers("member"), open="true").json()["count"] == 0


def test_a_session_is_polled_among_the_members_on_a_held_case_or_a_shared_review(cpts):
    world = callers(cpts)
    members = [world.adhesions["owner"], world.adhesions["member"]]
    group = PracticeGroupFactory(cpts=cpts, facilitator=world.adhesions["owner"], members=members)
    path = url(cpts, f"/{group.pk}/sessions")
    body = {"theme": "Chutes à répétition", "slots": [SLOT]}
    requested = CaseConferenceFactory(cpts=cpts)
    hidden = IncidentReviewFactory(cpts=cpts, actions=True)
    owner = world.headers("owner")
    assert call("post", path, world.headers("member"), body).status_code == 403
    assert list(field_errors(call("post", path, owner, {**body, "conference": requested.pk}))) == ["conference"]
    assert list(field_errors(call("post", path, owner, {**body, "review": hidden.pk}))) == ["review"]
    assert not Meeting.objects.exists()
    shared = IncidentReviewFactory(cpts=cpts, actions=True, shared=True)
    response = call("post", path, owner, {**body, "review": shared.pk})
    assert response.status_code == 201, response.content
    session = GroupSession.objects.get()
    assert (session.meeting.mission, session.review) == (5, shared)
    assert sorted(session.meeting.invitations.values_list("membership_id", flat=True)) == sorted(m.pk for m in members)
    assert (response.json()["invited_count"], response.json()["review"]["summary"]) == (2, shared.summary)
    # A group without active member holds no session.
    empty = PracticeGroupFactory(cpts=cpts)
    refused = call("post", url(cpts, f"/{empty.pk}/sessions"), world.headers("coordinator"), body)
    assert refused.status_code == 409


def test_the_sessions_list_counts_the_invited_and_the_present(cpts):
    world = callers(cpts)
    session = GroupSessionFactory(group__cpts=cpts, conference=CaseConferenceFactory(cpts=cpts, held=True))
    for attendance in (Attendance.PRESENT, Attendance.PRESENT, Attendance.ABSENT):
        session.meeting.invitations.create(membership=MembershipFactory(cpts=cpts), attendance=attendance)
    body = call("get", url(cpts, f"/{session.group_id}/sessions"), world.headers("member")).json()
    item = body["items"][0]
    assert (item["invited_count"], item["present_count"], item["meeting"]["status"]) == (3, 2, "held")
    assert item["conference"] == {"id": session.conference_id, "case_label": f"Cas n° {session.conference_id}"}
    assert call("get", url(cpts, f"/{session.group_id}/sessions"), world.headers("outsider")).status_code == 404
