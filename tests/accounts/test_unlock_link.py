"""When many addresses fail at one account, every address waits; the owner gets an unlock link
by e-mail that lets their browser in without waiting, once, for a short while."""

import re

import pytest
from django.core import mail, signing
from django.test import Client, TestCase
from django.urls import reverse

from maillon.core import journal
from maillon.core.factories import DEFAULT_PASSWORD, UserFactory
from maillon.core.models import JournalEntry
from maillon.www.accounts_views import unlock
from tests.accounts.helpers import code_for, give_code, shows

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]

OWNER = "198.51.100.7"
WRONG = "pas-le-bon-mot-de-passe"
CEILING = 4


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.MAILLON_LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY = CEILING
    settings.MAILLON_LOGIN_DELAY_AFTER_FAILURES = 3
    settings.MAILLON_UNLOCK_LINK_MINUTES = 30


@pytest.fixture
def user():
    return UserFactory(email="soignante@example.org", with_totp=True)


def try_password(client, email, password):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker sends the e-mails
        return client.post(reverse("login"), {"email": email, "password": password})


def botnet(email, failures=CEILING):
    """`failures` wrong passwords, each from another address."""
    for number in range(failures):
        try_password(Client(REMOTE_ADDR=f"203.0.113.{number + 10}"), email, WRONG)


def unlock_link(user) -> str:
    (message,) = [m for m in mail.outbox if m.to == [user.email]]
    return re.search(r"https?://[^/\s]+(/compte/connexion/deblocage/\S+/)", message.body).group(1)


def test_many_addresses_make_every_address_wait_and_the_owner_gets_one_link(clock, user):
    botnet(user.email)
    owner = Client(REMOTE_ADDR=OWNER)
    refused = try_password(owner, user.email, DEFAULT_PASSWORD)
    assert refused.status_code == 429
    assert shows(refused, "Trop de tentatives pour ce compte : réessayez dans 15 secondes.")
    assert shows(refused, "son titulaire a reçu par courriel un lien")

    clock.advance(seconds=20)
    botnet(user.email, failures=3)  # more failures: still one e-mail this hour
    assert len([m for m in mail.outbox if m.to == [user.email]]) == 1
    assert "se connecter malgré" in mail.outbox[0].subject
    assert JournalEntry.objects.filter(action=journal.Action.LOGIN, note="lien de déblocage envoyé").count() == 1


def test_the_link_lets_the_owner_in_despite_the_account_wide_delay(clock, user):
    botnet(user.email)
    owner = Client(REMOTE_ADDR=OWNER)
    link = unlock_link(user)
    page = owner.get(link)
    assert page.status_code == 200 and shows(page, "Débloquer la connexion dans ce navigateur")
    assert unlock.COOKIE not in owner.cookies  # opening the link (a mail scanner) changes nothing

    response = owner.post(link)
    assert response["Location"] == reverse("login")
    cookie = owner.cookies[unlock.COOKIE]
    assert cookie["httponly"] and cookie["path"] == unlock.COOKIE_PATH and cookie["samesite"] == "Lax"
    assert JournalEntry.objects.filter(action=journal.Action.LOGIN, note="lien de déblocage utilisé").count() == 1

    botnet(user.email, failures=2)  # the attack goes on: others still wait
    assert try_password(Client(REMOTE_ADDR="192.0.2.1"), user.email, DEFAULT_PASSWORD).status_code == 429
    assert try_password(owner, user.email, DEFAULT_PASSWORD)["Location"] == reverse("login_second_factor")
    assert give_code(owner, code_for(user.totpdevice_set.get()))["Location"] == reverse("my_home")


def test_the_link_serves_once(user):
    botnet(user.email)
    link = unlock_link(user)
    assert Client().post(link).status_code == 302
    again = Client().post(link)
    assert again.status_code == 404 and shows(again, unlock.INVALID)


def test_the_link_expires(user, monkeypatch):
    botnet(user.email)
    link = unlock_link(user)
    later = signing.time.time() + 31 * 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert Client().post(link).status_code == 404


def test_a_login_or_a_new_password_kills_the_link_and_the_cookie(user):
    botnet(user.email)
    link = unlock_link(user)
    owner = Client(REMOTE_ADDR=OWNER)
    owner.post(link)
    user.set_password("une toute nouvelle phrase de passe")
    user.save()
    assert Client().post(link).status_code == 404
    # The cookie no longer unlocks: the owner waits as everyone.
    assert try_password(owner, user.email, "une toute nouvelle phrase de passe").status_code == 429


def test_the_cookie_unlocks_only_its_own_account(user):
    other = UserFactory(email="autre@example.org", with_totp=True)
    botnet(user.email)
    botnet(other.email)
    owner = Client(REMOTE_ADDR=OWNER)
    owner.post(unlock_link(user))
    assert try_password(owner, other.email, DEFAULT_PASSWORD).status_code == 429


def test_a_forged_cookie_unlocks_nothing(user):
    botnet(user.email)
    owner = Client(REMOTE_ADDR=OWNER)
    owner.cookies[unlock.COOKIE] = signing.dumps({"u": user.pk, "n": "x", "s": "y"}, salt=unlock.COOKIE_SALT)
    assert try_password(owner, user.email, DEFAULT_PASSWORD).status_code == 429


def test_the_cookie_is_secure_when_the_session_cookie_is(user, settings):
    settings.SESSION_COOKIE_SECURE = True
    botnet(user.email)
    owner = Client(REMOTE_ADDR=OWNER)
    owner.post(unlock_link(user))
    assert owner.cookies[unlock.COOKIE]["secure"]


def test_an_address_without_account_waits_the_same_and_nobody_gets_an_e_mail(user):
    botnet("personne@nulle-part.example")
    refused = try_password(Client(REMOTE_ADDR=OWNER), "personne@nulle-part.example", WRONG)
    assert refused.status_code == 429
    assert shows(refused, "son titulaire a reçu par courriel un lien")
    assert not mail.outbox


def test_a_bogus_link_is_invalid(client):
    response = client.post(reverse("login_unlock", args=["pas-un-lien"]))
    assert response.status_code == 404 and shows(response, "Lien invalide ou expiré")
