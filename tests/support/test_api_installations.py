"""The API of the installation projects (maillon/api/support.py): the coordinators follow each
professional who wants to settle, step by step (premises, administrative steps, patient base,
colleagues met), until they settle or give up; a member reads only the project opened for their
own adhesion; nobody else sees any."""

import datetime

import pytest
from django.utils import timezone

from maillon.support.factories import InstallationProjectFactory
from maillon.support.models import InstallationProject

from .api_helpers import call, field_errors, people, support_url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_the_coordinator_starts_a_project_with_its_four_steps(cpts):
    world = people(cpts)
    url = support_url(cpts, "installations")
    body = {
        "first_name": "Camille",
        "last_name": "Durand",
        "profession": "10",
        "email": "camille.durand@example.org",
        "commune": "78646",
        "wished_on": (TODAY + datetime.timedelta(days=120)).isoformat(),
    }
    assert call("post", url, world.headers("member"), body).status_code == 403
    coordinator = world.headers("coordinator")
    assert list(field_errors(call("post", url, coordinator, {**body, "commune": "99999"}))) == ["commune"]
    assert list(field_errors(call("post", url, coordinator, {**body, "email": "pas-un-courriel"}))) == ["email"]
    assert list(field_errors(call("post", url, coordinator, {**body, "referent": world.users["outsider"].pk}))) == [
        "referent"
    ]
    assert not InstallationProject.objects.exists()
    response = call("post", url, coordinator, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert [step["kind"] for step in created["steps"]] == ["premises", "administrative", "patient_base", "colleagues"]
    assert (created["progress"], created["referent"]["id"], created["can_follow"]) == (
        {"done": 0, "total": 4},
        world.users["coordinator"].pk,
        True,
    )
    assert created["profession_label"] == "Médecin"
    assert call("get", url, world.headers("coordinator")).json()["count"] == 1
    assert call("get", url, world.headers("member")).json()["count"] == 0
    for role in ("member", "authority", "outsider", "admin"):
        assert call("get", f"{url}/{created['id']}", world.headers(role)).status_code == 404, role


def test_a_member_reads_the_project_opened_for_their_adhesion_only(cpts):
    world = people(cpts)
    mine = InstallationProjectFactory(
        cpts=cpts, membership=world.adhesions["member"], notes="Hésite entre deux locaux ; relancer la mairie."
    )
    InstallationProjectFactory(cpts=cpts)
    url = support_url(cpts, "installations")
    listed = call("get", url, world.headers("member")).json()
    assert [item["id"] for item in listed["items"]] == [mine.pk]
    detail = call("get", f"{url}/{mine.pk}", world.headers("member")).json()
    assert detail["can_follow"] is False
    # The coordination's follow-up notes are not the professional's to read.
    assert (listed["items"][0]["notes"], detail["notes"]) == ("", "")
    assert call("get", f"{url}/{mine.pk}", world.headers("coordinator")).json()["notes"].startswith("Hésite")
    step = call("put", f"{url}/{mine.pk}/steps/premises", world.headers("member"), {"done_on": TODAY.isoformat()})
    assert step.status_code == 403


def test_the_steps_are_recorded_then_the_professional_settles(cpts):
    world = people(cpts)
    project = InstallationProjectFactory(cpts=cpts)
    url = support_url(cpts, f"installations/{project.pk}")
    coordinator = world.headers("coordinator")
    future = (TODAY + datetime.timedelta(days=3)).isoformat()
    assert list(field_errors(call("put", f"{url}/steps/premises", coordinator, {"done_on": future}))) == ["done_on"]
    assert call("put", f"{url}/steps/garden", coordinator, {}).status_code == 422
    recorded = call(
        "put", f"{url}/steps/premises", coordinator, {"done_on": TODAY.isoformat(), "note": "Bail signé"}
    ).json()
    premises = next(step for step in recorded["steps"] if step["kind"] == "premises")
    assert (premises["done_on"], premises["note"], recorded["progress"]["done"]) == (TODAY.isoformat(), "Bail signé", 1)
    changed = call("patch", url, coordinator, {"notes": "Cherche un local près de la gare", "wished_on": None})
    assert (changed.status_code, changed.json()["wished_on"]) == (200, None)
    assert list(field_errors(call("patch", url, coordinator, {"first_name": None}))) == ["first_name"]
    assert list(field_errors(call("post", f"{url}/settle", coordinator, {"on": future}))) == ["on"]
    settled = call("post", f"{url}/settle", coordinator, {})
    assert (settled.status_code, settled.json()["status"], settled.json()["settled_on"]) == (
        200,
        "settled",
        TODAY.isoformat(),
    )
    for method, tail, body in (
        ("post", "/settle", {}),
        ("post", "/abandon", {"note": "Parti ailleurs"}),
        ("put", "/steps/colleagues", {}),
        ("patch", "", {"notes": "…"}),
    ):
        refused = call(method, f"{url}{tail}", coordinator, body)
        assert (refused.status_code, refused.json()["status"]) == (409, "settled"), tail


def test_a_project_is_abandoned_with_its_reason(cpts):
    world = people(cpts)
    project = InstallationProjectFactory(cpts=cpts)
    url = support_url(cpts, f"installations/{project.pk}/abandon")
    assert list(field_errors(call("post", url, world.headers("coordinator"), {"note": ""}))) == ["note"]
    response = call("post", url, world.headers("coordinator"), {"note": "Installé dans un autre département"})
    assert (response.status_code, response.json()["status_label"]) == (200, "Abandonné")
