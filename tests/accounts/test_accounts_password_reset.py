"""Password reset: tells nothing about who has an account, and never skips the second factor."""

import re

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from maillon.core.factories import UserFactory
from maillon.core.models import User
from tests.accounts.helpers import code_for, give_code, give_password, shows

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]
NEW_PASSWORD = "une nouvelle phrase de passe"


def ask_reset(client, email):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker sends the link
        return client.post(reverse("password_reset"), {"email": email})


def reset_link(message):
    return re.search(r"https?://[^/\s]+(/compte/mot-de-passe/\S+/)", message.body).group(1)


def test_the_answer_is_the_same_whether_the_address_has_an_account_or_not(client):
    user = UserFactory(with_totp=True)
    known = ask_reset(client, user.email)
    unknown = ask_reset(Client(), "personne@nulle-part.example")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert "Maillon" in message.subject


def test_an_invited_person_who_never_chose_a_password_gets_no_reset_link(client):
    user = User.objects.create_user("invitee@example.org")
    ask_reset(client, user.email)
    assert not mail.outbox


def test_a_reset_changes_the_password_but_does_not_log_in(client):
    user = UserFactory(with_totp=True)
    ask_reset(client, user.email)
    form_url = client.get(reset_link(mail.outbox[0]))["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("password_reset_complete")
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("account"))["Location"].startswith(reverse("login"))


def test_after_a_reset_the_second_factor_is_still_asked(client):
    user = UserFactory(with_totp=True)
    ask_reset(client, user.email)
    form_url = client.get(reset_link(mail.outbox[0]))["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert give_password(client, user, password=NEW_PASSWORD)["Location"] == reverse("login_second_factor")
    assert client.get(reverse("account"), follow=True).redirect_chain[-1][0] == reverse("login_second_factor")
    assert give_code(client, code_for(user.totpdevice_set.get()))["Location"] == reverse("account")


def test_a_reset_link_works_once(client):
    user = UserFactory(with_totp=True)
    ask_reset(client, user.email)
    link = reset_link(mail.outbox[0])
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert shows(Client().get(link), "Lien invalide ou expiré")


def test_the_pages_are_in_french(client):
    assert shows(client.get(reverse("password_reset")), "Mot de passe oublié")
    assert shows(client.get(reverse("password_reset_done")), "Vérifiez votre messagerie")
    assert shows(client.get(reverse("password_reset_complete")), "Mot de passe modifié")
