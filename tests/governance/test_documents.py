"""Founding documents: versions numbered per document, PDF/ODT/DOCX only, 10 Mo at most,
downloads for members of the CPTS only, journaled as exports."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.governance.factories import DocumentVersionFactory, FoundingDocumentFactory
from maillon.governance.models import MAX_DOCUMENT_BYTES, DocumentVersion, FoundingDocument, validate_document_file
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n% statuts\n"


def upload(name, data=PDF):
    return SimpleUploadedFile(name, data)


def post_version(client, cpts, document, file, adopted_on="2026-03-01"):
    return client.post(
        reverse("governance_documents", args=[cpts.slug]),
        {
            "action": "version",
            "document": document.pk,
            f"v{document.pk}-file": file,
            f"v{document.pk}-adopted_on": adopted_on,
            f"v{document.pk}-note": "AG du 1er mars",
        },
    )


def test_versions_are_numbered_per_document(cpts, coordinator):
    statutes = FoundingDocumentFactory(cpts=cpts)
    charter = FoundingDocumentFactory(cpts=cpts, kind="charter", title="Charte")

    assert statutes.add_version(file=upload("v1.pdf"), adopted_on="2024-01-01").number == 1
    assert statutes.add_version(file=upload("v2.pdf"), adopted_on="2025-01-01").number == 2
    assert charter.add_version(file=upload("c.odt", b"PK\x03\x04odt"), adopted_on="2025-01-01").number == 1
    assert statutes.add_version(file=upload("v3.docx", b"PK\x03\x04docx"), adopted_on="2026-01-01").number == 3


def test_the_coordinator_creates_a_document_and_uploads_a_version(cpts, coordinator):
    client = verified_client(coordinator)
    url = reverse("governance_documents", args=[cpts.slug])
    client.post(url, {"action": "document", "doc-kind": "statutes", "doc-title": "Statuts"})
    document = FoundingDocument.objects.get(cpts=cpts)

    response = post_version(client, cpts, document, upload("statuts.pdf"))

    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert (version.number, version.uploaded_by, version.note) == (1, coordinator, "AG du 1er mars")
    assert version.file.name.startswith("governance/")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("statuts.exe", PDF, "seuls les formats PDF (.pdf), ODT (.odt) et DOCX (.docx)"),
        ("statuts.pdf", b"MZ not a pdf", "ne correspond pas à un fichier PDF"),
        ("statuts.docx", PDF, "ne correspond pas à un fichier DOCX"),
        ("statuts.pdf", PDF + b"0" * MAX_DOCUMENT_BYTES, "10 Mo au plus (ce fichier fait 10,0 Mo)"),
    ],
)
def test_a_bad_file_is_refused_with_a_french_error(cpts, coordinator, name, data, message):
    document = FoundingDocumentFactory(cpts=cpts)

    response = post_version(verified_client(coordinator), cpts, document, upload(name, data))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DocumentVersion.objects.exists()
    with pytest.raises(ValidationError):
        validate_document_file(upload(name, data))


def test_a_member_downloads_a_version_and_the_download_is_journaled(cpts, member):
    version = DocumentVersionFactory(document__cpts=cpts, number=2)

    response = verified_client(member).get(reverse("governance_document_download", args=[cpts.slug, version.pk]))

    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 statuts"
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    entry = JournalEntry.objects.get(action="export", object_type="governance.DocumentVersion")
    assert (entry.actor_id, entry.cpts_id, entry.object_id) == (member.pk, cpts.pk, str(version.pk))


def test_a_member_cannot_upload(cpts, member):
    document = FoundingDocumentFactory(cpts=cpts)
    response = post_version(verified_client(member), cpts, document, upload("statuts.pdf"))
    assert response.status_code == 403
    assert not DocumentVersion.objects.exists()


def test_a_version_of_another_cpts_is_not_found(cpts, other_cpts, member):
    version = DocumentVersionFactory(document__cpts=other_cpts)
    response = verified_client(member).get(reverse("governance_document_download", args=[cpts.slug, version.pk]))
    assert response.status_code == 404
