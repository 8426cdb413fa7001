"""One 422 shape (issue 19): every `detail` of a 422 is the list of `{"loc": [...], "msg": "…"}`,
in the OpenAPI schema as in the answers; a body too large for Django is a 413, not a 500."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

VALIDATION_ERROR = "#/components/schemas/ValidationErrorOut"


def snp_request(**changes):
    return {
        "first_name": "Jeanne",
        "last_name": "Martin",
        "birth_date": "1980-05-01",
        "phone": "0601020304",
        "commune": "78646",
        "reason": "Fièvre depuis trois jours",
        **changes,
    }


def assert_one_shape(response):
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    for item in detail:
        assert set(item) == {"loc", "msg"}
        assert isinstance(item["loc"], list) and isinstance(item["msg"], str)
    return detail


def test_an_snp_request_in_an_unknown_commune_answers_the_list_naming_commune(session_client, cpts, coordinator):
    response = session_client(coordinator).post(
        f"/api/v1/cpts/{cpts.pk}/snp/requests", snp_request(commune="99999"), content_type="application/json"
    )

    detail = assert_one_shape(response)
    assert detail == [{"loc": ["body", "payload", "commune"], "msg": detail[0]["msg"]}]
    assert "99999" in detail[0]["msg"]


def test_every_422_of_the_schema_is_the_one_validation_error_component(api_client):
    schema = api_client.get("/api/v1/openapi.json").json()
    others = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answer = operation.get("responses", {}).get("422")
            if answer is None:
                continue
            refs = {media["schema"].get("$ref") for media in answer.get("content", {}).values()}
            if refs != {VALIDATION_ERROR}:
                others.append(f"{method.upper()} {path}: {refs}")
    assert others == []
    component = schema["components"]["schemas"]["ValidationErrorOut"]
    assert component["properties"]["detail"]["type"] == "array"


def test_a_body_over_djangos_limit_answers_413_in_french(settings, cpts):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client(raise_request_exception=False)

    response = client.post(
        "/api/v1/territories/simulate", {"communes": ["78646"] * 400}, content_type="application/json"
    )

    assert response.status_code == 413
    assert "trop volumineu" in response.json()["detail"]


def test_the_api_answers_djangos_refusal_to_read_a_large_body_with_a_413(rf, settings):
    """The body grew past the limit while read (no Content-Length announced it): Django raises
    RequestDataTooBig inside the operation, the API's handler answers, not a 500."""
    from django.core.exceptions import RequestDataTooBig

    from maillon.api.urls import api

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

    response = api.on_exception(rf.post("/api/v1/territories/simulate"), RequestDataTooBig("too big"))

    assert response.status_code == 413
    assert json.loads(response.content) == {"detail": "Corps de la requête trop volumineux : 2,6 Mo au plus."}
