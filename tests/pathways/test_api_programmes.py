"""The API of the programmes (maillon/api/pathways.py): the library, a CPTS's programmes and
their versions, the programmes other CPTS share and their copy."""

import pytest

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.pathways import services
from maillon.pathways.factories import ProgrammeFactory
from maillon.pathways.models import Programme
from maillon.pathways.templates import TEMPLATES

pytestmark = pytest.mark.django_db


def get(client, url, headers, **params):
    return client.get(f"/api/v1{url}", params, **headers)


def post(client, url, headers, body):
    return client.post(f"/api/v1{url}", body, content_type="application/json", **headers)


# --- The library ---------------------------------------------------------------------------


def test_any_authenticated_user_reads_the_library_of_templates(api_client, token_headers):
    response = get(api_client, "/pathway-templates", token_headers(UserFactory()))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(TEMPLATES) == len(body["items"])
    pregnancy = next(item for item in body["items"] if item["key"] == "pregnancy")
    assert pregnancy["perinatal"] is True
    assert pregnancy["steps"][0]["profession"]["code"] == "50"
    assert pregnancy["steps"][0]["anchor"]["code"] == "inclusion"
    assert pregnancy["grids"][0]["name"] == "Vulnérabilités"


def test_the_library_is_private(api_client):
    assert api_client.get("/api/v1/pathway-templates").status_code == 401


# --- A CPTS's programmes -------------------------------------------------------------------


def test_a_member_lists_the_current_versions_and_all_of_them_on_demand(api_client, cpts, member, token_headers):
    first = services.create_from_template(cpts, "diabetes")
    second = services.new_version(first, name="Diabète (2027)")
    ProgrammeFactory(cpts=cpts, name="Autre")
    headers = token_headers(member)
    body = get(api_client, f"/cpts/{cpts.pk}/programmes", headers).json()
    assert body["count"] == 2
    assert [(item["name"], item["version"]) for item in body["items"]] == [("Autre", 1), ("Diabète (2027)", 2)]
    every = get(api_client, f"/cpts/{cpts.pk}/programmes", headers, all_versions="true").json()
    assert {item["id"] for item in every["items"]} >= {first.pk, second.pk}
    assert every["count"] == 3


def test_the_detail_gives_steps_grids_version_and_lineage(api_client, cpts, member, token_headers):
    first = services.create_from_template(cpts, "elderly_home")
    second = services.new_version(first)
    body = get(api_client, f"/cpts/{cpts.pk}/programmes/{first.pk}", token_headers(member)).json()
    assert body["lineage"] == str(first.lineage)
    assert (body["version"], body["is_current"]) == (1, False)
    assert [step["position"] for step in body["steps"]] == [1, 2, 3, 4, 5]
    assert body["steps"][0]["title"] == "Évaluation gériatrique à domicile"
    assert body["assessment_grids"][0]["name"].startswith("Autonomie")
    assert body["versions"] == [
        {"id": first.pk, "version": 1, "is_current": False},
        {"id": second.pk, "version": 2, "is_current": True},
    ]


def test_a_programme_of_another_cpts_answers_404_like_a_missing_one(
    api_client, cpts, other_cpts, member, token_headers
):
    theirs = ProgrammeFactory(cpts=other_cpts)
    headers = token_headers(member)
    response = get(api_client, f"/cpts/{cpts.pk}/programmes/{theirs.pk}", headers)
    missing = get(api_client, f"/cpts/{cpts.pk}/programmes/{theirs.pk + 1000}", headers)
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json() == {"detail": "Programme introuvable."}


def test_without_a_role_in_the_cpts_its_programmes_answer_404(api_client, cpts, other_cpts, token_headers):
    admin = UserFactory(admin=True)
    for user in (admin, CptsRoleFactory(cpts=other_cpts, coordinator=True).user):
        response = get(api_client, f"/cpts/{cpts.pk}/programmes", token_headers(user))
        assert response.status_code == 404
        assert response.json() == {"detail": "CPTS introuvable."}


def test_the_coordinator_creates_a_programme_from_a_template(api_client, cpts, coordinator, token_headers):
    response = post(
        api_client, f"/cpts/{cpts.pk}/programmes", token_headers(coordinator), {"template": "heart_failure"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["template"], body["version"], body["is_current"]) == ("heart_failure", 1, True)
    assert len(body["steps"]) == 4
    assert Programme.objects.for_cpts(cpts).get().pk == body["id"]


def test_a_member_may_not_create_a_programme(api_client, cpts, member, token_headers):
    response = post(api_client, f"/cpts/{cpts.pk}/programmes", token_headers(member), {"template": "diabetes"})
    assert response.status_code == 403
    assert not Programme.objects.exists()


def test_an_unknown_template_is_a_422_naming_the_field(api_client, cpts, coordinator, token_headers):
    response = post(api_client, f"/cpts/{cpts.pk}/programmes", token_headers(coordinator), {"template": "nope"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "template"]
    assert response.json()["detail"][0]["msg"].startswith("Modèle : ")


def test_one_source_exactly(api_client, cpts, coordinator, token_headers):
    headers = token_headers(coordinator)
    for body in ({}, {"template": "diabetes", "copy_of": 1}):
        response = post(api_client, f"/cpts/{cpts.pk}/programmes", headers, body)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "payload", "template"]


# --- Shared programmes ---------------------------------------------------------------------


def test_the_programmes_other_cpts_share_are_listed_and_copied(
    api_client, cpts, other_cpts, coordinator, token_headers
):
    shared = services.create_from_template(other_cpts, "pregnancy")
    shared.shared = True
    shared.save()
    services.create_from_template(other_cpts, "diabetes")  # not shared
    headers = token_headers(coordinator)
    body = get(api_client, "/shared-programmes", headers).json()
    assert body["count"] == 1
    assert body["items"][0]["id"] == shared.pk
    assert body["items"][0]["cpts"]["id"] == other_cpts.pk
    response = post(api_client, f"/cpts/{cpts.pk}/programmes", headers, {"copy_of": shared.pk})
    assert response.status_code == 201, response.content
    copy = Programme.objects.for_cpts(cpts).get()
    assert (copy.name, copy.perinatal, copy.shared) == (shared.name, True, False)
    assert copy.steps.count() == shared.steps.count()


def test_a_programme_that_is_not_shared_is_not_copied(api_client, cpts, other_cpts, coordinator, token_headers):
    private = services.create_from_template(other_cpts, "diabetes")
    own = services.create_from_template(cpts, "diabetes")
    own.shared = True
    own.save()
    headers = token_headers(coordinator)
    for source in (private, own):
        response = post(api_client, f"/cpts/{cpts.pk}/programmes", headers, {"copy_of": source.pk})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "payload", "copy_of"]
    assert Programme.objects.for_cpts(cpts).count() == 1


def test_without_any_role_in_a_cpts_the_shared_programmes_answer_404(api_client, token_headers):
    response = get(api_client, "/shared-programmes", token_headers(UserFactory(admin=True)))
    assert response.status_code == 404
