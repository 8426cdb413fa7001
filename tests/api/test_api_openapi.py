"""The OpenAPI 3 schema and the documentation page are served, without any token."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_lists_the_operations_and_the_bearer_scheme(api_client):
    response = api_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/communes", "/api/v1/cpts/{cpts_id}/territory", "/api/v1/me"} <= set(schema["paths"])
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert "security" not in schema["paths"]["/api/v1/communes"]["get"]
    assert schema["paths"]["/api/v1/me"]["get"]["security"]


def test_the_documentation_page_is_served_from_the_project(api_client):
    response = api_client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"/api/v1/openapi.json" in response.content
    assert b"cdn" not in response.content.lower()
