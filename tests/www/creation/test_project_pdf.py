"""The PDF of a version of the projet de santé, for the partners."""

import io

import pytest
from pypdf import PdfReader

from maillon.creation import services
from maillon.creation.models import Funder, ReviewDecision

from .cpts_space import ars_authority, complete_draft, logged_in, url

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_pdf_holds_the_cpts_the_version_its_fiches_and_the_decisions(cpts, coordinator, member):
    version = complete_draft(cpts, coordinator)
    services.submit_project(version, by=coordinator)
    ars = ars_authority(cpts)
    services.review_project(
        version, by=ars, funder=Funder.ARS, decision=ReviewDecision.RETURNED, comments="Précisez le calendrier."
    )

    response = logged_in(member).get(url("creation_project_pdf", cpts, version.number))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"projet-de-sante-{cpts.slug}-version-1.pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response)
    assert "Projet de santé — version 1" in text
    assert cpts.name in text
    assert "Fiche-action : Fiche de la mission 1" in text
    assert "Un territoire rural vieillissant." in text
    assert "Renvoyé avec des remarques" in text and "Précisez le calendrier." in text


def test_the_pdf_is_read_by_the_territory_s_authority(cpts, coordinator):
    version = complete_draft(cpts, coordinator)

    response = logged_in(ars_authority(cpts)).get(url("creation_project_pdf", cpts, version.number))

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
