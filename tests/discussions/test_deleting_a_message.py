"""Deleting one's message erases its text and its files; its place in the thread remains."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from maillon.discussions import policies, services
from maillon.discussions.models import Attachment, MessageStatus

from .spaces_support import members_space, person

pytestmark = pytest.mark.django_db


def pdf(name="compte-rendu.pdf"):
    return ContentFile(b"%PDF-1.4 un compte rendu", name=name)


def test_deleting_erases_the_text_and_files(django_capture_on_commit_callbacks):
    space = members_space()
    author = person(space.cpts)
    named = person(space.cpts, "Hélène", "Lefèvre")
    message = services.start_topic(
        space, title="Réunion", body="Le compte rendu, @Hélène Lefèvre", by=author, files=[pdf(), pdf("annexe.pdf")]
    )
    paths = [attachment.file.name for attachment in message.attachments.all()]
    assert len(paths) == 2 and all(default_storage.exists(path) for path in paths)
    assert message.mentions.filter(user=named).exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_message(message, by=author)
        assert all(default_storage.exists(path) for path in paths)  # until the deletion is committed

    message.refresh_from_db()
    assert (message.status, message.body, message.search_text) == (MessageStatus.DELETED, "", "")
    assert not Attachment.objects.exists()
    assert not any(default_storage.exists(path) for path in paths)
    assert not message.mentions.exists()
    event = message.events.get()
    assert (event.from_status, event.to_status, event.by) == (MessageStatus.VISIBLE, MessageStatus.DELETED, author)
    # Its place in the thread remains, counted.
    message.topic.refresh_from_db()
    assert message.topic.message_count == 1


def test_a_deleted_message_is_final():
    space = members_space()
    author = person(space.cpts)
    coordinator = person(space.cpts, first_name="Anne", coordinator=True)
    message = services.start_topic(space, title="Réunion", body="Erreur", by=author)
    services.delete_message(message, by=author)
    assert not policies.can_hide_message(coordinator, message)
    assert not policies.can_edit_message(author, message)
    with pytest.raises(Exception):  # noqa: B017 — the workflow's refusal
        services.hide_message(message, by=coordinator)


def test_an_attachment_of_the_wrong_type_or_content_is_refused():
    space = members_space()
    author = person(space.cpts)
    with pytest.raises(ValidationError, match=r"Pièce jointe « script\.exe »"):
        services.start_topic(space, title="Fichier", body="Voici", by=author, files=[ContentFile(b"MZ", "script.exe")])
    with pytest.raises(ValidationError, match="ne correspond pas à un fichier PDF"):
        services.start_topic(space, title="Fichier", body="Voici", by=author, files=[ContentFile(b"MZ", "faux.pdf")])
    with pytest.raises(ValidationError, match="5 fichiers au plus"):
        services.start_topic(space, title="Fichier", body="Voici", by=author, files=[pdf() for _ in range(6)])
    assert not Attachment.objects.exists()
