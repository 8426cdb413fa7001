"""The checklist of the 10 steps in a CPTS's space: who reads it, who plans and ticks a step,
the steps a decision ticks, the documents of a step."""

import datetime
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import CptsStatus
from maillon.creation.factories import CreationStepFactory, StepDocumentFactory
from maillon.creation.models import CreationStep, Step, StepDocument
from maillon.territories.services import record_step

from .cpts_space import ars_authority, cpam_authority, logged_in, other_coordinator, url

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def text(response) -> str:
    return unescape(response.content.decode())


def test_the_coordinator_opening_the_checklist_creates_its_ten_rows(cpts, coordinator):
    response = logged_in(coordinator).get(url("creation_steps", cpts))

    assert response.status_code == 200
    assert CreationStep.objects.filter(cpts=cpts).count() == 10
    page = text(response)
    assert "0 sur 10 étapes faites." in page
    assert "Déposer la lettre d'intention auprès de l'ARS" in page
    assert url("creation_step_edit", cpts, 5) in page


def test_a_decided_step_is_ticked_by_its_decision_with_its_date(cpts, coordinator):
    cpts.record_step(status=CptsStatus.LETTER_OF_INTENT, on=datetime.date(2026, 3, 2), by=None)
    CreationStepFactory(cpts=cpts, step=Step.PROMOTERS, done_on=datetime.date(2026, 1, 5))

    page = text(logged_in(coordinator).get(url("creation_steps", cpts)))

    assert "2 sur 10 étapes faites." in page
    assert "faite le 02/03/2026" in page and "faite le 05/01/2026" in page
    assert "Cochée par l'acceptation de la lettre d'intention par l'ARS." in page


@pytest.mark.parametrize("who", ["member", "ars", "cpam"])
def test_the_checklist_is_read_by_the_members_and_the_authorities_without_edit_links(cpts, member, who):
    user = {"member": member, "ars": ars_authority(cpts), "cpam": cpam_authority(cpts)}[who]
    StepDocumentFactory(step=CreationStepFactory(cpts=cpts, step=Step.LEGAL_STRUCTURE), title="Statuts signés")

    response = logged_in(user).get(url("creation_steps", cpts))

    assert response.status_code == 200
    assert "Statuts signés" in text(response)
    assert url("creation_step_edit", cpts, 5) not in text(response)
    # Reading creates nothing.
    assert CreationStep.objects.filter(cpts=cpts).count() == 1


def test_another_cpts_coordinator_gets_404_and_a_visitor_the_login(cpts, other_cpts, client):
    outsider = other_coordinator(other_cpts)
    assert logged_in(outsider).get(url("creation_steps", cpts)).status_code == 404
    assert logged_in(outsider).get(url("creation_step_edit", cpts, 5)).status_code == 404
    response = client.get(url("creation_steps", cpts))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_coordinator_plans_ticks_and_notes_a_step(cpts, coordinator):
    today = timezone.localdate()
    response = logged_in(coordinator).post(
        url("creation_step_edit", cpts, Step.LEGAL_STRUCTURE),
        {
            "action": "step",
            "step-planned_on": "2026-01-10",
            "step-done_on": today.strftime("%d/%m/%Y"),
            "step-note": "Assemblée constitutive",
        },
    )

    assert response.status_code == 302 and response["Location"] == url("creation_steps", cpts)
    step = CreationStep.objects.get(cpts=cpts, step=Step.LEGAL_STRUCTURE)
    assert (step.planned_on, step.done_on, step.note) == (datetime.date(2026, 1, 10), today, "Assemblée constitutive")


def test_a_done_date_in_the_future_is_refused_naming_the_field(cpts, coordinator):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = logged_in(coordinator).post(
        url("creation_step_edit", cpts, Step.LEGAL_STRUCTURE),
        {"action": "step", "step-done_on": tomorrow.isoformat(), "step-note": ""},
    )

    assert response.status_code == 400
    assert "Faite le : la date ne peut pas être dans le futur." in text(response)
    assert CreationStep.objects.get(cpts=cpts, step=Step.LEGAL_STRUCTURE).done_on is None


