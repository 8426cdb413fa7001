"""The API of the trainees (maillon/api/support.py): training supervisors, placements and the
applications made on the public page. Every role in the CPTS reads the supervisors; the
coordinators see every placement and application, a supervisor those of their placements; the
coordinators manage them and decide, the supervisor decides the applications to their placements."""

import datetime

import pytest
from django.utils import timezone

from maillon.members.factories import MembershipFactory
from maillon.support.factories import PlacementApplicationFactory, PlacementFactory, SupervisorFactory
from maillon.support.models import ApplicationStatus, Placement, PlacementStatus, Supervisor

from .api_helpers import call, field_errors, people, support_url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return (TODAY + datetime.timedelta(days=n)).isoformat()


def test_the_coordinator_adds_a_supervisor_every_role_reads_them(cpts, other_cpts):
    world = people(cpts)
    body = {
        "membership": world.adhesions["supervisor"].pk,
        "levels": ["intern", "junior_doctor"],
        "capacity": 2,
        "accreditation_number": "AGR-2026-12",
        "accredited_by": "Faculté de santé de Versailles",
        "accredited_until": days(700),
    }
    url = support_url(cpts, "supervisors")
    assert call("post", url, world.headers("member"), body).status_code == 403
    coordinator = world.headers("coordinator")
    elsewhere = MembershipFactory(cpts=other_cpts).pk
    assert list(field_errors(call("post", url, coordinator, {**body, "membership": elsewhere}))) == ["membership"]
    assert list(field_errors(call("post", url, coordinator, {**body, "levels": []}))) == ["levels"]
    assert list(field_errors(call("post", url, coordinator, {**body, "levels": ["surgeon"]}))) == ["levels"]
    assert list(field_errors(call("post", url, coordinator, {**body, "capacity": 7}))) == ["capacity"]
    assert not Supervisor.objects.exists()
    response = call("post", url, coordinator, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["membership"]["id"] == world.adhesions["supervisor"].pk
    assert [level["code"] for level in created["levels"]] == ["intern", "junior_doctor"]
    assert created["levels"][1]["label"] == "Docteur junior (4e année de médecine générale)"
    again = field_errors(call("post", url, coordinator, body))
    assert again == {"membership": ["Adhérent : cet adhérent est déjà maître de stage de la CPTS."]}
    listed = call("get", url, world.headers("member")).json()
    assert (listed["count"], listed["items"][0]["id"]) == (1, created["id"])
    assert call("get", url, world.headers("member"), level="external").json()["count"] == 0
    for role in ("authority", "outsider", "admin"):
        assert call("get", url, world.headers(role)).status_code == 404, role


def test_the_coordinator_changes_a_supervisor(cpts):
    world = people(cpts)
    supervisor = SupervisorFactory(cpts=cpts, membership=world.adhesions["supervisor"])
    url = support_url(cpts, f"supervisors/{supervisor.pk}")
    assert call("patch", url, world.headers("supervisor"), {"capacity": 3}).status_code == 403
    assert list(field_errors(call("patch", url, world.headers("coordinator"), {"levels": None}))) == ["levels"]
    response = call("patch", url, world.headers("coordinator"), {"capacity": 3, "active": False})
    assert (response.status_code, response.json()["capacity"], response.json()["active"]) == (200, 3, False)


def test_the_coordinator_opens_a_placement_within_the_supervisor_s_capacity(cpts):
    world = people(cpts)
    supervisor = SupervisorFactory(cpts=cpts, membership=world.adhesions["supervisor"], capacity=1)
    url = support_url(cpts, "placements")
    body = {"supervisor": supervisor.pk, "level": "intern", "starts_on": days(30), "ends_on": days(210)}
    assert call("post", url, world.headers("supervisor"), body).status_code == 403
    coordinator = world.headers("coordinator")
    assert list(field_errors(call("post", url, coordinator, {**body, "level": "paramedical"}))) == ["level"]
    assert list(field_errors(call("post", url, coordinator, {**body, "ends_on": days(20)}))) == ["ends_on"]
    assert list(field_errors(call("post", url, coordinator, {**body, "supervisor": 0}))) == ["supervisor"]
    response = call("post", url, coordinator, body)
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["supervisor"]["id"]) == ("open", supervisor.pk)
    # Its one place is taken over that period: refused on the field, nothing written.
    full = field_errors(call("post", url, coordinator, {**body, "starts_on": days(100)}))
    assert list(full) == ["starts_on"]
    assert Placement.objects.count() == 1


