"""The PDFs of mission 5 (maillon/quality/documents.py): the conference record holds the FRCP's
content (case, question, participants and attendance, conclusions, decisions with owner and due
date) and the pathway evaluation its findings and timeline — both pseudonymised: the patient's
names appear nowhere, not even in the metadata."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from maillon.meetings.factories import InvitationFactory
from maillon.meetings.models import Attendance
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.pathways.factories import CareTaskFactory, InclusionFactory, ProgrammeFactory
from maillon.pathways.models import CareTaskStatus
from maillon.quality import documents
from maillon.quality.evaluation import evaluate
from maillon.quality.factories import CaseConferenceFactory, ConferenceDecisionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def text_of(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text().replace("\xa0", " ").split()) for page in pages)


def metadata_of(data: bytes) -> str:
    return " ".join(str(value) for value in (PdfReader(io.BytesIO(data)).metadata or {}).values())


@pytest.fixture
def inclusion(cpts):
    return InclusionFactory(
        cpts=cpts,
        birth_name="Lemaire",
        used_name="Vasseur",
        given_names="Odette",
        first_given_name="Odette",
        programme=ProgrammeFactory(cpts=cpts, name="Personnes âgées fragiles"),
        included_on=TODAY - 200 * DAY,
        consent_on=TODAY - 200 * DAY,
    )


def test_the_conference_record_holds_the_frcp_content_and_not_the_patient(cpts, inclusion):
    conference = CaseConferenceFactory(
        cpts=cpts,
        inclusion=inclusion,
        held=True,
        held_on=TODAY - 2 * DAY,
        context="Femme de 84 ans, vit seule, trois chutes.",
        question="Faut-il un accueil de jour ?",
        conclusions="Accueil de jour deux fois par semaine.",
    )
    nurse = MembershipFactory(
        cpts=cpts, professional=ProfessionalFactory(first_name="Inès", last_name="Moreau", nurse=True)
    )
    doctor = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(first_name="Paul", last_name="Girard"))
    InvitationFactory(meeting=conference.meeting, membership=nurse, attendance=Attendance.PRESENT)
    InvitationFactory(meeting=conference.meeting, membership=doctor, attendance=Attendance.ABSENT)
    ConferenceDecisionFactory(
        conference=conference, owner=nurse, description="Inscrire à l'accueil de jour", due_on=datetime.date(2031, 2, 3)
    )

    data = documents.conference_pdf(conference)
    text = text_of(data)

    assert data.startswith(b"%PDF")
    for expected in (
        "Fiche de concertation pluriprofessionnelle",
        f"Cas n° {conference.pk}",
        "Présentation du cas",
        "Femme de 84 ans, vit seule, trois chutes.",
        "Question posée",
        "Faut-il un accueil de jour ?",
        "Participants",
        "Inès Moreau",
        "Présent",
        "Paul Girard",
        "Absent",
        "Conclusions",
        "Accueil de jour deux fois par semaine.",
        "Décisions",
        "Inscrire à l'accueil de jour",
        "03/02/2031",
        "À faire",
    ):
        assert expected in text, expected
    for name in ("Lemaire", "Vasseur", "Odette"):
        assert name not in text and name not in metadata_of(data)
    assert f"Inclusion n° {inclusion.pk}" not in text
    assert documents.conference_filename(conference) == f"concertation-cas-{conference.pk}.pdf"


def test_a_conference_not_held_yet_has_a_record_without_conclusions(cpts):
    conference = CaseConferenceFactory(cpts=cpts)
    text = text_of(documents.conference_pdf(conference))
    assert "Pas encore tenue." in text and "Aucun participant invité." in text and "Aucune décision." in text


def test_the_evaluation_pdf_names_the_inclusion_and_its_findings_not_the_patient(cpts, inclusion):
    CareTaskFactory(
        inclusion=inclusion,
        title="Bilan gériatrique",
        due_on=TODAY - 150 * DAY,
        late_from=TODAY - 143 * DAY,
        status=CareTaskStatus.DONE,
        done_on=TODAY - 130 * DAY,
        outcome="Mme Vasseur a été vue au domicile",  # a free text naming her: masked
    )
    CaseConferenceFactory(cpts=cpts, inclusion=inclusion, held=True, held_on=TODAY - 100 * DAY)
    evaluation = evaluate(inclusion)

    data = documents.evaluation_pdf(evaluation)
    text = text_of(data)

    for expected in (
        "Évaluation du parcours",
        f"Inclusion n° {inclusion.pk}",
        "Personnes âgées fragiles",
        "Tâche faite en retard",
        "Bilan gériatrique",
        "Chronologie du parcours",
        "Concertation pluriprofessionnelle",
        "Période sans contact",
        "[patient] a été vue au domicile",
    ):
        assert expected in text, expected
    for name in ("Lemaire", "Vasseur", "Odette"):
        assert name not in text and name not in metadata_of(data)
    assert documents.evaluation_filename(evaluation) == f"evaluation-parcours-inclusion-{inclusion.pk}.pdf"
