"""The account page, and personal API tokens: plain value shown once, digest stored, owner-only revocation."""

import hashlib
import re

import pytest
from django.urls import reverse

from maillon.core.factories import ApiTokenFactory, CptsRoleFactory, UserFactory
from maillon.core.models import ApiToken, JournalEntry
from maillon.territories.factories import TerritoryRoleFactory
from tests.accounts.helpers import shows
from tests.conftest import verified_client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]


@pytest.fixture
def user():
    return UserFactory(with_totp=True, first_name="Aïcha", last_name="Benali", rpps="10001234567")


def plain_tokens_in(response):
    return re.findall(r"mln_[A-Za-z0-9_-]{20,}", response.content.decode())


def test_the_account_page_shows_identity_and_roles(user, cpts):
    CptsRoleFactory(user=user, cpts=cpts, coordinator=True)
    TerritoryRoleFactory(user=user, organisation="ARS Île-de-France")
    page = verified_client(user).get(reverse("account"))
    assert shows(page, "Aïcha Benali") and shows(page, "10001234567") and shows(page, user.email)
    assert shows(page, f"Coordinateur ou coordinatrice — {cpts.name}")
    assert shows(page, "Observateur (ARS, CPAM, URPS) — Yvelines (78), ARS Île-de-France")


def test_a_new_token_is_shown_once_and_only_its_digest_is_stored(user):
    client = verified_client(user)
    response = client.post(
        reverse("account_token_create"), {"name": "Tableur de suivi", "scopes": ["organisations:read"]}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    (plain,) = plain_tokens_in(response)
    token = ApiToken.objects.get(user=user)
    assert token.name == "Tableur de suivi"
    assert token.digest == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in str(list(ApiToken.objects.values())) + str(list(JournalEntry.objects.values()))
    assert ApiToken.user_for(plain) == user

    again = client.get(reverse("account"))
    assert plain_tokens_in(again) == []
    assert shows(again, "Tableur de suivi") and shows(again, token.hint)


def test_a_token_needs_a_name(user):
    response = verified_client(user).post(reverse("account_token_create"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_creating_a_token_is_a_post(user):
    assert verified_client(user).get(reverse("account_token_create")).status_code == 405


def test_a_user_revokes_their_own_token(user):
    token, plain = ApiToken.issue(user, "Script")
    client = verified_client(user)
    response = client.post(reverse("account_token_revoke", args=[token.pk]))
    assert response["Location"] == reverse("account")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.user_for(plain) is None
    assert shows(client.get(reverse("account")), "Révoqué le")


def test_nobody_revokes_someone_else_s_token(user):
    theirs = ApiTokenFactory(user=UserFactory())
    response = verified_client(user).post(reverse("account_token_revoke", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_revoking_is_a_post(user):
    token = ApiTokenFactory(user=user)
    assert verified_client(user).get(reverse("account_token_revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None
