"""Refused bearer tokens counted per client address (issue 19): past
MAILLON_API_TOKEN_FAILURES_PER_HOUR over the last hour, every bearer request from that address
answers 429 — a valid token's too — with `Retry-After`, until the oldest failure is an hour old."""

import pytest
from django.test import Client

from maillon.api.urls import api
from maillon.core import throttle, token_failures
from maillon.core.models import ApiToken, ThrottleAttempt

pytestmark = pytest.mark.django_db

LIMIT = 3


def bearer(plain, address="192.0.2.10"):
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}", "REMOTE_ADDR": address}


@pytest.fixture
def limit_of_three(settings):
    settings.MAILLON_API_TOKEN_FAILURES_PER_HOUR = LIMIT


@pytest.fixture
def valid(member):
    return ApiToken.issue(member, "Tests")[1]


def fail(client, times, address="192.0.2.10"):
    for _ in range(times):
        assert client.get("/api/v1/me", **bearer("mln_devine", address)).status_code == 401


def test_past_the_limit_a_valid_token_gets_429_in_the_error_shape(api_client, limit_of_three, valid, clock):
    fail(api_client, LIMIT)

    response = api_client.get("/api/v1/me", **bearer(valid))

    assert response.status_code == 429
    assert response.json() == {"detail": "Trop de jetons refusés depuis cette adresse : réessayez dans 60 minutes."}
    assert response["Retry-After"] == "3600"
    assert response["Content-Type"].startswith("application/json")


def test_under_the_limit_tokens_are_judged_as_usual(api_client, limit_of_three, valid):
    fail(api_client, LIMIT - 1)
    assert api_client.get("/api/v1/me", **bearer(valid)).status_code == 200


def test_unknown_expired_revoked_and_fhir_tokens_all_count(api_client, settings, member, valid, clock):
    settings.MAILLON_API_TOKEN_FAILURES_PER_HOUR = 4
    revoked, revoked_plain = ApiToken.issue(member, "Révoqué")
    revoked.revoke()
    expired_plain = ApiToken.issue(member, "Expiré", days=1)[1]
    fhir_plain = ApiToken.issue(member, "FHIR", kind="fhir")[1]
    clock.advance(days=1, seconds=1)
    for plain in ("mln_inconnu", revoked_plain, expired_plain, fhir_plain):
        assert api_client.get("/api/v1/me", **bearer(plain)).status_code == 401
    assert api_client.get("/api/v1/me", **bearer(valid)).status_code == 429


def test_an_empty_bearer_counts_too(api_client, limit_of_three, valid):
    for _ in range(LIMIT):
        assert api_client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer ", REMOTE_ADDR="192.0.2.10").status_code == 401
    assert api_client.get("/api/v1/me", **bearer(valid)).status_code == 429


def test_successful_authentications_do_not_count(api_client, limit_of_three, valid):
    for _ in range(LIMIT * 3):
        assert api_client.get("/api/v1/me", **bearer(valid)).status_code == 200
    fail(api_client, LIMIT - 1)
    assert api_client.get("/api/v1/me", **bearer(valid)).status_code == 200
    assert ThrottleAttempt.objects.filter(scope=token_failures.SCOPE).count() == LIMIT - 1


def test_a_refused_request_is_not_counted_and_the_wait_ends(api_client, limit_of_three, valid, clock):
    fail(api_client, 1)
    clock.advance(minutes=20)
    fail(api_client, LIMIT - 1)
    clock.advance(minutes=10)
    for _ in range(5):
        refused = api_client.get("/api/v1/me", **bearer("mln_encore"))
        assert refused.status_code == 429
    # The oldest failure leaves the hour in 30 minutes; the refusals did not move it.
    assert refused["Retry-After"] == str(30 * 60)
    assert "réessayez dans 30 minutes" in refused.json()["detail"]
    assert ThrottleAttempt.objects.filter(scope=token_failures.SCOPE).count() == LIMIT

    clock.advance(minutes=30, seconds=1)  # the oldest failure is now more than an hour old
    assert api_client.get("/api/v1/me", **bearer(valid)).status_code == 200


