"""The whole path of a CPTS's creation through the services, end to end."""

import pytest
from django.core import mail

from maillon.core.factories import UserFactory
from maillon.core.models import CptsRole, CptsStatus
from maillon.creation import services
from maillon.creation.models import Funder, LetterStatus, ProjectStatus, ReviewDecision
from maillon.territories.factories import CommuneFactory
from maillon.territories.models import TerritoryCommune, TerritoryRole, TerritoryRoleKind

pytestmark = pytest.mark.django_db


def test_a_letter_accepted_creates_the_cpts_and_its_project_is_validated_by_both_funders(
    django_capture_on_commit_callbacks,
):
    communes = CommuneFactory.create_batch(2)
    region = communes[0].departement.region
    ars = UserFactory()
    TerritoryRole.objects.create(
        user=ars, role=TerritoryRoleKind.AUTHORITY, region=region, organisation="ARS Île-de-France"
    )
    cpam = UserFactory()
    TerritoryRole.objects.create(
        user=cpam,
        role=TerritoryRoleKind.AUTHORITY,
        departement=communes[0].departement,
        organisation="CPAM des Yvelines",
    )
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.file_letter(
            project_name="CPTS du Val Test",
            legal_form="association_1901",
            professions=["10", "60"],
            needs="Des patients sans médecin.",
            contact_name="Dr Martin",
            contact_email="martin@exemple.fr",
            communes=[c.code for c in communes],
            promoters=[
                services.PromoterIn(
                    kind="professional",
                    name="Dr Martin",
                    email="martin@exemple.fr",
                    profession="10",
                    rpps="10100901734",
                )
            ],
        )
    assert letter.region_id == region.code
    assert {m.to[0] for m in mail.outbox} == {"martin@exemple.fr", ars.email}
    services.request_information(letter, by=ars, comments="Précisez le territoire.")
    services.answer_letter(letter, body="Voici.")
    letter = services.accept_letter(letter, by=ars)
    assert letter.status == LetterStatus.ACCEPTED
    cpts = letter.cpts
    assert cpts.status == CptsStatus.LETTER_OF_INTENT
    assert TerritoryCommune.objects.for_cpts(cpts).current().count() == 2
    assert CptsRole.objects.filter(cpts=cpts, user__email="martin@exemple.fr", role="coordinator").exists()

    version = services.start_version(cpts, by=None)
    services.save_diagnosis(version, by=None, diagnosis="Diagnostic.", missions=[1, 2, 3, 4])
    for section in version.sections.all():
        services.save_sheet(
            section,
            by=None,
            title=f"Fiche {section.mission}",
            need="n",
            objective="o",
            target_population="p",
            actions="a",
            owner="x",
            calendar="c",
            indicators="Un indicateur",
        )
    services.submit_project(version, by=None)
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.PROJECT_SUBMITTED
    services.review_project(version, by=ars, funder=Funder.ARS, decision=ReviewDecision.VALIDATED)
    version.refresh_from_db()
    assert version.status == ProjectStatus.SUBMITTED
    services.review_project(version, by=cpam, funder=Funder.ASSURANCE_MALADIE, decision=ReviewDecision.VALIDATED)
    version.refresh_from_db()
    cpts.refresh_from_db()
    assert version.status == ProjectStatus.VALIDATED
    assert cpts.status == CptsStatus.PROJECT_VALIDATED
    from maillon.creation import policies, selectors

    assert policies.funders_over(cpam, cpts) == {Funder.ASSURANCE_MALADIE}
    assert len(selectors.offered_indicators(cpts)) == 4
    assert [r.done for r in selectors.checklist(cpts)] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        True,
        True,
        False,
    ]