def test_a_supervisor_sees_only_their_placements_the_coordinator_all(cpts):
    world = people(cpts)
    mine = PlacementFactory(cpts=cpts, supervisor__cpts=cpts, supervisor__membership=world.adhesions["supervisor"])
    other = PlacementFactory(cpts=cpts, supervisor__cpts=cpts)
    url = support_url(cpts, "placements")
    assert {item["id"] for item in call("get", url, world.headers("coordinator")).json()["items"]} == {
        mine.pk,
        other.pk,
    }
    assert [item["id"] for item in call("get", url, world.headers("supervisor")).json()["items"]] == [mine.pk]
    assert call("get", url, world.headers("member")).json() == {"items": [], "count": 0}
    assert call("get", support_url(cpts, f"placements/{other.pk}"), world.headers("supervisor")).status_code == 404


def test_a_placement_is_filled_then_cancelled_and_not_twice(cpts):
    world = people(cpts)
    placement = PlacementFactory(cpts=cpts, supervisor__cpts=cpts)
    coordinator = world.headers("coordinator")
    fill = support_url(cpts, f"placements/{placement.pk}/fill")
    assert list(field_errors(call("post", fill, coordinator, {"trainee_name": "Léa Roux", "trainee_email": "x"}))) == [
        "trainee_email"
    ]
    filled = call("post", fill, coordinator, {"trainee_name": "Léa Roux", "trainee_school": "UVSQ"})
    assert (filled.status_code, filled.json()["status"], filled.json()["trainee_name"]) == (200, "filled", "Léa Roux")
    refused = call("post", fill, coordinator, {"trainee_name": "Jo Lin"})
    assert (refused.status_code, refused.json()["status"]) == (409, "filled")
    cancel = support_url(cpts, f"placements/{placement.pk}/cancel")
    assert call("post", cancel, world.headers("member"), {}).status_code == 404
    assert call("post", cancel, coordinator, {"note": "Le maître de stage déménage"}).json()["status"] == "cancelled"
    again = call("post", cancel, coordinator, {})
    assert (again.status_code, again.json()["status_label"]) == (409, PlacementStatus.CANCELLED.label)


def test_the_supervisor_accepts_an_application_and_the_others_are_declined(cpts):
    world = people(cpts)
    placement = PlacementFactory(cpts=cpts, supervisor__cpts=cpts, supervisor__membership=world.adhesions["supervisor"])
    chosen = PlacementApplicationFactory(placement=placement, first_name="Léa", last_name="Roux")
    other = PlacementApplicationFactory(placement=placement)
    spontaneous = PlacementApplicationFactory(spontaneous=True, cpts=cpts)
    url = support_url(cpts, "applications")
    assert call("get", url, world.headers("supervisor")).json()["count"] == 2
    assert call("get", url, world.headers("coordinator")).json()["count"] == 3
    assert call("get", url, world.headers("coordinator"), spontaneous="true").json()["items"][0]["id"] == spontaneous.pk
    assert call("get", f"{url}/{spontaneous.pk}", world.headers("supervisor")).status_code == 404
    assert call("post", f"{url}/{chosen.pk}/accept", world.headers("member"), {}).status_code == 404
    accepted = call("post", f"{url}/{chosen.pk}/accept", world.headers("supervisor"), {})
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted"), accepted.content
    placement.refresh_from_db()
    other.refresh_from_db()
    assert (placement.status, placement.trainee_name) == (PlacementStatus.FILLED, "Léa Roux")
    assert other.status == ApplicationStatus.DECLINED
    again = call("post", f"{url}/{other.pk}/accept", world.headers("coordinator"), {})
    assert (again.status_code, again.json()["status"]) == (409, "declined")


def test_a_spontaneous_application_is_accepted_on_an_open_placement_it_names(cpts):
    world = people(cpts)
    spontaneous = PlacementApplicationFactory(spontaneous=True, cpts=cpts)
    placement = PlacementFactory(cpts=cpts, supervisor__cpts=cpts)
    url = support_url(cpts, f"applications/{spontaneous.pk}")
    coordinator = world.headers("coordinator")
    assert list(field_errors(call("post", f"{url}/accept", coordinator, {}))) == ["placement"]
    elsewhere = PlacementFactory()
    assert list(field_errors(call("post", f"{url}/accept", coordinator, {"placement": elsewhere.pk}))) == ["placement"]
    response = call("post", f"{url}/accept", coordinator, {"placement": placement.pk})
    assert (response.status_code, response.json()["placement_id"]) == (200, placement.pk)


def test_an_application_is_declined_once(cpts):
    world = people(cpts)
    application = PlacementApplicationFactory(placement__cpts=cpts, placement__supervisor__cpts=cpts)
    url = support_url(cpts, f"applications/{application.pk}/decline")
    response = call("post", url, world.headers("coordinator"), {"note": "Période déjà prise"})
    assert (response.status_code, response.json()["status_label"]) == (200, "Déclinée")
    assert call("post", url, world.headers("coordinator"), {}).status_code == 409
