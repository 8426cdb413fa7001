"""The welcome kit of an installation project, as a page and as a PDF: the CPTS's contacts, its
missions, the adherents practising near the commune envisaged — their public directory data
only (name, profession, practice place and its phone; never a personal e-mail or phone, nor the
project's notes) — the coming meetings of mission 6 and public sessions. Whoever sees the project reads it;
the others get 404. The PDF's export of the directory is journaled once."""

import datetime
import html
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.missions import Mission
from maillon.core.models import JournalEntry
from maillon.meetings.factories import MeetingFactory
from maillon.members.factories import MembershipFactory, PracticePlaceFactory, ProfessionalFactory
from maillon.members.professions import Profession
from maillon.support import services
from maillon.support.factories import PublicSiteFactory
from maillon.territories.models import Commune

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def url(name, project):
    return reverse(name, args=[project.cpts.slug, project.pk])


@pytest.fixture
def project(cpts):
    return services.start_installation(
        cpts=cpts,
        by=None,
        first_name="Léa",
        last_name="Nouvelle",
        profession=Profession.INFIRMIER,
        email="lea.privee@example.org",
        commune=Commune.objects.get(pk="78646"),
        notes="Note interne : hésite encore.",
    )


@pytest.fixture
def colleague(cpts):
    """An adherent nurse practising in the commune envisaged, with a personal e-mail and phone."""
    professional = ProfessionalFactory(
        first_name="Claire", last_name="Voisine", nurse=True, email="claire.perso@example.org", phone="06 11 22 33 44"
    )
    PracticePlaceFactory(
        professional=professional,
        address="3 rue de la Paroisse",
        commune=Commune.objects.get(pk="78646"),
        phone="01 39 00 00 01",
    )
    return MembershipFactory(cpts=cpts, professional=professional)


@pytest.fixture
def agenda(cpts):
    """The CPTS's number for patients; a cross-training's meeting (mission 6) and an internal
    meeting, both fixed."""
    PublicSiteFactory(cpts=cpts, patient_phone="01 02 03 04 05")
    starts = timezone.now() + datetime.timedelta(days=10)
    for title, mission in (
        ("Formation croisée — plaies chroniques", Mission.SUPPORT),
        ("Bureau de la CPTS", Mission.PATHWAYS),
    ):
        MeetingFactory(
            cpts=cpts,
            title=title,
            mission=mission,
            status="scheduled",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
        )


def test_the_kit_page_lists_the_contacts_the_colleagues_near_and_the_meetings(
    cpts, coordinator, project, colleague, agenda
):
    page = text(verified_client(coordinator).get(url("welcome_kit", project)))
    assert "Kit d'accueil de Léa Nouvelle" in page
    assert "01 02 03 04 05" in page  # the CPTS's number for patients
    assert "Claire Voisine" in page and "3 rue de la Paroisse" in page and "01 39 00 00 01" in page
    assert "claire.perso@example.org" not in page and "06 11 22 33 44" not in page
    assert "Formation croisée — plaies chroniques" in page and "Bureau de la CPTS" not in page
    assert "Aucun contrat ACI en vigueur aujourd'hui." in page


def test_the_pdf_holds_public_directory_data_only(cpts, coordinator, project, colleague, agenda):
    response = verified_client(coordinator).get(url("welcome_kit_pdf", project))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"kit-d-accueil-{cpts.slug}-{project.pk}.pdf" in response["Content-Disposition"]
    content = pdf_text(response)
    assert "Kit d'accueil — CPTS Plaine de Versailles" in content
    assert "Claire Voisine" in content and "01 39 00 00 01" in content and "Infirmier" in content
    assert "Formation croisée — plaies chroniques" in content and "Bureau de la CPTS" not in content
    for private in ("claire.perso@example.org", "06 11 22 33 44", "lea.privee@example.org", "hésite encore"):
        assert private not in content
    entry = JournalEntry.objects.get(object_id="welcome_kit")
    assert entry.action == "export" and entry.cpts_id == cpts.pk
    assert "Voisine" not in entry.note and "1 professionnel" in entry.note


def test_the_professional_of_the_project_reads_it_and_other_members_get_404(cpts, member, project):
    client = verified_client(member)
    assert client.get(url("welcome_kit", project)).status_code == 404
    assert client.get(url("welcome_kit_pdf", project)).status_code == 404
    project.membership = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=member))
    project.save()
    assert client.get(url("welcome_kit", project)).status_code == 200
    assert client.get(url("welcome_kit_pdf", project))["Content-Type"] == "application/pdf"


def test_another_cpts_gets_404(other_cpts, project):
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    client = verified_client(outsider)
    assert client.get(url("welcome_kit", project)).status_code == 404
    assert client.get(url("welcome_kit_pdf", project)).status_code == 404
