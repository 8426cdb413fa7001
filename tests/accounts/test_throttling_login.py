"""Login and second factor throttled per address and per account, without a lockout an outsider
could use against the owner (www/accounts_views/lockout.py). Time is frozen, never slept."""

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from maillon.core import journal
from maillon.core.factories import DEFAULT_PASSWORD, UserFactory
from maillon.core.models import JournalEntry
from maillon.www.accounts_views.login import REFUSAL
from tests.accounts.helpers import code_for, give_code, shows, wrong_code_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]

OUTSIDER = "203.0.113.66"
OWNER = "198.51.100.7"
WRONG = "pas-le-bon-mot-de-passe"


@pytest.fixture
def user():
    return UserFactory(email="soignante@example.org", with_totp=True)


def from_address(address):
    return Client(REMOTE_ADDR=address)


def try_password(client, email, password):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("login"), {"email": email, "password": password})


def test_an_outsider_failing_from_one_address_cannot_keep_the_owner_out_elsewhere(clock, user):
    outsider = from_address(OUTSIDER)
    for _ in range(15):  # three times the failures before a delay
        try_password(outsider, user.email, WRONG)
        clock.advance(seconds=1)

    owner = from_address(OWNER)
    assert try_password(owner, user.email, DEFAULT_PASSWORD)["Location"] == reverse("login_second_factor")
    assert give_code(owner, code_for(user.totpdevice_set.get()))["Location"] == reverse("my_home")


def test_failures_from_one_address_make_that_address_wait_longer_and_longer(clock, user, settings):
    settings.MAILLON_LOGIN_DELAY_AFTER_FAILURES = 3
    settings.MAILLON_LOGIN_FIRST_DELAY_SECONDS = 15
    outsider = from_address(OUTSIDER)
    for _ in range(3):
        assert try_password(outsider, user.email, WRONG).status_code == 200

    # Even the right password waits: the answer does not tell it was right.
    refused = try_password(outsider, user.email, DEFAULT_PASSWORD)
    assert refused.status_code == 429
    assert shows(refused, "Trop de tentatives pour ce compte : réessayez dans 15 secondes.")
    assert "_auth_user_id" not in outsider.session

    clock.advance(seconds=16)
    assert try_password(outsider, user.email, WRONG).status_code == 200  # the 4th failure: now 30 s
    clock.advance(seconds=16)
    assert shows(try_password(outsider, user.email, WRONG), "réessayez dans 14 secondes.")
    clock.advance(seconds=15)
    assert try_password(outsider, user.email, DEFAULT_PASSWORD)["Location"] == reverse("login_second_factor")


def test_the_delay_is_capped(clock, user, settings):
    settings.MAILLON_LOGIN_DELAY_AFTER_FAILURES = 1
    settings.MAILLON_LOGIN_MAX_DELAY_SECONDS = 120
    outsider = from_address(OUTSIDER)
    for _ in range(8):
        try_password(outsider, user.email, WRONG)
        clock.advance(seconds=121)  # each wait is over: 8 failures counted
    try_password(outsider, user.email, WRONG)  # the 9th: 15 s × 2⁷ would be 32 minutes
    assert shows(
        try_password(outsider, user.email, WRONG), "Trop de tentatives pour ce compte : réessayez dans 2 minutes."
    )
    clock.advance(seconds=61)
    assert shows(try_password(outsider, user.email, WRONG), "réessayez dans 59 secondes.")


def test_spraying_many_accounts_from_one_address_is_refused_after_the_limit(clock, user, settings):
    settings.MAILLON_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR = 10
    sprayer = from_address(OUTSIDER)
    for number in range(10):
        assert try_password(sprayer, f"personne{number}@example.org", WRONG).status_code == 200
        clock.advance(minutes=1)

    refused = try_password(sprayer, user.email, DEFAULT_PASSWORD)
    assert refused.status_code == 429
    # The oldest failure (10 minutes ago) leaves the hour in 50 minutes.
    assert shows(refused, "Trop de tentatives depuis cette adresse : réessayez dans 50 minutes.")
    # Another address is not concerned; the sprayer's address gets through once the hour moved on.
    assert try_password(from_address(OWNER), user.email, DEFAULT_PASSWORD)["Location"] == reverse("login_second_factor")
    clock.advance(minutes=51)
    assert try_password(sprayer, user.email, DEFAULT_PASSWORD)["Location"] == reverse("login_second_factor")


def test_an_address_without_account_waits_exactly_as_an_account(clock, user, settings):
    settings.MAILLON_LOGIN_DELAY_AFTER_FAILURES = 2
    known, unknown = from_address(OUTSIDER), from_address("203.0.113.67")
    delayed = "Trop de tentatives pour ce compte : réessayez dans 15 secondes."
    answers = []
    for client, email in ((known, user.email), (unknown, "personne@nulle-part.example")):
        pages = [try_password(client, email, WRONG) for _ in range(3)]
        answers.append([(page.status_code, shows(page, REFUSAL), shows(page, delayed)) for page in pages])
    assert answers[0] == answers[1] == [(200, True, False), (200, True, False), (429, False, True)]


