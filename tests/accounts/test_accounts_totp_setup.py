"""Enrolling the authenticator app at first login: QR code, manual key, confirmation code."""

from base64 import b32encode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillon.core import journal
from maillon.core.factories import UserFactory
from maillon.core.models import JournalEntry
from maillon.www.accounts_views.totp import WRONG_CODE
from tests.accounts.helpers import code_for, give_code, give_password, log_in, shows, wrong_code_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]
SETUP = "login_totp_setup"


@pytest.fixture
def user():
    return UserFactory()


def enrolling_device(user):
    return TOTPDevice.objects.get(user=user, confirmed=False)


def test_a_user_without_authenticator_is_sent_to_enrolment(client, user):
    assert give_password(client, user)["Location"] == reverse(SETUP)
    assert client.get(reverse("login_second_factor"))["Location"] == reverse(SETUP)


def test_the_enrolment_page_shows_a_qr_code_and_the_key(client, user):
    give_password(client, user)
    page = client.get(reverse(SETUP))
    device = enrolling_device(user)
    secret = b32encode(device.bin_key).decode()
    text = page.content.decode()
    assert '<svg role="img"' in text and "<title>QR code" in text
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in text
    assert 'autocomplete="one-time-code"' in text and 'inputmode="numeric"' in text
    assert "no-store" in page["Cache-Control"]


def test_reloading_the_page_keeps_the_same_key(client, user):
    give_password(client, user)
    client.get(reverse(SETUP))
    client.get(reverse(SETUP))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_wrong_code_does_not_enrol(client, user):
    give_password(client, user)
    client.get(reverse(SETUP))
    response = give_code(client, wrong_code_for(enrolling_device(user)), url_name=SETUP)
    assert shows(response, WRONG_CODE)
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert "_auth_user_id" not in client.session


def test_the_right_code_enrols_and_logs_in(client, user):
    give_password(client, user)
    client.get(reverse(SETUP))
    device = enrolling_device(user)
    response = give_code(client, code_for(device), url_name=SETUP)
    assert response["Location"] == reverse("account")
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("account")).status_code == 200
    assert JournalEntry.objects.filter(action=journal.Action.CREATE, object_type="otp_totp.TOTPDevice").exists()

    # Next time, the code is asked, not a new enrolment.
    client.post(reverse("logout"))
    assert give_password(client, user)["Location"] == reverse("login_second_factor")
    assert client.get(reverse(SETUP))["Location"] == reverse("login_second_factor")


def test_a_user_with_an_authenticator_cannot_enrol_another_one():
    user = UserFactory(with_totp=True)
    client = Client()
    give_password(client, user)
    assert client.get(reverse(SETUP))["Location"] == reverse("login_second_factor")
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_enrolment_needs_the_password_first(client, user):
    assert client.get(reverse(SETUP))["Location"] == reverse("login")
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_a_fully_logged_in_user_does_not_see_the_enrolment_page(client):
    user = UserFactory(with_totp=True)
    log_in(client, user, user.totpdevice_set.get())
    assert client.get(reverse(SETUP))["Location"] == reverse("login")