def test_a_decided_step_is_planned_and_noted_but_never_ticked_by_hand(cpts, coordinator):
    edit = url("creation_step_edit", cpts, Step.VALIDATION)
    page = text(logged_in(coordinator).get(edit))
    assert "Cette étape est cochée par la validation du projet de santé" in page
    assert 'name="step-done_on"' not in page

    logged_in(coordinator).post(
        edit, {"action": "step", "step-planned_on": "2026-09-01", "step-done_on": "2026-01-01", "step-note": "Visée"}
    )

    step = CreationStep.objects.get(cpts=cpts, step=Step.VALIDATION)
    assert (step.planned_on, step.done_on, step.note) == (datetime.date(2026, 9, 1), None, "Visée")


def test_a_member_may_not_edit_a_step_nor_delete_a_document(cpts, member):
    document = StepDocumentFactory(step=CreationStepFactory(cpts=cpts, step=Step.LEGAL_STRUCTURE))
    reader = logged_in(member)

    assert reader.get(url("creation_step_edit", cpts, 5)).status_code == 403
    assert reader.post(url("creation_step_edit", cpts, 5), {"action": "step"}).status_code == 403
    assert reader.post(url("creation_step_document_delete", cpts, document.pk)).status_code == 403
    assert StepDocument.objects.filter(pk=document.pk).exists()


def test_an_authority_may_not_edit_a_step(cpts):
    assert logged_in(ars_authority(cpts)).get(url("creation_step_edit", cpts, 5)).status_code == 403


def test_an_unknown_step_number_is_404(cpts, coordinator):
    assert logged_in(coordinator).get(url("creation_step_edit", cpts, 11)).status_code == 404


def test_the_coordinator_uploads_downloads_and_deletes_a_document(cpts, coordinator, member):
    editor = logged_in(coordinator)
    upload = SimpleUploadedFile("statuts.pdf", PDF, content_type="application/pdf")
    response = editor.post(
        url("creation_step_edit", cpts, Step.LEGAL_STRUCTURE),
        {"action": "document", "doc-title": "Statuts de l'association", "doc-file": upload},
    )
    assert response.status_code == 302
    document = StepDocument.objects.get(step__cpts=cpts)
    assert document.title == "Statuts de l'association" and document.uploaded_by == coordinator

    download = logged_in(member).get(url("creation_step_document_download", cpts, document.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download) == PDF
    assert f"etape-5-document-{document.pk}.pdf" in download["Content-Disposition"]

    deleted = editor.post(url("creation_step_document_delete", cpts, document.pk))
    assert deleted.status_code == 302 and deleted["Location"] == url("creation_step_edit", cpts, 5)
    assert not StepDocument.objects.filter(pk=document.pk).exists()


def test_a_file_other_than_pdf_odt_docx_is_refused_naming_the_field(cpts, coordinator):
    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    response = logged_in(coordinator).post(
        url("creation_step_edit", cpts, Step.LEGAL_STRUCTURE),
        {"action": "document", "doc-title": "Notes", "doc-file": upload},
    )

    assert response.status_code == 400
    assert "Fichier : seuls les formats PDF (.pdf), ODT (.odt) et DOCX (.docx) sont acceptés." in text(response)
    assert not StepDocument.objects.exists()


def test_a_missing_title_is_refused_naming_the_field(cpts, coordinator):
    upload = SimpleUploadedFile("statuts.pdf", PDF, content_type="application/pdf")
    response = logged_in(coordinator).post(
        url("creation_step_edit", cpts, Step.LEGAL_STRUCTURE),
        {"action": "document", "doc-title": "", "doc-file": upload},
    )

    assert response.status_code == 400
    assert "Titre du document : ce champ est obligatoire." in text(response)


def test_another_cpts_document_is_404(cpts, other_cpts, coordinator):
    document = StepDocumentFactory(step=CreationStepFactory(cpts=other_cpts, step=Step.LEGAL_STRUCTURE))

    assert logged_in(coordinator).get(url("creation_step_document_download", cpts, document.pk)).status_code == 404
    assert logged_in(coordinator).post(url("creation_step_document_delete", cpts, document.pk)).status_code == 404
    assert StepDocument.objects.filter(pk=document.pk).exists()


def test_a_dissolved_cpts_steps_are_read_only(cpts, coordinator):
    record_step(cpts, status=CptsStatus.DISSOLVED, on=timezone.localdate(), by=None)

    assert logged_in(coordinator).get(url("creation_steps", cpts)).status_code == 200
    assert logged_in(coordinator).get(url("creation_step_edit", cpts, 5)).status_code == 403
