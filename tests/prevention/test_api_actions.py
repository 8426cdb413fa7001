"""The API of the prevention actions (maillon/api/prevention.py): read by the CPTS's roles and
the authority of its territory, written by the coordinators; the rules of the domain answer
422 naming the field, the workflow 409 with the state."""

import pytest

from maillon.members.factories import MembershipFactory
from maillon.prevention.factories import PreventionActionFactory
from maillon.prevention.models import ActionStatus, PreventionAction
from maillon.territories.factories import CommuneFactory

from .api_helpers import call, callers, field_errors

pytestmark = pytest.mark.django_db

READERS = ("coordinator", "member", "in_charge", "authority")
NEW_ACTION = {
    "title": "Dépistage du cancer colorectal",
    "theme": "colorectal_screening",
    "age_min": 50,
    "age_max": 74,
    "communes": ["78646"],
    "partners": "CRCDC, pharmacies",
    "starts_on": "2026-03-01",
    "ends_on": "2026-03-31",
    "budget": "2500.00",
    "perinatal": False,
    "health_project_action": "Axe 2 — dépistages",
}


def url(cpts, tail=""):
    return f"/cpts/{cpts.pk}/prevention/actions{tail}"


def test_the_roles_of_the_cpts_and_its_authority_list_the_actions(cpts):
    world = callers(cpts)
    action = PreventionActionFactory(cpts=cpts, owner=world.owner)
    for role in READERS:
        response = call("get", url(cpts), world.headers(role))
        assert response.status_code == 200, role
        body = response.json()
        assert body["count"] == 1
        item = body["items"][0]
        assert (item["id"], item["theme"], item["status"]) == (action.pk, "colorectal_screening", "planned")
        assert item["owner"]["id"] == world.owner.pk
        assert item["budget"] == "3000.00"


def test_without_a_role_the_actions_answer_404_like_a_missing_cpts(cpts):
    world = callers(cpts)
    for role in ("outsider", "admin"):
        response = call("get", url(cpts), world.headers(role))
        missing = call("get", f"/cpts/{cpts.pk + 1000}/prevention/actions", world.headers(role))
        assert response.status_code == missing.status_code == 404
        assert response.json() == missing.json() == {"detail": "CPTS introuvable."}
    assert call("get", url(cpts)).status_code == 401


def test_the_list_filters_on_theme_status_and_perinatal_tag(cpts):
    world = callers(cpts)
    colorectal = PreventionActionFactory(cpts=cpts)
    perinatal = PreventionActionFactory(cpts=cpts, theme="vaccination", perinatal=True)
    done = PreventionActionFactory(cpts=cpts, theme="vaccination")
    done.complete(by=None)
    headers = world.headers("member")

    def ids(**params):
        return {item["id"] for item in call("get", url(cpts), headers, **params).json()["items"]}

    assert ids(theme="colorectal_screening") == {colorectal.pk}
    assert ids(status="completed") == {done.pk}
    assert ids(perinatal="true") == {perinatal.pk}
    assert ids(theme="vaccination", status="planned") == {perinatal.pk}
    assert call("get", url(cpts), headers, theme="nope").status_code == 422


def test_an_action_of_another_cpts_answers_404_like_a_missing_one(cpts, other_cpts):
    world = callers(cpts)
    theirs = PreventionActionFactory(cpts=other_cpts)
    headers = world.headers("coordinator")
    response = call("get", url(cpts, f"/{theirs.pk}"), headers)
    missing = call("get", url(cpts, f"/{theirs.pk + 1000}"), headers)
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json() == {"detail": "Action de prévention introuvable."}


