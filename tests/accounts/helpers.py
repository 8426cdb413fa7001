"""Shared steps of the account tests."""

import re

from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils.html import escape
from django_otp.oath import TOTP

from maillon.core.factories import DEFAULT_PASSWORD


def code_for(device, *, offset=0) -> str:
    """The code the authenticator app shows now (offset: steps later or earlier)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code_for(device) -> str:
    """A code accepted at no step of the tolerance window."""
    valid = {code_for(device, offset=offset) for offset in range(-2, 3)}
    return next(code for code in (f"{n:06d}" for n in range(1_000_000)) if code not in valid)


def give_password(client: Client, user, *, password=DEFAULT_PASSWORD, next_url=None):
    data = {"email": user.email, "password": password}
    if next_url:
        data["next"] = next_url
    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker sends the enrolment link
        return client.post(reverse("login"), data)


def give_code(client: Client, code, *, url_name="login_second_factor"):
    return client.post(reverse(url_name), {"code": code})


def log_in(client: Client, user, device):
    give_password(client, user)
    return give_code(client, code_for(device))


def enrolment_link_in(message) -> str:
    """The path of the enrolment link in an e-mail sent after the password step."""
    return re.search(r"https?://[^/\s]+(/compte/connexion/lien-double-authentification/\S+/)", message.body).group(1)


def last_enrolment_link(user) -> str:
    message = [m for m in mail.outbox if m.to == [user.email]][-1]
    return enrolment_link_in(message)


def start_enrolment(client: Client, user):
    """Password step of an account without authenticator, then the link it e-mails: the enrolment page."""
    give_password(client, user)
    return client.get(last_enrolment_link(user))


def shows(response, text) -> bool:
    """Whether the page shows `text` (as the template escapes it)."""
    return escape(text) in response.content.decode()
