"""The plan through the API: the coordinator drafts and submits, the authority of the
territory decides, readers read; the diff; 403 for a reader who writes, 409 when frozen."""

import pytest

from maillon.core.models import ApiToken
from maillon.crisis.factories import complete_content
from maillon.crisis.models import PlanStatus, PlanVersion
from maillon.members.factories import MembershipFactory

from .conftest import complete_draft

pytestmark = pytest.mark.django_db


def call(client, user, method, path, body=None):
    _, plain = ApiToken.issue(user, "test")
    return client.generic(
        method,
        "/api/v1" + path,
        "" if body is None else __import__("json").dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )


def base(cpts):
    return f"/cpts/{cpts.pk}/crisis/plan"


def test_the_coordinator_drafts_fills_and_submits(client, cpts, coordinator):
    nurse = MembershipFactory(cpts=cpts).professional

    created = call(client, coordinator, "POST", f"{base(cpts)}/versions", {"year": 2026})
    for key, values in complete_content().items():
        call(client, coordinator, "PUT", f"{base(cpts)}/versions/2026/sections/{key}", {"fields": values})
    added = call(
        client,
        coordinator,
        "POST",
        f"{base(cpts)}/versions/2026/professionals",
        {"professional_id": nurse.pk, "role": "Vaccinateur", "typologies": [3]},
    )
    submitted = call(client, coordinator, "POST", f"{base(cpts)}/versions/2026/submit")

    assert created.status_code == 201 and len(created.json()["missing"]) > 20
    assert added.status_code == 201 and added.json()["typologies"] == [3]
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted" and submitted.json()["missing"] == []
    frozen = call(client, coordinator, "PUT", f"{base(cpts)}/versions/2026/sections/general", {"fields": {}})
    assert frozen.status_code == 409 and "figée" in frozen.json()["detail"]


def test_an_incomplete_draft_is_refused_with_what_is_missing(client, cpts, coordinator):
    call(client, coordinator, "POST", f"{base(cpts)}/versions", {"year": 2026})

    response = call(client, coordinator, "POST", f"{base(cpts)}/versions/2026/submit")

    assert response.status_code == 409
    assert "Référent SSE" in response.json()["detail"]


def test_only_the_authority_decides(client, cpts, coordinator, authority, member):
    version = complete_draft(cpts, coordinator, year=2026)
    version.submit(by=coordinator)
    url = f"{base(cpts)}/versions/2026/decision"

    assert call(client, coordinator, "POST", url, {"validate_plan": True}).status_code == 403
    assert call(client, member, "POST", url, {"validate_plan": True}).status_code == 403
    back = call(client, authority, "POST", url, {"validate_plan": False, "comment": ""})
    validated = call(client, authority, "POST", url, {"validate_plan": True, "comment": "Conforme."})

    assert back.status_code == 409 and "Remarques" in back.json()["detail"]
    assert validated.status_code == 200 and validated.json()["status"] == "validated"
    assert PlanVersion.objects.get(pk=version.pk).status == PlanStatus.VALIDATED
    overview = call(client, member, "GET", base(cpts)).json()
    assert overview["current_year"] == 2026


def test_a_member_reads_but_does_not_write(client, cpts, coordinator, member):
    complete_draft(cpts, coordinator, year=2026)

    read = call(client, member, "GET", f"{base(cpts)}/versions/2026")
    write = call(client, member, "POST", f"{base(cpts)}/versions", {})

    assert read.status_code == 200 and read.json()["professionals"][0]["role"] == "Vaccinateur"
    assert write.status_code == 403


def test_an_authority_elsewhere_gets_404(client, cpts, coordinator, foreign_authority):
    complete_draft(cpts, coordinator, year=2026)

    assert call(client, foreign_authority, "GET", f"{base(cpts)}/versions/2026").status_code == 404
    assert (
        call(
            client, foreign_authority, "POST", f"{base(cpts)}/versions/2026/decision", {"validate_plan": True}
        ).status_code
        == 404
    )


def test_the_diff_lists_changed_sections(client, cpts, coordinator, authority):
    first = complete_draft(cpts, coordinator, year=2025)
    first.submit(by=coordinator)
    first.validate(by=authority)
    call(client, coordinator, "POST", f"{base(cpts)}/versions", {})
    values = dict(first.content["training"], exercises="Exercice sur table en mars")
    call(client, coordinator, "PUT", f"{base(cpts)}/versions/2026/sections/training", {"fields": values})

    body = call(client, coordinator, "GET", f"{base(cpts)}/versions/2026/diff").json()

    assert body["since_year"] == 2025
    assert [section["key"] for section in body["sections"] if section["changed"]] == ["training"]
    assert "+ Exercices prévus : Exercice sur table en mars" in body["text"]


def test_removing_a_professional_from_the_draft(client, cpts, coordinator):
    version = complete_draft(cpts, coordinator, year=2026)
    row = version.professionals.get()

    response = call(client, coordinator, "DELETE", f"{base(cpts)}/versions/2026/professionals/{row.pk}")

    assert response.status_code == 204
    assert not version.professionals.exists()