def test_each_address_has_its_own_count(api_client, limit_of_three, valid):
    fail(api_client, LIMIT, address="192.0.2.10")
    assert api_client.get("/api/v1/me", **bearer(valid, "192.0.2.10")).status_code == 429
    assert api_client.get("/api/v1/me", **bearer(valid, "198.51.100.7")).status_code == 200


def test_an_ipv6_client_counts_by_its_network(api_client, limit_of_three, valid):
    fail(api_client, LIMIT, address="2001:db8:1:2::10")
    assert api_client.get("/api/v1/me", **bearer(valid, "2001:db8:1:2::ffff")).status_code == 429
    assert api_client.get("/api/v1/me", **bearer(valid, "2001:db8:1:3::10")).status_code == 200


def test_the_address_is_kept_as_a_digest_only(api_client, limit_of_three):
    fail(api_client, 1, address="192.0.2.10")
    (row,) = ThrottleAttempt.objects.filter(scope=token_failures.SCOPE)
    assert row.key_digest == throttle.digest("192.0.2.10")
    assert len(row.key_digest) == 64  # a SHA-256, nothing of the address in clear


def test_every_private_operation_refuses_a_valid_token(api_client, limit_of_three, cpts, coordinator, clock):
    plain = ApiToken.issue(coordinator, "Tests")[1]
    fail(api_client, LIMIT)
    read = api_client.get(f"/api/v1/cpts/{cpts.pk}/members", **bearer(plain))
    write = api_client.put(
        f"/api/v1/cpts/{cpts.pk}/territory", {"communes": []}, content_type="application/json", **bearer(plain)
    )
    assert (read.status_code, write.status_code) == (429, 429)
    assert "Retry-After" in write


def test_requests_without_a_bearer_token_are_not_throttled(api_client, limit_of_three, coordinator, session_client):
    fail(api_client, LIMIT, address="127.0.0.1")
    assert api_client.get("/api/v1/me").status_code == 401
    assert api_client.get("/api/v1/communes?q=versailles").status_code == 200
    assert session_client(coordinator).get("/api/v1/me").status_code == 200


def test_a_public_operation_ignores_the_bearer_token(api_client, limit_of_three):
    fail(api_client, LIMIT)
    assert api_client.get("/api/v1/communes?q=versailles", **bearer("mln_devine")).status_code == 200


def test_the_default_limit_lets_a_test_suite_of_bad_tokens_through(api_client, valid):
    """Many tests send bad tokens on purpose: 60 an hour is far above what one test sends."""
    fail(api_client, 59)
    assert api_client.get("/api/v1/me", **bearer(valid)).status_code == 200
    fail(api_client, 1)
    assert api_client.get("/api/v1/me", **bearer(valid)).status_code == 429


def test_behind_the_proxy_the_forwarded_client_is_counted(api_client, limit_of_three, valid, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxy = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_PROTO": "https"}
    for _ in range(LIMIT):
        response = Client().get(
            "/api/v1/me", HTTP_AUTHORIZATION="Bearer mln_devine", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy
        )
        assert response.status_code == 401
    client = Client(HTTP_AUTHORIZATION=f"Bearer {valid}", **proxy)
    assert client.get("/api/v1/me", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert client.get("/api/v1/me", HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200


def test_every_private_operation_documents_its_429():
    schema = api.get_openapi_schema()
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not operation.get("security"):
                continue
            answer = {str(code): value for code, value in operation["responses"].items()}.get("429")
            shape = (answer or {}).get("content", {}).get("application/json", {}).get("schema", {})
            refs = {option.get("$ref") for option in shape.get("anyOf", [shape])}
            if "#/components/schemas/MessageOut" not in refs:
                missing.append(f"{method.upper()} {path}")
    assert missing == []


def test_the_wait_is_told_in_words():
    assert token_failures.refused_message(1) == (
        "Trop de jetons refusés depuis cette adresse : réessayez dans 1 seconde."
    )
    assert "dans 2 minutes" in token_failures.refused_message(61)
