"""The account page's API tokens: scopes by area, a chosen life, renewal (« Renouveler »),
expiry shown, no token for a platform admin, a FHIR token for a SAS client account."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import ApiToken, JournalEntry
from maillon.snp.factories import SasClientFactory
from tests.accounts.helpers import shows
from tests.accounts.test_accounts_tokens import plain_tokens_in
from tests.conftest import verified_client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]


@pytest.fixture
def user(cpts):
    return CptsRoleFactory(cpts=cpts, user=UserFactory(with_totp=True)).user


def create(client, **data):
    return client.post(reverse("account_token_create"), {"name": "Script", "days": "90", **data})


def test_the_form_offers_read_on_every_area_the_user_can_use(user):
    page = verified_client(user).get(reverse("account")).content.decode()
    assert 'value="members:read" id="id_scopes_members_read" checked' in page
    assert 'value="members:write" id="id_scopes_members_write">' in page  # offered, not checked
    assert 'value="crisis:read" id="id_scopes_crisis_read" checked' in page
    assert "crisis:write" not in page  # a member only reads the crisis plan
    assert "territories:" not in page  # a member does not change the territory
    assert 'name="days"' in page and 'max="365"' in page


def test_a_token_gets_the_scopes_and_life_chosen(user):
    client = verified_client(user)
    response = create(client, scopes=["members:read", "snp:write"], days="30")
    assert response.status_code == 200
    (plain,) = plain_tokens_in(response)
    token = ApiToken.objects.get(user=user)
    assert token.scopes == ["members:read", "snp:read", "snp:write"]
    assert token.kind == "personal"
    assert datetime.timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= datetime.timedelta(days=30)
    assert ApiToken.user_for(plain) == user


def test_a_token_needs_a_scope(user):
    response = create(verified_client(user))
    assert response.status_code == 400
    assert shows(response, "Portées : cochez au moins une portée.")
    assert not ApiToken.objects.exists()


def test_a_scope_the_user_cannot_use_is_refused(user):
    response = create(verified_client(user), scopes=["territories:write"])
    assert response.status_code == 400
    assert shows(response, "Portées : choisissez une des valeurs proposées.")
    assert not ApiToken.objects.exists()


def test_the_life_is_at_most_the_setting(user):
    client = verified_client(user)
    response = create(client, scopes=["members:read"], days="366")
    assert response.status_code == 400
    assert shows(response, "Durée de validité (en jours) : la valeur doit être au plus 365.")
    with override_settings(MAILLON_API_TOKEN_MAX_DAYS=30):
        assert create(client, scopes=["members:read"], days="31").status_code == 400
    assert not ApiToken.objects.exists()


def test_a_platform_admin_cannot_create_a_token():
    admin = UserFactory(with_totp=True, is_superuser=True, is_staff=True)
    response = create(verified_client(admin), scopes=["members:read"])
    assert response.status_code == 400
    assert shows(response, "Un compte d'administration de la plateforme ne peut pas avoir de jeton d'API")
    assert not ApiToken.objects.exists()


def test_a_platform_admin_may_when_the_setting_allows_it():
    admin = UserFactory(with_totp=True, is_superuser=True, is_staff=True)
    with override_settings(MAILLON_API_SUPERUSER_TOKENS=True):
        assert create(verified_client(admin), scopes=["members:read"]).status_code == 200
    assert ApiToken.objects.filter(user=admin).exists()


def test_a_sas_client_account_creates_a_fhir_token():
    client_account = SasClientFactory(user=UserFactory(with_totp=True))
    client = verified_client(client_account.user)
    assert shows(client.get(reverse("account")), "Type de jeton")
    assert create(client, kind="fhir").status_code == 200
    token = ApiToken.objects.get(user=client_account.user)
    assert (token.kind, token.scopes) == ("fhir", [])


def test_only_a_sas_client_account_chooses_the_type(user):
    assert not shows(verified_client(user).get(reverse("account")), "Type de jeton")
    create(verified_client(user), kind="fhir", scopes=["members:read"])
    assert ApiToken.objects.get(user=user).kind == "personal"


# --- Renewal --------------------------------------------------------------------------------


def test_renewing_issues_the_same_token_anew_and_revokes_the_old_one_at_once(user):
    old, old_plain = ApiToken.issue(user, "Tableur", scopes=["prevention:write"], days=30)
    four_weeks_ago = timezone.now() - datetime.timedelta(days=28)
    ApiToken.objects.filter(pk=old.pk).update(
        created_at=four_weeks_ago, expires_at=old.expires_at - (old.created_at - four_weeks_ago)
    )
    client = verified_client(user)
    response = client.post(reverse("account_token_rotate", args=[old.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    (plain,) = plain_tokens_in(response)
    assert shows(response, "Jeton « Tableur » renouvelé") and shows(response, "révoqué dès maintenant")

    old.refresh_from_db()
    new = ApiToken.objects.get(rotated_from=old)
    assert old.revoked_at is not None
    assert (new.name, new.kind, new.scopes) == ("Tableur", "personal", ["prevention:read", "prevention:write"])
    assert new.expires_at - timezone.now() > datetime.timedelta(days=29)
    assert ApiToken.user_for(old_plain) is None
    assert ApiToken.user_for(plain) == user
    assert plain_tokens_in(client.get(reverse("account"))) == []


def test_a_fhir_token_is_renewed_as_a_fhir_token():
    client_account = SasClientFactory(user=UserFactory(with_totp=True))
    old, _ = ApiToken.issue(client_account.user, "SAS", kind="fhir")
    verified_client(client_account.user).post(reverse("account_token_rotate", args=[old.pk]))
    assert ApiToken.objects.get(rotated_from=old).kind == "fhir"


def test_a_revoked_token_is_not_renewed(user):
    old, _ = ApiToken.issue(user, "Script")
    old.revoke()
    response = verified_client(user).post(reverse("account_token_rotate", args=[old.pk]), follow=True)
    assert shows(response, "n'est pas renouvelé")
    assert ApiToken.objects.count() == 1


def test_nobody_renews_someone_else_s_token(user):
    theirs, _ = ApiToken.issue(UserFactory(), "Script")
    assert verified_client(user).post(reverse("account_token_rotate", args=[theirs.pk])).status_code == 404
    assert ApiToken.objects.count() == 1


def test_renewing_is_a_post(user):
    token, _ = ApiToken.issue(user, "Script")
    assert verified_client(user).get(reverse("account_token_rotate", args=[token.pk])).status_code == 405


# --- The list -------------------------------------------------------------------------------


def test_the_list_shows_scopes_expiry_and_last_use(user):
    ApiToken.issue(user, "Lecture seule", scopes=["members:read", "meetings:write"])
    expired, _ = ApiToken.issue(user, "Ancien")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    page = verified_client(user).get(reverse("account"))
    assert shows(page, "Membres et structures : lecture")
    assert shows(page, "Réunions et temps indemnisé : lecture et écriture")
    assert shows(page, "Expire le") and shows(page, "Expiré") and shows(page, "Jamais")


def test_the_page_counts_the_tokens_expiring_within_14_days(user):
    for days in (3, 14):
        token, _ = ApiToken.issue(user, f"Bientôt {days}")
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + datetime.timedelta(days=days, hours=-1))
    ApiToken.issue(user, "Tranquille", days=30)
    page = verified_client(user).get(reverse("account"))
    assert shows(page, "2 jetons expirent dans les 14 prochains jours")
    assert shows(page, "Expire bientôt")


# --- Journal --------------------------------------------------------------------------------


def journal_of(token):
    return list(
        JournalEntry.objects.filter(object_type="core.ApiToken", object_id=str(token.pk))
        .order_by("id")
        .values_list("action", "fields", "actor_id")
    )


def test_creating_renewing_and_revoking_are_journaled(user):
    client = verified_client(user)
    create(client, scopes=["members:read"])
    token = ApiToken.objects.get()
    (created,) = journal_of(token)
    assert created[0] == "create" and {"scopes", "expires_at", "kind"} <= set(created[1]) and created[2] == user.pk

    client.post(reverse("account_token_rotate", args=[token.pk]))
    new = ApiToken.objects.get(rotated_from=token)
    assert journal_of(token)[1:] == [("update", ["revoked_at"], user.pk)]
    assert journal_of(new)[0][0] == "create" and "rotated_from" in journal_of(new)[0][1]

    client.post(reverse("account_token_revoke", args=[new.pk]))
    assert journal_of(new)[1:] == [("update", ["revoked_at"], user.pk)]
