"""Only an active SAS client, with an active token of its account, may search: else 401."""

import pytest
from django.test import Client
from fhir.resources.R4B.operationoutcome import OperationOutcome

from maillon.core.factories import UserFactory
from maillon.core.models import ApiToken, JournalEntry

from .conftest import query

pytestmark = pytest.mark.django_db


def assert_refused(response, *, token_given):
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer ")
    assert ('error="invalid_token"' in response["WWW-Authenticate"]) == token_given
    (issue,) = OperationOutcome.model_validate(response.json()).issue
    assert issue.code == "login" and "Bearer" in issue.diagnostics


def get(token=None, scheme="Bearer"):
    headers = {"HTTP_AUTHORIZATION": f"{scheme} {token}"} if token else {}
    return Client().get(f"/fhir/Slot?{query('10000000009')}", **headers)


def test_no_token_is_refused():
    assert_refused(get(), token_given=False)


def test_a_wrong_token_is_refused(sas_token):
    assert_refused(get(sas_token + "x"), token_given=True)


def test_another_scheme_is_refused(sas_token):
    assert_refused(get(sas_token, scheme="Token"), token_given=False)


def test_the_token_of_a_user_who_is_not_a_sas_client_is_refused():
    user = UserFactory(with_totp=True, admin=True)
    assert_refused(get(ApiToken.issue(user, "perso")[1]), token_given=True)


def test_an_inactive_sas_client_is_refused(sas_client, sas_token):
    sas_client.is_active = False
    sas_client.save()
    assert_refused(get(sas_token), token_given=True)


def test_a_revoked_token_is_refused(sas_client, sas_token):
    sas_client.user.api_tokens.get().revoke()
    assert_refused(get(sas_token), token_given=True)


def test_a_deactivated_account_is_refused(sas_client, sas_token):
    sas_client.user.is_active = False
    sas_client.user.save()
    assert_refused(get(sas_token), token_given=True)


def test_the_web_session_of_a_sas_client_account_is_not_enough(sas_client):
    client = Client()
    client.force_login(sas_client.user)
    assert client.get(f"/fhir/Slot?{query('10000000009')}").status_code == 401


def test_the_clients_token_is_accepted_with_any_case_of_scheme(sas_token):
    assert get(sas_token, scheme="bearer").status_code == 200


def test_refused_calls_name_nobody_in_the_journal(sas_client):
    before = JournalEntry.objects.filter(object_type="snp.SasClient", action="read").count()
    get("mln_nope")
    assert JournalEntry.objects.filter(object_type="snp.SasClient", action="read").count() == before
