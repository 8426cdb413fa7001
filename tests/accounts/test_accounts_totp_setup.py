"""Enrolling the authenticator app: never with the password alone.

Outside an invitation just accepted (test_accounts_invitation.py), the password
step e-mails a one-time link that must be opened in the same browser.
"""

import time
from base64 import b32encode

import pytest
from django.core import mail, signing
from django.test import Client, TestCase
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillon.core import journal
from maillon.core.factories import TOTPDeviceFactory, UserFactory
from maillon.core.models import JournalEntry
from maillon.www.accounts_views import enrolment, pending
from maillon.www.accounts_views.totp import LINK_SENT, WRONG_CODE
from tests.accounts.helpers import (
    code_for,
    give_code,
    give_password,
    last_enrolment_link,
    log_in,
    shows,
    start_enrolment,
    wrong_code_for,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]
SETUP = "login_totp_setup"
REFUSED = "Lien invalide ou expiré"


@pytest.fixture
def user():
    return UserFactory(email="soignante@example.org")


def enrolling_device(user):
    return TOTPDevice.objects.get(user=user, confirmed=False)


def shows_enrolment(response) -> bool:
    return response.status_code == 200 and '<svg role="img"' in response.content.decode()


# --- The password alone sends a link, not the enrolment page ---------------------------


def test_the_password_step_sends_a_link_instead_of_the_enrolment_page(client, user):
    response = give_password(client, user)
    assert response["Location"] == reverse(SETUP)
    (message,) = mail.outbox
    assert message.to == ["soignante@example.org"]
    assert "/compte/connexion/lien-double-authentification/" in message.body

    page = client.get(reverse(SETUP))
    assert shows(page, LINK_SENT)
    assert not shows_enrolment(page)
    assert "soignante" not in page.content.decode()  # nothing more than "a link was sent"
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert "_auth_user_id" not in client.session


def test_the_link_holds_neither_the_address_nor_the_user_id(client, user):
    give_password(client, user)
    token = last_enrolment_link(user).rstrip("/").rsplit("/", 1)[1]
    assert "soignante" not in token and "example" not in token
    payload = signing.loads(token, salt=enrolment._salt(user))
    assert str(user.pk) != payload and len(payload) >= 16  # a random value only


def test_the_link_is_sent_once_per_login_in_progress(client, user):
    give_password(client, user)
    client.get(reverse(SETUP))
    client.get(reverse("login"))
    client.get(reverse("login_second_factor"))
    assert len(mail.outbox) == 1


def test_sending_is_journaled_without_the_address(client, user):
    give_password(client, user)
    entry = JournalEntry.objects.get(action=journal.Action.LOGIN, note="lien d'activation envoyé")
    assert entry.object_id == str(user.pk)
    assert "soignante" not in str(list(JournalEntry.objects.values()))


def test_codes_posted_without_the_link_enrol_nothing(client, user):
    give_password(client, user)
    response = give_code(client, "123456", url_name=SETUP)
    assert shows(response, LINK_SENT)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert "_auth_user_id" not in client.session


def test_a_session_logged_in_without_second_factor_also_gets_a_link(user):
    client = Client()
    client.force_login(user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.get(reverse("account"), follow=True).redirect_chain[-1][0] == reverse(SETUP)
    assert len(mail.outbox) == 1
    assert not TOTPDevice.objects.filter(user=user).exists()


# --- The link, opened in the same browser ---------------------------------------------


def test_the_link_leads_to_enrolment_then_password_and_code_log_in(client, user):
    give_password(client, user)
    response = client.get(last_enrolment_link(user))
    assert response["Location"] == reverse(SETUP)  # the token leaves the address bar
    assert "no-store" in response["Cache-Control"]
    assert shows_enrolment(client.get(reverse(SETUP)))

    device = enrolling_device(user)
    assert give_code(client, code_for(device), url_name=SETUP)["Location"] == reverse("my_home")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("account")).status_code == 200

    client.post(reverse("logout"))
    assert give_password(client, user)["Location"] == reverse("login_second_factor")
    assert len(mail.outbox) == 1  # no new link once enrolled
    assert give_code(client, code_for(device, offset=1))["Location"] == reverse("my_home")


def test_the_link_works_after_the_usual_minutes_of_a_login(client, user, monkeypatch):
    give_password(client, user)
    later = time.time() + pending.MAX_AGE_SECONDS + 60  # reading the e-mail took a while
    monkeypatch.setattr(pending.time, "time", lambda: later)
    assert client.get(last_enrolment_link(user))["Location"] == reverse(SETUP)
    assert shows_enrolment(client.get(reverse(SETUP)))


