"""Attachments: type and content checked (a wrong one refused, the message not written), then
downloaded only through the page that asks the space's policy, always as a download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillon.discussions.models import Attachment, Message
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def pdf(name="compte-rendu.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 le compte rendu", content_type="application/pdf")


def test_two_files_are_attached_and_downloaded_by_a_reader(member_client, coordinator_client, topic, member):
    response = member_client.post(
        reverse("discussions_reply", args=[topic.pk]),
        {"body": "Le compte rendu", "files": [pdf(), pdf("annexe.pdf")]},
    )
    assert response.status_code == 302
    message = Message.objects.get(topic=topic, author=member)
    attachments = list(message.attachments.order_by("pk"))
    assert [attachment.name for attachment in attachments] == ["compte-rendu.pdf", "annexe.pdf"]
    page = coordinator_client.get(reverse("discussions_topic", args=[topic.pk])).content.decode()
    url = reverse("discussions_attachment", args=[attachments[0].pk])
    assert url in page
    download = coordinator_client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download.content.startswith(b"%PDF")


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_written(member_client, topic, member):
    fake = SimpleUploadedFile("programme.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = member_client.post(reverse("discussions_reply", args=[topic.pk]), {"body": "Voici", "files": [fake]})
    assert response.status_code == 400
    assert "Pièce jointe « programme.exe » : seuls les fichiers PDF" in response.content.decode()
    assert not Message.objects.filter(author=member).exists()
    disguised = SimpleUploadedFile("photo.png", b"pas une image", content_type="image/png")
    response = member_client.post(
        reverse("discussions_reply", args=[topic.pk]), {"body": "Voici", "files": [disguised]}
    )
    assert response.status_code == 400
    assert "le contenu ne correspond pas à un fichier PNG" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_stranger_gets_404_and_a_hidden_message_keeps_its_files(member_client, topic, stranger, coordinator):
    from maillon.discussions import services

    member_client.post(reverse("discussions_reply", args=[topic.pk]), {"body": "Pièce", "files": [pdf()]})
    attachment = Attachment.objects.get()
    url = reverse("discussions_attachment", args=[attachment.pk])
    assert verified_client(stranger).get(url).status_code == 404
    services.hide_message(attachment.message, by=coordinator)
    assert verified_client(coordinator).get(url).status_code == 200
    other = verified_client(services.join(topic.space, _another_member(topic.space.cpts)).user)
    assert other.get(url).status_code == 404


def _another_member(cpts):
    from maillon.core.factories import CptsRoleFactory, UserFactory

    return CptsRoleFactory(cpts=cpts, user=UserFactory(with_totp=True)).user
