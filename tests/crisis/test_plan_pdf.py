"""The plan as a PDF a préfet's office reads on paper: every section in the template's
order, the professionals, the version's state; the download is journaled."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from maillon.core.models import JournalEntry
from maillon.crisis import services, template
from tests.conftest import verified_client

from .conftest import validated_version

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_pdf_holds_every_section_the_professionals_and_the_validation(cpts, coordinator, authority):
    version = validated_version(cpts, coordinator, authority, year=2025)
    professional = version.professionals.first().professional

    response = verified_client(coordinator).get(reverse("crisis_plan_pdf", args=[cpts.slug, 2025]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Plan de gestion des crises sanitaires exceptionnelles 2025" in text
    assert "Version validée le" in text
    for section in template.SECTIONS:
        assert section.title.split(" — ")[0] in text
    assert "Typologie 4 — Accident ou attentat nucléaire" in text
    assert professional.last_name in text and "Vaccinateur" in text
    positions = [text.index(title) for title in ("Organisation générale", "Typologie 1", "Typologie 5", "Formation")]
    assert positions == sorted(positions)


def test_a_draft_says_it_is_not_validated_and_the_download_is_journaled(cpts, coordinator):
    version = services.start_version(cpts, by=coordinator, year=2026)

    text = pdf_text(verified_client(coordinator).get(reverse("crisis_plan_pdf", args=[cpts.slug, 2026])))

    assert "Brouillon — version de travail, non validée" in text
    assert "(non renseigné)" in text
    assert JournalEntry.objects.filter(
        action="export", object_type="crisis.PlanVersion", object_id=str(version.pk)
    ).exists()
