"""The API of the case conferences and their decisions (maillon/api/quality.py): a case
presented without a name, the patient shown (and journaled) only to who sees the inclusion,
the date polled among the picked adherents, the record carrying its decisions into the PPCS;
404 for what the caller may not see, 403 for what they may not do, 409 on a wrong state, 422
naming the field with nothing written."""

import datetime

import pytest
from django.utils import timezone

from maillon.meetings.models import Invitation, Meeting
from maillon.members.factories import MembershipFactory
from maillon.pathways.factories import CarePlanFactory, CareTeamMemberFactory, InclusionFactory
from maillon.pathways.models import CarePlan
from maillon.quality.factories import CaseConferenceFactory, ConferenceDecisionFactory
from maillon.quality.models import CaseConference, ConferenceDecision, ConferenceStatus

from .api_helpers import call, callers, field_errors, inclusion_reads

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
SLOT = {"starts_at": "2030-03-05T18:00:00", "ends_at": "2030-03-05T19:30:00"}
CASE = {
    "context": "Homme de 79 ans, insuffisance cardiaque, vit seul, deux hospitalisations cette année.",
    "question": "Comment éviter une troisième hospitalisation ?",
}


def url(cpts, tail=""):
    return f"/cpts/{cpts.pk}/quality{tail}"


def led_by(world, role):
    """An active inclusion the adherent of `role` leads."""
    return InclusionFactory(cpts=world.cpts, lead=world.adhesions[role], birth_name="Vasseur", used_name="")


# --- Asking for a conference ---------------------------------------------------------------