def test_an_expired_link_is_refused(client, user, settings, monkeypatch):
    give_password(client, user)
    later = time.time() + enrolment.DEFAULT_LINK_TIMEOUT + 1
    monkeypatch.setattr(pending.time, "time", lambda: later)
    # Only the link is old: the password step is as recent as can be.
    session = client.session
    session[pending.PENDING_KEY] = {**session[pending.PENDING_KEY], "at": int(later)}
    session.save()

    response = client.get(last_enrolment_link(user))
    assert response.status_code == 200
    assert shows(response, REFUSED)
    assert shows(client.get(reverse(SETUP)), LINK_SENT)
    assert JournalEntry.objects.filter(action=journal.Action.LOGIN_FAILED, note="lien d'activation").exists()


def test_the_lifetime_of_the_link_is_a_setting(client, user, settings, monkeypatch):
    settings.MAILLON_TOTP_ENROLMENT_LINK_TIMEOUT = 5 * 60
    give_password(client, user)
    assert "5 minutes" in mail.outbox[0].body
    later = time.time() + 6 * 60
    monkeypatch.setattr(pending.time, "time", lambda: later)
    assert shows(client.get(last_enrolment_link(user)), REFUSED)


def test_a_link_works_only_once(client, user):
    give_password(client, user)
    link = last_enrolment_link(user)
    assert client.get(link)["Location"] == reverse(SETUP)
    assert shows(client.get(link), REFUSED)

    client.get(reverse(SETUP))
    give_code(client, code_for(enrolling_device(user)), url_name=SETUP)
    client.post(reverse("logout"))
    give_password(client, user)
    assert shows(client.get(link), REFUSED)


def test_only_the_last_link_works(client, user):
    give_password(client, user)
    first = last_enrolment_link(user)
    client.post(reverse("login"), {"action": "restart"})
    give_password(client, user)
    assert len(mail.outbox) == 2
    assert shows(client.get(first), REFUSED)
    assert client.get(last_enrolment_link(user))["Location"] == reverse(SETUP)


def test_the_link_is_refused_in_another_browser(client, user):
    give_password(client, user)
    link = last_enrolment_link(user)
    assert shows(Client().get(link), REFUSED)
    # Nor does that attempt spoil it for the right browser.
    assert client.get(link)["Location"] == reverse(SETUP)


def test_the_link_is_refused_in_a_session_with_another_pending_user(client, user):
    give_password(client, user)
    link = last_enrolment_link(user)

    other = UserFactory(email="intruse@example.org")
    intruder = Client()
    give_password(intruder, other)
    assert shows(intruder.get(link), REFUSED)
    assert shows(intruder.get(reverse(SETUP)), LINK_SENT)
    assert not TOTPDevice.objects.exists()


def test_the_link_is_refused_once_the_login_in_progress_is_abandoned(client, user):
    give_password(client, user)
    link = last_enrolment_link(user)
    client.post(reverse("login"), {"action": "restart"})
    assert shows(client.get(link), REFUSED)


# --- The enrolment page itself -------------------------------------------------------


def test_the_enrolment_page_shows_a_qr_code_and_the_key(client, user):
    start_enrolment(client, user)
    page = client.get(reverse(SETUP))
    device = enrolling_device(user)
    secret = b32encode(device.bin_key).decode()
    text = page.content.decode()
    assert '<svg role="img"' in text and "<title>QR code" in text
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in text
    assert 'autocomplete="one-time-code"' in text and 'inputmode="numeric"' in text
    assert "no-store" in page["Cache-Control"]


def test_reloading_the_page_keeps_the_same_key(client, user):
    start_enrolment(client, user)
    client.get(reverse(SETUP))
    client.get(reverse(SETUP))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_key_shown_in_another_session_is_never_reused(client, user):
    seen_elsewhere = TOTPDeviceFactory(user=user, confirmed=False)
    start_enrolment(client, user)
    client.get(reverse(SETUP))
    device = enrolling_device(user)
    assert device.pk != seen_elsewhere.pk and device.key != seen_elsewhere.key


def test_a_wrong_code_does_not_enrol(client, user):
    start_enrolment(client, user)
    client.get(reverse(SETUP))
    response = give_code(client, wrong_code_for(enrolling_device(user)), url_name=SETUP)
    assert shows(response, WRONG_CODE)
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert "_auth_user_id" not in client.session


def test_the_right_code_enrols_and_logs_in(client, user):
    start_enrolment(client, user)
    client.get(reverse(SETUP))
    device = enrolling_device(user)
    response = give_code(client, code_for(device), url_name=SETUP)
    assert response["Location"] == reverse("my_home")
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert enrolment.ALLOWED_KEY not in client.session  # the right to enrol is used up
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
    assert not mail.outbox


def test_enrolment_needs_the_password_first(client, user):
    assert client.get(reverse(SETUP))["Location"] == reverse("login")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not mail.outbox


def test_a_fully_logged_in_user_does_not_see_the_enrolment_page(client):
    user = UserFactory(with_totp=True)
    log_in(client, user, user.totpdevice_set.get())
    assert client.get(reverse(SETUP))["Location"] == reverse("login")
