"""What the validated projet de santé gives to others: the indicators its fiches-actions name,
offered to the ACI contract, and the titles of its fiches shown on the CPTS's public page —
from the latest validated version only, never a draft nor a returned one."""

import pytest

from maillon.core.factories import CptsFactory
from maillon.core.missions import SOCLE, Mission
from maillon.creation import selectors
from maillon.creation.factories import ActionSheetFactory, MissionSectionFactory, ProjectVersionFactory
from maillon.creation.models import ProjectStatus

pytestmark = pytest.mark.django_db


def version_with(cpts, number, status, sheets):
    """`sheets`: {mission: [(title, indicators)]}."""
    version = ProjectVersionFactory(cpts=cpts, number=number, status=status)
    for mission, rows in sheets.items():
        section = MissionSectionFactory(version=version, mission=mission)
        for position, (title, indicators) in enumerate(rows, start=1):
            ActionSheetFactory(section=section, title=title, indicators=indicators, position=position)
    return version


@pytest.fixture
def cpts():
    cpts = CptsFactory()
    version_with(cpts, 1, ProjectStatus.VALIDATED, {Mission.ACCESS: [("Ancienne fiche", "Ancien indicateur")]})
    version_with(
        cpts,
        2,
        ProjectStatus.VALIDATED,
        {
            Mission.ACCESS: [("Médecin traitant", "Patients en ALD sans médecin traitant\n\nDélai du SNP")],
            Mission.PREVENTION: [("Dépistage", "Taux de dépistage"), ("Vaccination", "")],
        },
    )
    version_with(cpts, 3, ProjectStatus.DRAFT, {Mission.CRISIS: [("Brouillon", "Indicateur du brouillon")]})
    return cpts


def test_the_indicators_of_the_latest_validated_version_are_offered_to_the_aci(cpts):
    assert selectors.offered_indicators(cpts) == [
        {"mission": Mission.ACCESS, "sheet": "Médecin traitant", "label": "Patients en ALD sans médecin traitant"},
        {"mission": Mission.ACCESS, "sheet": "Médecin traitant", "label": "Délai du SNP"},
        {"mission": Mission.PREVENTION, "sheet": "Dépistage", "label": "Taux de dépistage"},
    ]


def test_the_public_page_shows_the_titles_of_the_latest_validated_version(cpts):
    assert selectors.public_sheets(cpts) == {
        Mission.ACCESS: ["Médecin traitant"],
        Mission.PREVENTION: ["Dépistage", "Vaccination"],
    }


def test_a_cpts_without_validated_project_offers_and_shows_nothing():
    cpts = CptsFactory()
    version_with(cpts, 1, ProjectStatus.RETURNED, {mission: [("Fiche", "Indicateur")] for mission in SOCLE})
    version_with(cpts, 2, ProjectStatus.SUBMITTED, {mission: [("Fiche", "Indicateur")] for mission in SOCLE})
    assert selectors.offered_indicators(cpts) == []
    assert selectors.public_sheets(cpts) == {}