def test_a_member_asks_for_a_conference_on_their_patient_and_sees_who_it_is(cpts):
    world = callers(cpts)
    inclusion = led_by(world, "requester")
    response = call("post", url(cpts, "/conferences"), world.headers("requester"), {**CASE, "inclusion": inclusion.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    conference = CaseConference.objects.get()
    assert (body["id"], body["case_label"], body["status"]) == (conference.pk, f"Cas n° {conference.pk}", "requested")
    assert body["patient"]["inclusion_id"] == inclusion.pk
    assert body["patient"]["display_name"] == inclusion.display_name
    assert (conference.inclusion, conference.requested_by) == (inclusion, world.users["requester"])
    assert inclusion_reads(inclusion) == 1
    # The coordinators see every conference and every patient.
    detail = call("get", url(cpts, f"/conferences/{conference.pk}"), world.headers("coordinator")).json()
    assert detail["patient"]["inclusion_id"] == inclusion.pk
    assert inclusion_reads(inclusion) == 2


def test_the_patient_shows_only_to_who_sees_the_inclusion(cpts):
    world = callers(cpts)
    conference = CaseConferenceFactory(cpts=cpts, included=True, scheduled=True)
    Invitation.objects.create(meeting=conference.meeting, membership=world.adhesions["member"])
    response = call("get", url(cpts, f"/conferences/{conference.pk}"), world.headers("member"))
    assert response.status_code == 200
    body = response.json()
    assert body["patient"] is None
    assert conference.inclusion.birth_name not in response.content.decode()
    assert [row["membership_id"] for row in body["participants"]] == [world.adhesions["member"].pk]
    assert inclusion_reads(conference.inclusion) == 0
    # In the care team today: the patient shows, and the read is journaled.
    CareTeamMemberFactory(inclusion=conference.inclusion, membership=world.adhesions["member"])
    body = call("get", url(cpts, f"/conferences/{conference.pk}"), world.headers("member")).json()
    assert body["patient"]["display_name"] == conference.inclusion.display_name
    assert inclusion_reads(conference.inclusion) == 1


def test_a_text_naming_the_patient_or_holding_a_nir_is_refused_on_its_field(cpts):
    world = callers(cpts)
    inclusion = led_by(world, "requester")
    headers = world.headers("requester")
    named = {**CASE, "context": "M. Vasseur, 79 ans, vit seul.", "inclusion": inclusion.pk}
    assert "context" in field_errors(call("post", url(cpts, "/conferences"), headers, named))
    nir = {**CASE, "question": "Le patient 1 45 03 75 112 005 66 doit-il être réhospitalisé ?"}
    assert "question" in field_errors(call("post", url(cpts, "/conferences"), headers, nir))
    assert "context" in field_errors(call("post", url(cpts, "/conferences"), headers, {"question": "?"}))
    assert not CaseConference.objects.exists()


def test_a_patient_the_caller_does_not_follow_is_refused_on_inclusion(cpts, other_cpts):
    world = callers(cpts)
    for inclusion in (InclusionFactory(cpts=cpts), InclusionFactory(cpts=other_cpts)):
        response = call("post", url(cpts, "/conferences"), world.headers("member"), {**CASE, "inclusion": inclusion.pk})
        assert list(field_errors(response)) == ["inclusion"]
    assert not CaseConference.objects.exists()


def test_a_case_without_patient_is_asked_by_any_role_and_read_by_the_right_ones(cpts):
    world = callers(cpts)
    response = call("post", url(cpts, "/conferences"), world.headers("requester"), CASE)
    assert response.status_code == 201
    assert response.json()["patient"] is None
    pk = response.json()["id"]
    assert call("get", url(cpts, f"/conferences/{pk}"), world.headers("coordinator")).status_code == 200
    for role in ("member", "authority", "outsider", "admin"):
        assert call("get", url(cpts, f"/conferences/{pk}"), world.headers(role)).status_code == 404, role
    for role in ("authority", "outsider", "admin"):
        assert call("post", url(cpts, "/conferences"), world.headers(role), CASE).status_code == 404, role
    assert call("get", url(cpts, "/conferences")).status_code == 401
    assert CaseConference.objects.count() == 1


def test_the_list_filters_by_state_and_names_no_patient(cpts):
    world = callers(cpts)
    requested = CaseConferenceFactory(cpts=cpts, included=True)
    held = CaseConferenceFactory(cpts=cpts, held=True)
    ConferenceDecisionFactory(conference=held)
    CaseConferenceFactory(cpts=cpts, requested_by=world.users["member"], cancelled=True)
    headers = world.headers("coordinator")
    body = call("get", url(cpts, "/conferences"), headers).json()
    assert body["count"] == 3
    assert requested.inclusion.birth_name not in str(body)
    assert "patient" not in body["items"][0]
    held_only = call("get", url(cpts, "/conferences"), headers, status="held").json()
    assert [(item["id"], item["decisions_count"]) for item in held_only["items"]] == [(held.pk, 1)]
    mine = call("get", url(cpts, "/conferences"), world.headers("member")).json()
    assert [item["status"] for item in mine["items"]] == ["cancelled"]
    assert call("get", url(cpts, "/conferences"), headers, status="lost").status_code == 422


# --- Scheduling ----------------------------------------------------------------------------


def test_the_coordinator_polls_the_date_among_the_picked_adherents(cpts):
    world = callers(cpts)
    conference = CaseConferenceFactory(cpts=cpts, requested_by=world.users["requester"])
    picked = [world.adhesions["owner"].pk, world.adhesions["requester"].pk]
    body = {"slots": [SLOT], "memberships": picked, "visio_url": "https://visio.example.org/rcp"}
    response = call("post", url(cpts, f"/conferences/{conference.pk}/schedule"), world.headers("coordinator"), body)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "scheduled"
    conference.refresh_from_db()
    meeting = conference.meeting
    assert (meeting.mission, meeting.visio_url) == (5, "https://visio.example.org/rcp")
    assert sorted(meeting.invitations.values_list("membership_id", flat=True)) == sorted(picked)
    assert str(conference.pk) in meeting.title
    assert sorted(row["membership_id"] for row in response.json()["participants"]) == sorted(picked)
    # Once scheduled: 409 with the state.
    again = call("post", url(cpts, f"/conferences/{conference.pk}/schedule"), world.headers("coordinator"), body)
    assert again.status_code == 409
    assert (again.json()["status"], again.json()["status_label"]) == ("scheduled", "Programmée")


def test_only_the_coordinators_schedule_and_a_bad_body_writes_nothing(cpts, other_cpts):
    world = callers(cpts)
    conference = CaseConferenceFactory(cpts=cpts, requested_by=world.users["requester"])
    path = url(cpts, f"/conferences/{conference.pk}/schedule")
    good = {"slots": [SLOT], "memberships": [world.adhesions["owner"].pk]}
    assert call("post", path, world.headers("requester"), good).status_code == 403
    assert call("post", path, world.headers("member"), good).status_code == 404
    coordinator = world.headers("coordinator")
    backwards = {**good, "slots": [{"starts_at": SLOT["ends_at"], "ends_at": SLOT["starts_at"]}]}
    assert list(field_errors(call("post", path, coordinator, backwards))) == ["slots"]
    elsewhere = {**good, "memberships": [MembershipFactory(cpts=other_cpts).pk]}
    assert list(field_errors(call("post", path, coordinator, elsewhere))) == ["memberships"]
    assert list(field_errors(call("post", path, coordinator, {**good, "visio_url": "visio"}))) == ["visio_url"]
    assert list(field_errors(call("post", path, coordinator, {**good, "slots": []}))) == ["slots"]
    conference.refresh_from_db()
    assert (conference.status, conference.meeting) == (ConferenceStatus.REQUESTED, None)
    assert not Meeting.objects.exists()


# --- The record ----------------------------------------------------------------------------


def decision(world, **fields):
    return {
        "description": "Passage infirmier quotidien pendant un mois",
        "owner": world.adhesions["owner"].pk,
        "due_on": str(TODAY() + datetime.timedelta(days=30)),
        **fields,
    }


def test_the_record_carries_its_decisions_into_the_patient_s_plan(cpts):
    world = callers(cpts)
    conference = CaseConferenceFactory(cpts=cpts, included=True, scheduled=True, requested_by=world.users["requester"])
    CarePlanFactory(inclusion=conference.inclusion)
    before = CarePlan.objects.filter(inclusion=conference.inclusion).count()
    body = {
        "conclusions": "Renforcer le suivi à domicile.",
        "held_on": str(TODAY()),
        "decisions": [decision(world), decision(world, description="Bilan de l'ergothérapeute")],
    }
    response = call("post", url(cpts, f"/conferences/{conference.pk}/record"), world.headers("requester"), body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["status"], answer["held_on"], answer["conclusions"]) == ("held", str(TODAY()), body["conclusions"])
    assert [row["in_care_plan"] for row in answer["decisions"]] == [True, True]
    assert {row["owner"]["id"] for row in answer["decisions"]} == {world.adhesions["owner"].pk}
    plans = CarePlan.objects.filter(inclusion=conference.inclusion)
    assert plans.count() == before + 1
    conference.refresh_from_db()
    descriptions = list(conference.plan.actions.values_list("description", flat=True))
    assert f"Bilan de l'ergothérapeute ({conference.case_label})" in descriptions
    # The requester does not see the patient (not in the care team): no plan id for them.
    assert answer["patient"] is None
    assert (
        call("get", url(cpts, f"/conferences/{conference.pk}"), world.headers("coordinator")).json()["patient"][
            "plan_id"
        ]
        == conference.plan_id
    )


def test_a_refused_record_names_its_field_and_writes_nothing(cpts, other_cpts):
    world = callers(cpts)
    conference = CaseConferenceFactory(cpts=cpts, included=True, scheduled=True, requested_by=world.users["requester"])
    path = url(cpts, f"/conferences/{conference.pk}/record")
    headers = world.headers("requester")
    good = {"conclusions": "Renforcer le suivi.", "held_on": str(TODAY()), "decisions": [decision(world)]}
    tomorrow = str(TODAY() + datetime.timedelta(days=1))
    elsewhere = decision(world, owner=MembershipFactory(cpts=other_cpts).pk)
    named = decision(world, description=f"Appeler {conference.inclusion.birth_name} chaque semaine")
    assert list(field_errors(call("post", path, headers, {**good, "held_on": tomorrow}))) == ["held_on"]
    assert list(field_errors(call("post", path, headers, {**good, "decisions": [elsewhere]}))) == ["decisions"]
    assert list(field_errors(call("post", path, headers, {**good, "decisions": [named]}))) == ["decisions"]
    yesterday = str(TODAY() - datetime.timedelta(days=1))
    early = decision(world, due_on=str(TODAY() - datetime.timedelta(days=2)))
    assert list(field_errors(call("post", path, headers, {**good, "held_on": yesterday, "decisions": [early]}))) == [
        "decisions"
    ]
    assert list(field_errors(call("post", path, headers, {**good, "conclusions": ""}))) == ["conclusions"]
    conference.refresh_from_db()
    assert (conference.status, conference.plan) == (ConferenceStatus.SCHEDULED, None)
    assert not ConferenceDecision.objects.exists()
    assert not CarePlan.objects.filter(inclusion=conference.inclusion).exists()


def test_only_the_coordinators_and_the_requester_record_once_scheduled(cpts):
    world = callers(cpts)
    requested = CaseConferenceFactory(cpts=cpts, requested_by=world.users["requester"])
    scheduled = CaseConferenceFactory(cpts=cpts, scheduled=True, requested_by=world.users["requester"])
    Invitation.objects.create(meeting=scheduled.meeting, membership=world.adhesions["member"])
    body = {"conclusions": "Rien de plus à faire.", "held_on": str(TODAY())}
    refused = call("post", url(cpts, f"/conferences/{requested.pk}/record"), world.headers("requester"), body)
    assert refused.status_code == 409
    assert refused.json()["status"] == "requested"
    assert (
        call("post", url(cpts, f"/conferences/{scheduled.pk}/record"), world.headers("member"), body).status_code == 403
    )
    response = call("post", url(cpts, f"/conferences/{scheduled.pk}/record"), world.headers("coordinator"), body)
    assert response.status_code == 200
    assert response.json()["decisions"] == []


# --- Cancelling ----------------------------------------------------------------------------


def test_the_requester_cancels_and_a_cancelled_one_stays_so(cpts):
    world = callers(cpts)
    conference = CaseConferenceFactory(cpts=cpts, scheduled=True, requested_by=world.users["requester"])
    Invitation.objects.create(meeting=conference.meeting, membership=world.adhesions["member"])
    path = url(cpts, f"/conferences/{conference.pk}/cancel")
    assert call("post", path, world.headers("member"), {"note": "Plus utile"}).status_code == 403
    response = call("post", path, world.headers("requester"), {"note": "Le patient est hospitalisé"})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    again = call("post", path, world.headers("coordinator"))
    assert (again.status_code, again.json()["status"]) == (409, "cancelled")
    assert conference.events.get(to_status="cancelled").note == "Le patient est hospitalisé"


# --- Decisions -----------------------------------------------------------------------------


def test_the_owner_marks_their_decision_done_once(cpts):
    world = callers(cpts)
    row = ConferenceDecisionFactory(conference__cpts=cpts, owner=world.adhesions["owner"])
    path = url(cpts, f"/decisions/{row.pk}/complete")
    future = {"done_on": str(TODAY() + datetime.timedelta(days=1))}
    assert list(field_errors(call("post", path, world.headers("owner"), future))) == ["done_on"]
    response = call("post", path, world.headers("owner"), {"outcome": "Passage organisé"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["done_on"], body["on_time"], body["late"]) == ("done", str(TODAY()), True, False)
    assert body["outcome"] == "Passage organisé"
    again = call("post", path, world.headers("owner"))
    assert (again.status_code, again.json()["status"]) == (409, "done")


def test_who_may_not_see_a_decision_gets_404_and_only_who_runs_the_conference_drops_it(cpts):
    world = callers(cpts)
    conference = CaseConferenceFactory(cpts=cpts, held=True, requested_by=world.users["requester"])
    row = ConferenceDecisionFactory(conference=conference, owner=world.adhesions["owner"])
    late = ConferenceDecisionFactory(conference=conference, due_on=TODAY() - datetime.timedelta(days=3))
    drop = url(cpts, f"/decisions/{row.pk}/drop")
    for role in ("member", "outsider", "authority"):
        assert call("post", drop, world.headers(role), {"note": "x"}).status_code == 404, role
        assert call("post", url(cpts, f"/decisions/{row.pk}/complete"), world.headers(role)).status_code == 404
    assert call("post", drop, world.headers("owner"), {"note": "Hors de portée"}).status_code == 403
    assert list(field_errors(call("post", drop, world.headers("requester"), {"note": ""}))) == ["note"]
    response = call("post", drop, world.headers("requester"), {"note": "Le patient a déménagé"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["outcome"]) == ("dropped", "Le patient a déménagé")
    detail = call("get", url(cpts, f"/conferences/{conference.pk}"), world.headers("coordinator")).json()
    assert {row["id"]: row["late"] for row in detail["decisions"]} == {row.pk: False, late.pk: True}
