"""Small pieces shared by the tests of the discussion spaces' e-mails (notifications.py)."""

import datetime
import re
import zoneinfo

from django.core import mail

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.discussions import services
from maillon.discussions.models import Message

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# The e-mails link to pages other helpers declare: until they exist, stand-ins (see the module).
URLCONF = "tests.discussions.notification_urls"


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def person(cpts, first_name, last_name, **role):
    """Someone with a role in the CPTS, named for « @Prénom Nom »."""
    user = UserFactory(first_name=first_name, last_name=last_name, email=f"{first_name.lower()}@example.org")
    CptsRoleFactory(cpts=cpts, user=user, **role)
    return user


def write(capture, topic, by, body, *, when=None) -> Message:
    """A reply, committed (its e-mails sent by the inline queue); `when` dates it."""
    with capture(execute=True):
        message = services.post_message(topic, body=body, by=by)
    if when is not None:
        Message.objects.filter(pk=message.pk).update(created_at=when)
        message.refresh_from_db()
    return message


def sent_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def addresses() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def link_in(text: str, prefix: str) -> str:
    """The first link of `text` that starts with `prefix`."""
    match = re.search(rf"{re.escape(prefix)}\S*", text)
    assert match, f"no link starting with {prefix} in {text}"
    return match.group()
