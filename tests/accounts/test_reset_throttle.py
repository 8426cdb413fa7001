"""Password reset: one e-mail per address and window whatever the number of requests, a limit
per client address, and the same answer either way."""

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from maillon.core.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]


def ask_reset(client, email):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker sends the link
        return client.post(reverse("password_reset"), {"email": email})


def test_five_requests_send_one_e_mail_and_answer_the_same(clock, settings):
    settings.MAILLON_RESET_EMAIL_WINDOW_MINUTES = 15
    user = UserFactory(with_totp=True)
    answers = [ask_reset(Client(REMOTE_ADDR=f"198.51.100.{n}"), user.email) for n in range(5)]
    assert len(mail.outbox) == 1
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, reverse("password_reset_done"))}


def test_another_e_mail_once_the_window_is_over(clock, settings):
    settings.MAILLON_RESET_EMAIL_WINDOW_MINUTES = 15
    user = UserFactory(with_totp=True)
    ask_reset(Client(), user.email)
    clock.advance(minutes=14)
    ask_reset(Client(), user.email.upper())  # the same address, typed otherwise
    assert len(mail.outbox) == 1
    clock.advance(minutes=2)
    ask_reset(Client(), user.email)
    assert len(mail.outbox) == 2


def test_one_client_address_is_limited_whatever_the_addresses_it_types(clock, settings):
    settings.MAILLON_RESET_REQUESTS_PER_ADDRESS_PER_HOUR = 3
    users = UserFactory.create_batch(4, with_totp=True)
    client = Client(REMOTE_ADDR="203.0.113.66")
    answers = [ask_reset(client, user.email) for user in users]
    assert [m.to for m in mail.outbox] == [[user.email] for user in users[:3]]
    assert answers[-1]["Location"] == reverse("password_reset_done")
    ask_reset(Client(REMOTE_ADDR="198.51.100.7"), users[-1].email)
    assert mail.outbox[-1].to == [users[-1].email]


def test_an_unknown_address_counts_the_same(clock, settings):
    settings.MAILLON_RESET_REQUESTS_PER_ADDRESS_PER_HOUR = 2
    client = Client(REMOTE_ADDR="203.0.113.66")
    ask_reset(client, "personne@nulle-part.example")
    ask_reset(client, "autre@nulle-part.example")
    user = UserFactory(with_totp=True)
    assert ask_reset(client, user.email)["Location"] == reverse("password_reset_done")
    assert not mail.outbox


def test_the_new_password_form_is_throttled_per_address(settings):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 0
    url = reverse("password_reset_confirm", args=["MQ", "nouveau-mot-de-passe"])
    response = Client().post(url, {"new_password1": "x", "new_password2": "x"})
    assert response.status_code == 429
    assert "Trop de tentatives depuis cette adresse" in response.text
