"""Authors edit or delete their own message within MAILLON_DISCUSSION_EDIT_MINUTES of sending
it; nobody else, and not later. (Time moved the project's way: `timezone.now` patched.)"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.discussions import policies, services
from maillon.discussions.models import MessageStatus

from .spaces_support import members_space, person

pytestmark = pytest.mark.django_db


def later(monkeypatch, minutes):
    now = timezone.now() + datetime.timedelta(minutes=minutes)
    monkeypatch.setattr(timezone, "now", lambda: now)


def test_edit_and_delete_only_within_the_delay(monkeypatch, settings):
    settings.MAILLON_DISCUSSION_EDIT_MINUTES = 15
    space = members_space()
    author = person(space.cpts)
    kept = services.start_topic(space, title="Garde", body="Premier jet", by=author)
    taken_back = services.post_message(kept.topic, body="Erreur de sujet", by=author)

    later(monkeypatch, 14)
    services.edit_message(kept, body="Version corrigée", by=author)
    kept.refresh_from_db()
    assert (kept.body, kept.edited_at) == ("Version corrigée", timezone.now())

    later(monkeypatch, 16)
    assert not policies.can_edit_message(author, kept)
    assert not policies.can_delete_message(author, taken_back)
    with pytest.raises(ValidationError) as refused:
        services.edit_message(kept, body="Trop tard", by=author)
    assert refused.value.message_dict["body"] == [
        "Message : il ne se modifie que par son auteur, dans les 15 minutes après son envoi."
    ]
    with pytest.raises(ValidationError):
        services.delete_message(taken_back, by=author)
    kept.refresh_from_db()
    taken_back.refresh_from_db()
    assert kept.body == "Version corrigée"
    assert taken_back.status == MessageStatus.VISIBLE


def test_only_the_author_edits_or_deletes_even_a_coordinator_does_not():
    space = members_space()
    author = person(space.cpts)
    coordinator = person(space.cpts, first_name="Anne", coordinator=True)
    message = services.start_topic(space, title="Garde", body="Premier jet", by=author)
    assert not policies.can_edit_message(coordinator, message)
    with pytest.raises(ValidationError):
        services.edit_message(message, body="Réécrit", by=coordinator)
    with pytest.raises(ValidationError):
        services.delete_message(message, by=coordinator)


def test_an_author_no_longer_in_the_cpts_edits_nothing():
    space = members_space()
    author = person(space.cpts)
    message = services.start_topic(space, title="Garde", body="Premier jet", by=author)
    author.cpts_roles.all().delete()
    author = type(author).objects.get(pk=author.pk)  # fresh: no cached rights
    assert not policies.can_edit_message(author, message)
