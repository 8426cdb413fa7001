"""Scoped, expiring API tokens on /api/v1/: every private operation belongs to one area
(core.token_scopes), a token needs `<area>:read` for a GET and `<area>:write` otherwise;
expired, revoked, FHIR client and platform-admin tokens authenticate nothing."""

import datetime
import re

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone
from ninja.errors import HttpError

from maillon.api import auth
from maillon.api.auth import TokenAuth
from maillon.api.urls import api
from maillon.core import token_scopes
from maillon.core.factories import UserFactory
from maillon.core.models import ApiToken, token_digest

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def bearer(plain):
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def private_operations():
    """[(method, path as in the schema, the TokenAuth areas of the operation)] of every private operation."""
    found = []
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                if not operation.auth_callbacks:
                    continue  # public
                areas = [
                    getattr(callback, "area", None)
                    for callback in operation.auth_callbacks
                    if isinstance(callback, TokenAuth)
                ]
                schema_path = re.sub(r"\{\w+:(\w+)\}", r"{\1}", path)
                for method in operation.methods:
                    found.append((method, schema_path, areas))
    return sorted(found)


def scoped_operations():
    """[(method, path, area)] of the private operations of an area."""
    return [
        (method, path, areas[0])
        for method, path, areas in private_operations()
        if areas and areas[0] in token_scopes.AREAS
    ]


# Each area has read and write operations, but the territory, which is only written, and the
# organisations, only read through the API (their managers write on the pages).
AREA_ACCESSES = sorted(
    (area, access)
    for area in token_scopes.AREAS
    for access in ("read", "write")
    if (area, access) not in {("territories", "read"), ("organisations", "write")}
)


def first_operation(area, access):
    """The first operation of `area` that needs `access`: the refusal is the same code for all."""
    return next(
        (method, path)
        for method, path, operation_area in scoped_operations()
        if operation_area == area and (method in WRITE_METHODS) == (access == "write")
    )


def example_url(path):
    return "/api/v1" + re.sub(r"\{[a-z_]+\}", "1", path)


# --- Every operation has its area ----------------------------------------------------------


def test_every_private_operation_is_mounted_with_one_token_area():
    """A router added to the API without its area (urls.py, `area_auth`) fails here."""
    wrong = [
        (method, path, areas)
        for method, path, areas in private_operations()
        if len(areas) != 1 or areas[0] not in (*token_scopes.AREAS, auth.NO_SCOPE)
    ]
    assert wrong == []


def test_only_me_needs_no_scope():
    no_scope = {(method, path) for method, path, areas in private_operations() if areas == [auth.NO_SCOPE]}
    assert no_scope == {("GET", "/me")}


def test_every_area_opens_some_operation():
    assert {area for _, _, area in scoped_operations()} == set(token_scopes.AREAS)


def test_a_token_is_refused_where_no_area_was_declared(member):
    _, plain = ApiToken.issue(member, "Tests")
    request = RequestFactory().get("/api/v1/nouveau", **bearer(plain))
    with pytest.raises(HttpError) as refused:
        TokenAuth()(request)
    assert TokenAuth().area == auth.UNDECLARED
    assert refused.value.status_code == 403


# --- Each scope is required -----------------------------------------------------------------


@pytest.mark.parametrize(("area", "access"), AREA_ACCESSES)
def test_a_token_without_the_operation_s_scope_gets_403_naming_it(api_client, member, area, access):
    method, path = first_operation(area, access)
    needed = f"{area}:{access}"
    # Every other scope; for a read, not the area's write either (write implies read).
    scopes = [
        s
        for s in token_scopes.ALL_SCOPES
        if s != needed and not (needed.endswith(":read") and s.startswith(area + ":"))
    ]
    _, plain = ApiToken.issue(member, "Tests", scopes=scopes)
    response = api_client.generic(method, example_url(path), "{}", content_type="application/json", **bearer(plain))
    assert response.status_code == 403
    assert f"« {needed} »" in response.json()["detail"]
    assert token_scopes.AREAS[area] in response.json()["detail"]


def test_a_read_scope_reads_but_does_not_write(api_client, cpts, coordinator, token_headers):
    headers = token_headers(coordinator, scopes=["members:read"])
    url = f"/api/v1/cpts/{cpts.pk}/members"
    assert api_client.get(url, **headers).status_code == 200
    refused = api_client.post(url, {}, content_type="application/json", **headers)
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Portée manquante : ce jeton n'a pas la portée « members:write » (Membres et structures (écriture)). "
        "Créez un jeton qui l'a sur la page « Mon compte »."
    }


def test_a_write_scope_implies_the_read(api_client, cpts, coordinator, token_headers):
    headers = token_headers(coordinator, scopes=["members:write"])
    assert api_client.get(f"/api/v1/cpts/{cpts.pk}/members", **headers).status_code == 200


