"""The materials library of an action: the coordination adds a material with its first file
and then new versions (PDF, PNG, JPEG only); every reader downloads each version as an
attachment, journaled."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.prevention.models import Material, MaterialVersion

from ..conftest import verified_client
from .test_pages_access import action_fixture, material_fixture, owner_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def pdf(name="guide.pdf", content=b"%PDF-1.7 guide"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_coordination_adds_a_material_with_its_first_version(cpts, coordinator, action):
    client = verified_client(coordinator)
    response = client.post(
        reverse("prevention_material_new", args=[cpts.slug, action.pk]),
        {
            "title": "Guide de santé sexuelle",
            "kind": "guide",
            "public": "on",
            "file": pdf(),
            "note": "Première édition",
        },
    )
    assert response.status_code == 302
    material = Material.objects.get(action=action)
    assert material.public and material.cpts == cpts
    assert list(material.versions.values_list("number", flat=True)) == [1]
    page = client.get(reverse("prevention_action", args=[cpts.slug, action.pk])).content.decode()
    assert "Guide de santé sexuelle" in page
    assert reverse("prevention_material_download", args=[cpts.slug, material.pk, 1]) in page


def test_a_file_of_another_kind_is_refused_naming_the_field(cpts, coordinator, action):
    client = verified_client(coordinator)
    response = client.post(
        reverse("prevention_material_new", args=[cpts.slug, action.pk]),
        {"title": "", "kind": "flyer", "file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00")},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Titre : indiquez le titre du support." in page
    assert "Fichier : " in page
    assert not Material.objects.exists()


def test_new_versions_are_numbered_and_listed_newest_first(cpts, coordinator, material):
    client = verified_client(coordinator)
    url = reverse("prevention_material_version", args=[cpts.slug, material.pk])
    png = SimpleUploadedFile("flyer.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    assert client.post(url, {"file": png, "note": "Nouveau logo"}).status_code == 302
    assert list(material.versions.values_list("number", flat=True)) == [2, 1]
    refused = client.post(url, {"file": SimpleUploadedFile("flyer.txt", b"texte")})
    assert refused.status_code == 400
    assert "Fichier : " in refused.content.decode()
    assert MaterialVersion.objects.filter(material=material).count() == 2


def test_a_member_downloads_a_version_as_an_attachment_journaled(cpts, member, material):
    client = verified_client(member)
    response = client.get(reverse("prevention_material_download", args=[cpts.slug, material.pk, 1]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF-")
    assert JournalEntry.objects.filter(object_type="prevention.MaterialVersion", action="export").exists()
    assert client.get(reverse("prevention_material_download", args=[cpts.slug, material.pk, 9])).status_code == 404
