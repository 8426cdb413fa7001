"""Login: a password alone gives access to nothing but the second-factor page."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from maillon.core import journal
from maillon.core.factories import DEFAULT_PASSWORD, TOTPDeviceFactory, UserFactory
from maillon.core.models import JournalEntry
from maillon.www.accounts_views import lockout, pending
from maillon.www.accounts_views.login import REFUSAL
from maillon.www.accounts_views.totp import THROTTLED, WRONG_CODE
from tests.accounts.helpers import code_for, give_code, give_password, log_in, shows, wrong_code_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]


@pytest.fixture
def user():
    return UserFactory(email="soignante@example.org", with_totp=True)


@pytest.fixture
def device(user):
    return user.totpdevice_set.get()


def test_the_right_password_leads_to_the_second_factor_not_into_the_site(client, user):
    response = give_password(client, user)
    assert response.status_code == 302
    assert response["Location"] == reverse("login_second_factor")
    assert "_auth_user_id" not in client.session


def test_a_password_alone_gives_no_access_to_a_protected_page(client, user):
    give_password(client, user)
    response = client.get(reverse("account"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login_second_factor")
    assert "Code de connexion" in response.text
    assert not shows(response, "Jetons d'API")


def test_a_wrong_code_is_refused(client, user, device):
    give_password(client, user)
    response = give_code(client, wrong_code_for(device))
    assert response.status_code == 200
    assert shows(response, WRONG_CODE)
    assert 'aria-invalid="true"' in response.text
    assert client.get(reverse("account"), follow=True).redirect_chain[-1][0] == reverse("login_second_factor")


def test_the_right_code_logs_in(client, user, device):
    response = log_in(client, user, device)
    assert response["Location"] == reverse("my_home")
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    page = client.get(reverse("account"))
    assert page.status_code == 200
    assert "soignante@example.org" in page.text


def test_a_code_is_accepted_only_once(client, user, device):
    code = code_for(device)
    give_password(client, user)
    give_code(client, code)
    other = Client()
    give_password(other, user)
    assert shows(give_code(other, code), WRONG_CODE)


def test_after_a_wrong_code_the_device_makes_the_next_try_wait(client, user, device):
    give_password(client, user)
    give_code(client, wrong_code_for(device))
    response = give_code(client, code_for(device))
    assert shows(response, THROTTLED)
    assert "_auth_user_id" not in client.session


def test_login_goes_on_to_a_safe_next_page_only(client, user, device):
    give_password(client, user, next_url="/compte/?onglet=jetons")
    assert give_code(client, code_for(device))["Location"] == "/compte/?onglet=jetons"

    other = Client()
    give_password(other, user, next_url="https://ailleurs.example.com/")
    device.refresh_from_db()
    assert give_code(other, code_for(device, offset=1))["Location"] == reverse("my_home")


def test_a_protected_page_remembers_where_to_go_after_login(client, user, device):
    client.get(reverse("account") + "?onglet=jetons")  # sends to the login with ?next=
    response = client.post(
        reverse("login") + "?next=/compte/%3Fonglet%3Djetons",
        {"email": user.email, "password": DEFAULT_PASSWORD, "next": "/compte/?onglet=jetons"},
    )
    assert response["Location"] == reverse("login_second_factor")
    assert give_code(client, code_for(device))["Location"] == "/compte/?onglet=jetons"


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, user):
    wrong_password = give_password(client, user, password="pas-le-bon-mot-de-passe")
    unknown = client.post(reverse("login"), {"email": "personne@nulle-part.example", "password": "x" * 12})
    assert wrong_password.status_code == unknown.status_code == 200
    assert shows(wrong_password, REFUSAL) and shows(unknown, REFUSAL)


def test_the_address_is_not_case_sensitive(client, user):
    response = client.post(
        reverse("login"), {"email": "Soignante@Example.org", "password": "mot-de-passe-de-test-1234"}
    )
    assert response["Location"] == reverse("login_second_factor")


def test_an_account_is_delayed_after_repeated_failures_even_with_the_right_password(client, user, settings):
    # From this address only: tests/accounts/test_throttling_login.py shows the owner elsewhere gets in.
    for _ in range(settings.MAILLON_LOGIN_DELAY_AFTER_FAILURES):
        give_password(client, user, password="pas-le-bon-mot-de-passe")
    response = give_password(client, user)
    assert response.status_code == 429
    assert shows(response, "Trop de tentatives pour ce compte : réessayez dans")
    assert JournalEntry.objects.filter(action=journal.Action.LOGIN_FAILED, note=lockout.PAIR_NOTE).count() == 1


def test_an_inactive_account_cannot_log_in(client):
    user = UserFactory(with_totp=True, is_active=False)
    assert shows(give_password(client, user), REFUSAL)


def test_a_login_in_progress_expires(client, user, device, monkeypatch):
    give_password(client, user)
    started = client.session[pending.PENDING_KEY]["at"]
    monkeypatch.setattr(pending.time, "time", lambda: started + pending.MAX_AGE_SECONDS + 1)
    response = give_code(client, code_for(device))
    assert response["Location"] == reverse("login")


def test_one_can_start_again_with_another_account(client, user):
    give_password(client, user)
    client.post(reverse("login"), {"action": "restart"})
    assert pending.PENDING_KEY not in client.session
    assert client.get(reverse("login")).status_code == 200


def test_the_login_page_carries_on_with_a_login_in_progress(client, user):
    give_password(client, user)
    assert client.get(reverse("login"))["Location"] == reverse("login_second_factor")


def test_a_session_logged_in_without_second_factor_must_give_the_code(user, device):
    client = Client()
    client.force_login(user)
    assert client.get(reverse("account"))["Location"] == reverse("login_second_factor")
    assert give_code(client, code_for(device))["Location"] == reverse("my_home")
    assert client.get(reverse("account")).status_code == 200


def test_a_logged_in_user_visiting_the_login_page_goes_to_their_account(client, user, device):
    log_in(client, user, device)
    assert client.get(reverse("login"))["Location"] == reverse("my_home")


def test_logout_is_a_post(client, user, device):
    log_in(client, user, device)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("account")).status_code == 302


def test_login_failure_and_logout_are_journaled_without_the_address(client, user, device):
    give_password(client, user, password="pas-le-bon-mot-de-passe")
    client.post(reverse("login"), {"email": "inconnue@example.org", "password": "x" * 12})
    give_password(client, user)
    give_code(client, wrong_code_for(device))
    device.throttle_reset()
    give_code(client, code_for(device))
    client.post(reverse("logout"))

    entries = JournalEntry.objects.filter(
        action__in=[journal.Action.LOGIN, journal.Action.LOGIN_FAILED, journal.Action.LOGOUT]
    ).order_by("id")
    assert [(e.action, e.object_id, e.note) for e in entries] == [
        (journal.Action.LOGIN_FAILED, str(user.pk), "mot de passe"),
        (journal.Action.LOGIN_FAILED, "", "compte inconnu"),
        (journal.Action.LOGIN_FAILED, str(user.pk), "code"),
        (journal.Action.LOGIN, str(user.pk), ""),
        (journal.Action.LOGOUT, str(user.pk), ""),
    ]
    assert entries.get(action=journal.Action.LOGIN).actor_id == user.pk
    stored = str(list(JournalEntry.objects.values()))
    assert "soignante" not in stored and "inconnue" not in stored and "example.org" not in stored


def test_the_pages_are_accessible_forms(client, user):
    page = client.get(reverse("login")).text
    assert 'autocomplete="username"' in page and 'autocomplete="current-password"' in page
    assert '<label for="id_email"' in page and '<label for="id_password"' in page
    give_password(client, user)
    page = client.get(reverse("login_second_factor")).text
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert 'aria-describedby="id_code_helptext"' in page


def test_pro_sante_connect_is_offered_when_configured(client, settings):
    settings.OIDC_ENABLED = False
    assert "Pro Santé Connect" not in client.get(reverse("login")).text
    settings.OIDC_ENABLED = True
    page = client.get(reverse("login")).text
    assert "Se connecter avec Pro Santé Connect" in page
    assert reverse("oidc_authentication_init") in page


def test_a_user_with_two_devices_logs_in_with_the_first_confirmed(client, user, device):
    TOTPDeviceFactory(user=user, confirmed=False)
    assert log_in(client, user, device)["Location"] == reverse("my_home")