def test_wrong_codes_count_as_wrong_passwords(clock, user, settings):
    settings.MAILLON_LOGIN_DELAY_AFTER_FAILURES = 3
    device = user.totpdevice_set.get()
    outsider = from_address(OUTSIDER)
    try_password(outsider, user.email, DEFAULT_PASSWORD)  # the outsider knows the password
    for _ in range(3):
        give_code(outsider, wrong_code_for(device))
        device.throttle_reset()  # the device's own pause aside
        clock.advance(seconds=1)
    refused = give_code(outsider, code_for(device))  # 1 s after the 3rd wrong code
    assert shows(refused, "Trop de tentatives pour ce compte : réessayez dans 14 secondes.")
    assert "_auth_user_id" not in outsider.session

    owner = from_address(OWNER)
    try_password(owner, user.email, DEFAULT_PASSWORD)
    assert give_code(owner, code_for(device))["Location"] == reverse("my_home")


def test_refusals_are_journaled_without_the_address(clock, user, settings):
    settings.MAILLON_LOGIN_DELAY_AFTER_FAILURES = 1
    settings.MAILLON_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR = 3
    outsider = from_address(OUTSIDER)
    try_password(outsider, user.email, WRONG)
    try_password(outsider, user.email, WRONG)  # waits: refused, counted for the address
    try_password(outsider, "personne@nulle-part.example", WRONG)
    try_password(outsider, user.email, WRONG)  # the address is over its limit

    notes = list(
        JournalEntry.objects.filter(action=journal.Action.LOGIN_FAILED).order_by("id").values_list("object_id", "note")
    )
    assert notes == [
        (str(user.pk), "mot de passe"),
        (str(user.pk), "refusé : délai du compte"),
        ("", "compte inconnu"),
        (str(user.pk), "refusé : trop d'échecs de l'adresse"),
    ]
    stored = str(list(JournalEntry.objects.values()))
    assert OUTSIDER not in stored and "203.0.113" not in stored and "example.org" not in stored


def test_a_complete_login_forgets_the_delay_of_its_address_but_a_right_password_alone_does_not(clock, user, settings):
    settings.MAILLON_LOGIN_DELAY_AFTER_FAILURES = 2
    client = from_address(OWNER)
    try_password(client, user.email, WRONG)
    try_password(from_address(OWNER), user.email, DEFAULT_PASSWORD)  # no code given
    try_password(client, user.email, WRONG)
    assert try_password(client, user.email, WRONG).status_code == 429

    clock.advance(minutes=1)
    owner = from_address(OWNER)
    try_password(owner, user.email, DEFAULT_PASSWORD)
    give_code(owner, code_for(user.totpdevice_set.get()))
    try_password(client, user.email, WRONG)
    assert try_password(client, user.email, WRONG).status_code == 200  # counted from zero again


def test_a_wrong_password_still_gets_the_usual_answer(user):
    page = try_password(from_address(OWNER), user.email, WRONG)
    assert page.status_code == 200 and shows(page, REFUSAL)


def test_the_admin_login_goes_through_the_throttled_login(client):
    response = client.get(reverse("test_admin_login"))
    assert response["Location"].startswith(reverse("login"))


def test_the_address_behind_the_proxy_is_the_one_it_appended(clock, user, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.MAILLON_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR = 2
    proxy = "10.0.0.1"
    for number in range(2):
        Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.{number}, {OUTSIDER}").post(
            reverse("login"), {"email": f"p{number}@example.org", "password": WRONG}
        )
    # A forged first entry changes nothing; another client behind the same proxy is not refused.
    forged = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"9.9.9.9, {OUTSIDER}")
    assert try_password(forged, user.email, DEFAULT_PASSWORD).status_code == 429
    other = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=OWNER)
    assert try_password(other, user.email, DEFAULT_PASSWORD)["Location"] == reverse("login_second_factor")


@pytest.fixture
def pro_sante_connect(settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "maillon-test"
    settings.OIDC_RP_CLIENT_SECRET = "secret-de-test"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://psc.invalid/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://psc.invalid/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://psc.invalid/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://psc.invalid/jwks"


def test_pro_sante_connect_failures_count_for_the_address_and_an_address_over_its_limit_waits(
    clock, user, settings, pro_sante_connect
):
    settings.MAILLON_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR = 2
    outsider = from_address(OUTSIDER)
    callback = reverse("oidc_authentication_callback")
    for _ in range(2):  # the provider answers an error: a failed login
        assert outsider.get(callback, {"error": "access_denied", "state": "x"})["Location"] == reverse("login")
    refused = outsider.get(callback, {"code": "c", "state": "x"}, follow=True)
    assert shows(refused, "Trop de tentatives depuis cette adresse : réessayez dans 60 minutes.")
    notes = JournalEntry.objects.filter(action=journal.Action.LOGIN_FAILED).values_list("note", flat=True)
    assert list(notes.order_by("id")) == [
        "Pro Santé Connect",
        "Pro Santé Connect",
        "refusé : trop d'échecs de l'adresse",
    ]
    # The password login from that address waits too; another address does not.
    assert try_password(outsider, user.email, DEFAULT_PASSWORD).status_code == 429
    assert try_password(from_address(OWNER), user.email, DEFAULT_PASSWORD).status_code == 302
