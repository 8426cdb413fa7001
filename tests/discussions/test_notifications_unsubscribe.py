"""One-click unsubscribe from a space's e-mails: a signed link per person and space."""

import pytest
from django.core import mail

from maillon.core.models import CptsRole
from maillon.discussions import notifications, services
from maillon.discussions.models import DiscussionSpace, NotifyLevel, SpaceKind

from .notifying import URLCONF, person, sent_to, write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages(settings):
    settings.ROOT_URLCONF = URLCONF


def token_of(url: str) -> str:
    return url.strip("<>").rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture
def group(cpts, django_capture_on_commit_callbacks):
    alice = person(cpts, "Alice", "Durand", coordinator=True)
    bruno = person(cpts, "Bruno", "Martin")
    space = services.create_working_group(cpts, name="Parcours diabète", users=[bruno], by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.start_topic(space, title="Ateliers", body="Bonjour.", by=alice)
    mail.outbox.clear()
    return {"space": space, "topic": first.topic, "alice": alice, "bruno": bruno}


def test_the_token_names_the_person_in_the_space_and_a_tampered_one_names_nobody(group):
    place = group["space"].participants.get(user=group["bruno"])
    token = notifications.unsubscribe_token(place)

    assert notifications.participant_of_token(token) == place
    assert notifications.participant_of_token(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]) is None
    assert notifications.participant_of_token("pas-un-jeton") is None
    assert notifications.unsubscribe_url(place).startswith("http")


def test_the_email_carries_the_one_click_link_and_unsubscribing_stops_the_space(
    group, django_capture_on_commit_callbacks
):
    write(django_capture_on_commit_callbacks, group["topic"], group["alice"], "Atelier le 12.")
    [email] = sent_to(group["bruno"])
    header = email.extra_headers["List-Unsubscribe"]
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header.strip("<>") in email.body  # the same link in the footer

    place = notifications.participant_of_token(token_of(header))
    assert place.user == group["bruno"] and place.space == group["space"]
    assert notifications.unsubscribe(place) is True
    assert notifications.unsubscribe(place) is False  # already
    place.refresh_from_db()
    assert place.notify == NotifyLevel.NONE

    write(django_capture_on_commit_callbacks, group["topic"], group["alice"], "@Bruno Martin tu viens ?")
    assert len(sent_to(group["bruno"])) == 1  # nothing more, not even a mention


def test_a_reader_without_a_row_unsubscribes_too_and_loses_the_link_with_the_space(
    cpts, django_capture_on_commit_callbacks
):
    services.ensure_cpts_spaces(cpts)
    space = DiscussionSpace.objects.get(cpts=cpts, kind=SpaceKind.MEMBERS)
    alice, bruno = person(cpts, "Alice", "Durand"), person(cpts, "Bruno", "Martin")
    with django_capture_on_commit_callbacks(execute=True):
        message = services.start_topic(space, title="Garde", body="@Bruno Martin disponible ?", by=alice)
    token = token_of(sent_to(bruno)[0].extra_headers["List-Unsubscribe"])

    place = notifications.participant_of_token(token)
    assert place.pk is None and place.user == bruno  # no row yet: made when they unsubscribe
    assert notifications.unsubscribe(place) is True
    assert space.participants.get(user=bruno).notify == NotifyLevel.NONE
    write(django_capture_on_commit_callbacks, message.topic, alice, "@Bruno Martin relance")
    assert len(sent_to(bruno)) == 1

    other = person(cpts, "Claire", "Petit")
    other_token = notifications.unsubscribe_token(notifications.Participant(space=space, user=other))
    CptsRole.objects.filter(user=other).delete()  # left the CPTS: no longer a reader, no row
    assert notifications.participant_of_token(other_token) is None