def test_the_coordinator_creates_an_action_with_its_communes_and_owner(cpts):
    world = callers(cpts)
    response = call("post", url(cpts), world.headers("coordinator"), {**NEW_ACTION, "owner": world.owner.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["communes"] == [{"code": "78646", "name": "Versailles"}]
    assert body["owner"]["id"] == world.owner.pk
    assert (body["age_band_label"], body["budget"], body["status"]) == ("50 à 74 ans", "2500.00", "planned")
    action = PreventionAction.objects.for_cpts(cpts).get()
    assert action.pk == body["id"]
    assert list(action.communes.values_list("code", flat=True)) == ["78646"]


def test_only_the_coordinators_create_an_action(cpts):
    world = callers(cpts)
    for role in ("member", "in_charge", "authority"):
        response = call("post", url(cpts), world.headers(role), NEW_ACTION)
        assert response.status_code == 403, role
        assert response.json()["detail"].startswith("Prévention : seuls les coordinateurs")
    assert call("post", url(cpts), world.headers("outsider"), NEW_ACTION).status_code == 404
    assert call("post", url(cpts), {}, NEW_ACTION).status_code == 401
    assert not PreventionAction.objects.exists()


def test_a_commune_outside_the_territory_is_a_422_naming_the_field(cpts, other_cpts):
    world = callers(cpts)
    response = call("post", url(cpts), world.headers("coordinator"), {**NEW_ACTION, "communes": ["78646", "78498"]})
    assert response.status_code == 422
    assert field_errors(response)["communes"][0].startswith("Communes visées : 78498")
    CommuneFactory(code="78001", name="Hors territoire")
    response = call("post", url(cpts), world.headers("coordinator"), {**NEW_ACTION, "communes": ["78001"]})
    assert "communes" in field_errors(response)
    assert not PreventionAction.objects.exists()


def test_an_owner_outside_the_cpts_is_a_422_naming_the_field(cpts, other_cpts):
    world = callers(cpts)
    theirs = MembershipFactory(cpts=other_cpts)
    response = call("post", url(cpts), world.headers("coordinator"), {**NEW_ACTION, "owner": theirs.pk})
    assert response.status_code == 422
    assert field_errors(response)["owner"][0].startswith("Responsable : ")


def test_the_rules_of_the_domain_answer_422_naming_the_field_in_french(cpts):
    world = callers(cpts)
    headers = world.headers("coordinator")
    response = call("post", url(cpts), headers, {**NEW_ACTION, "ends_on": "2026-02-01"})
    assert response.status_code == 422
    assert field_errors(response) == {"ends_on": ["Fin : la date de fin doit suivre la date de début."]}
    response = call("post", url(cpts), headers, {**NEW_ACTION, "age_min": 75, "age_max": 50})
    assert field_errors(response)["age_max"][0].startswith("Âge maximal : ")
    response = call("post", url(cpts), headers, {key: value for key, value in NEW_ACTION.items() if key != "title"})
    assert response.status_code == 422
    assert response.json()["detail"][0] == {"loc": ["body", "payload", "title"], "msg": "Champ obligatoire."}
    response = call("post", url(cpts), headers, {**NEW_ACTION, "budget": "-1"})
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "budget"]


def test_the_coordinator_changes_only_the_fields_sent(cpts):
    world = callers(cpts)
    action = PreventionActionFactory(cpts=cpts, owner=world.owner, partners="CRCDC")
    headers = world.headers("coordinator")
    response = call("patch", url(cpts, f"/{action.pk}"), headers, {"title": "Mars bleu", "ends_on": None})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["ends_on"], body["partners"]) == ("Mars bleu", None, "CRCDC")
    assert body["owner"]["id"] == world.owner.pk
    response = call("patch", url(cpts, f"/{action.pk}"), headers, {"communes": ["78646"], "owner": None})
    assert response.json()["communes"][0]["code"] == "78646"
    assert response.json()["owner"] is None


def test_a_required_field_cannot_be_emptied(cpts):
    world = callers(cpts)
    action = PreventionActionFactory(cpts=cpts)
    response = call("patch", url(cpts, f"/{action.pk}"), world.headers("coordinator"), {"title": None})
    assert response.status_code == 422
    assert field_errors(response) == {"title": ["Intitulé : ce champ est obligatoire."]}


def test_only_the_coordinators_change_an_action(cpts):
    world = callers(cpts)
    action = PreventionActionFactory(cpts=cpts, owner=world.owner)
    for role in ("member", "in_charge", "authority"):
        assert call("patch", url(cpts, f"/{action.pk}"), world.headers(role), {"title": "X"}).status_code == 403
    assert call("patch", url(cpts, f"/{action.pk}"), world.headers("outsider"), {"title": "X"}).status_code == 404
    action.refresh_from_db()
    assert action.title != "X"


def test_completing_then_cancelling_an_action_is_a_409_with_its_state(cpts):
    world = callers(cpts)
    action = PreventionActionFactory(cpts=cpts)
    headers = world.headers("coordinator")
    response = call("post", url(cpts, f"/{action.pk}/complete"), headers, {"note": "Bilan fait"})
    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    response = call("post", url(cpts, f"/{action.pk}/cancel"), headers)
    assert response.status_code == 409
    assert (response.json()["status"], response.json()["status_label"]) == ("completed", "Terminée")
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETED


def test_the_coordinator_cancels_a_planned_action_and_others_may_not(cpts):
    world = callers(cpts)
    action = PreventionActionFactory(cpts=cpts, owner=world.owner)
    for role in ("member", "in_charge", "authority"):
        assert call("post", url(cpts, f"/{action.pk}/cancel"), world.headers(role)).status_code == 403
    response = call("post", url(cpts, f"/{action.pk}/cancel"), world.headers("coordinator"))
    assert response.json()["status"] == "cancelled"
    assert call("post", url(cpts, f"/{action.pk}/complete"), world.headers("coordinator")).status_code == 409
