"""The PPCS as a PDF (maillon/pathways/documents.py): it opens with pypdf and holds the
patient's identity, the lead and care team, the assessment by dimension, problems, goals,
the actions table, the next reassessment and the version; the INS matricule only for a
qualified identity; the file's metadata and name never carry the patient."""

import datetime
import io

import pytest
from pypdf import PdfReader

from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.pathways import documents
from maillon.pathways.factories import CarePlanActionFactory, CarePlanFactory, CareTeamMemberFactory, InclusionFactory
from maillon.pathways.models import ASSESSMENT_DIMENSIONS, ActionKind, InsStatus

pytestmark = pytest.mark.django_db

VALID_NIR = "255081416802538"


def text_of(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text().replace("\xa0", " ").split()) for page in pages)


@pytest.fixture
def plan(cpts):
    lead = MembershipFactory(
        cpts=cpts, professional=ProfessionalFactory(first_name="Claire", last_name="Lefèvre", profession="10")
    )
    inclusion = InclusionFactory(
        cpts=cpts,
        lead=lead,
        birth_name="Durand",
        used_name="Petit",
        given_names="Lucie Anne",
        first_given_name="Lucie",
        birth_date=datetime.date(1941, 6, 2),
        ins_number=VALID_NIR,
        identity_qualification=InsStatus.VALIDATED,
    )
    CareTeamMemberFactory(inclusion=inclusion, membership=lead, role="Référent")
    CareTeamMemberFactory(inclusion=inclusion, carer=True, name="Paul Durand", role="Aidant")
    made = CarePlanFactory(
        inclusion=inclusion,
        version=2,
        assessment={"health": "Insuffisance cardiaque stable", "environment": "Escalier raide"},
        problems="Chutes répétées",
        goals="Rester à domicile",
        next_review_on=datetime.date(2031, 3, 15),
    )
    CarePlanActionFactory(
        plan=made,
        kind=ActionKind.SOCIAL,
        description="Demande d'APA",
        owner="Assistante sociale",
        due_on=datetime.date(2031, 1, 10),
    )
    return made


def test_the_pdf_holds_the_plan(plan):
    text = text_of(documents.plan_pdf(plan))
    for expected in [
        "Plan personnalisé de coordination en santé",
        "DURAND",
        "PETIT",
        "Lucie Anne",
        "02/06/1941",
        "Lefèvre",
        "Paul Durand",
        "Aidant",
        ASSESSMENT_DIMENSIONS["health"],
        "Insuffisance cardiaque stable",
        "Escalier raide",
        "Chutes répétées",
        "Rester à domicile",
        "Accompagnement social",
        "Demande d'APA",
        "Assistante sociale",
        "10/01/2031",
        "15/03/2031",
        "Version 2",
    ]:
        assert expected in text, expected


def test_no_ins_matricule_unless_the_identity_is_qualified(plan):
    assert VALID_NIR not in text_of(documents.plan_pdf(plan))
    inclusion = plan.inclusion
    inclusion.identity_qualification = InsStatus.QUALIFIED
    inclusion.save()
    assert VALID_NIR in text_of(documents.plan_pdf(plan)).replace(" ", "")


def test_the_metadata_and_the_file_name_never_name_the_patient(plan):
    metadata = PdfReader(io.BytesIO(documents.plan_pdf(plan))).metadata
    assert "Durand" not in f"{metadata.title} {metadata.subject}"
    assert documents.filename(plan) == f"ppcs-inclusion-{plan.inclusion_id}-v2.pdf"


def test_a_plan_without_actions_says_so(cpts):
    plan = CarePlanFactory(inclusion=InclusionFactory(cpts=cpts), problems="", goals="")
    text = text_of(documents.plan_pdf(plan))
    assert "Aucune action prévue." in text
    assert "Non renseigné." in text