def test_a_scope_of_another_area_opens_nothing_here(api_client, cpts, coordinator, token_headers):
    headers = token_headers(coordinator, scopes=["snp:write"])
    response = api_client.get(f"/api/v1/cpts/{cpts.pk}/members", **headers)
    assert response.status_code == 403
    assert "members:read" in response.json()["detail"]


def test_me_needs_no_scope(api_client, member, token_headers):
    assert api_client.get("/api/v1/me", **token_headers(member, scopes=[])).status_code == 200


def test_a_browser_session_is_not_scoped(cpts, coordinator, session_client):
    assert session_client(coordinator).get(f"/api/v1/cpts/{cpts.pk}/members").status_code == 200


def test_a_scope_narrows_the_token_but_the_user_s_rights_still_decide(api_client, cpts, member, token_headers):
    """`territories:write` on a member's token writes no territory: the member may not."""
    headers = token_headers(member, scopes=["territories:write"])
    response = api_client.put(
        f"/api/v1/cpts/{cpts.pk}/territory", {"communes": []}, content_type="application/json", **headers
    )
    assert response.status_code in (403, 404)


def test_an_unknown_scope_is_refused_when_issuing(member):
    with pytest.raises(ValueError, match="Portée inconnue"):
        ApiToken.issue(member, "Tests", scopes=["members:admin"])


# --- Expiry ---------------------------------------------------------------------------------


def test_a_token_expires_after_the_default_days(member):
    before = timezone.now()
    token, _ = ApiToken.issue(member, "Tests")
    assert before + datetime.timedelta(days=90) <= token.expires_at <= timezone.now() + datetime.timedelta(days=90)


@override_settings(MAILLON_API_TOKEN_DAYS=7)
def test_the_default_life_is_a_setting(member):
    token, _ = ApiToken.issue(member, "Tests")
    assert token.expires_at - token.created_at < datetime.timedelta(days=7, minutes=1)


def test_an_expired_token_authenticates_nothing(api_client, member):
    token, plain = ApiToken.issue(member, "Tests")
    assert api_client.get("/api/v1/me", **bearer(plain)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = api_client.get("/api/v1/me", **bearer(plain))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


# --- Platform admins ------------------------------------------------------------------------


def superuser_token():
    admin = UserFactory(is_superuser=True, is_staff=True)
    plain = ApiToken.PREFIX + "superuser_of_old"
    ApiToken.objects.create(user=admin, name="Ancien", digest=token_digest(plain), hint=plain[:12])
    return plain


def test_a_superuser_token_authenticates_nothing(api_client, db):
    plain = superuser_token()
    assert api_client.get("/api/v1/me", **bearer(plain)).status_code == 401
    assert api_client.get("/api/v1/cpts/1/members", **bearer(plain)).status_code == 401


def test_a_superuser_token_works_when_the_setting_allows_it(api_client, db):
    plain = superuser_token()
    with override_settings(MAILLON_API_SUPERUSER_TOKENS=True):
        assert api_client.get("/api/v1/me", **bearer(plain)).status_code == 200


# --- Last use -------------------------------------------------------------------------------


def test_the_last_use_is_recorded_at_most_once_a_minute(api_client, member):
    token, plain = ApiToken.issue(member, "Tests")
    api_client.get("/api/v1/me", **bearer(plain))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    api_client.get("/api/v1/me", **bearer(plain))
    token.refresh_from_db()
    assert token.last_used_at == first

    a_while_ago = timezone.now() - datetime.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=a_while_ago)
    api_client.get("/api/v1/me", **bearer(plain))
    token.refresh_from_db()
    assert token.last_used_at > a_while_ago + datetime.timedelta(minutes=1)


# --- GET /me (Pinned) -----------------------------------------------------------------------


def test_me_gives_the_token_s_expiry_and_scopes(api_client, member):
    token, plain = ApiToken.issue(member, "Tests", scopes=["snp:write", "members:read"])
    body = api_client.get("/api/v1/me", **bearer(plain)).json()
    assert body["token"] == {
        "expires_at": body["token"]["expires_at"],
        "scopes": ["members:read", "snp:read", "snp:write"],
    }
    assert datetime.datetime.fromisoformat(body["token"]["expires_at"]) == token.expires_at.replace(
        microsecond=token.expires_at.microsecond // 1000 * 1000
    )


def test_me_gives_no_token_for_a_browser_session(member, session_client):
    assert session_client(member).get("/api/v1/me").json()["token"] is None


def test_the_schema_documents_the_token_of_me():
    schema = api.get_openapi_schema(path_prefix="")
    me = schema["paths"]["/me"]["get"]["responses"][200]["content"]["application/json"]["schema"]["$ref"]
    account = schema["components"]["schemas"][me.rsplit("/", 1)[1]]
    assert "token" in account["required"]
    token = schema["components"]["schemas"]["MeTokenOut"]
    assert set(token["properties"]) == {"expires_at", "scopes"}
    assert token["properties"]["expires_at"]["format"] == "date-time"
