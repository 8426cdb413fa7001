"""Who is the ARS and who is the Assurance Maladie: the organisation named on a territorial role
says it. An ARS officer reads the letters of their région (a role on one of its départements
counts for the région); each funder decides the projet de santé for itself; only the ARS
records the start-up grant."""

import pytest

from maillon.core.factories import CptsFactory, UserFactory
from maillon.creation import policies
from maillon.creation.factories import LetterOfIntentFactory, ProjectReviewFactory, ProjectVersionFactory
from maillon.creation.models import Funder, ProjectStatus
from maillon.territories.factories import CommuneFactory, DepartementFactory, RegionFactory, TerritoryCommuneFactory
from maillon.territories.models import TerritoryRoleKind
from tests.creation.helpers import officer, other_region_departement

pytestmark = pytest.mark.django_db

AUTHORITY, OBSERVER = TerritoryRoleKind.AUTHORITY, TerritoryRoleKind.OBSERVER


@pytest.fixture
def yvelines():
    return DepartementFactory()  # 78, Île-de-France (11)


@pytest.fixture
def cpts(yvelines):
    cpts = CptsFactory()
    TerritoryCommuneFactory(cpts=cpts, commune=CommuneFactory(departement=yvelines))
    return cpts


def person(**role):
    user = UserFactory()
    officer(user, **role)
    return user


def test_an_ars_role_on_a_departement_counts_for_its_region(yvelines):
    ars = person(departement=yvelines)
    assert policies.ars_regions(ars) == {"11"}
    assert policies.ars_regions(ars, deciding=True) == {"11"}
    letter = LetterOfIntentFactory(region=RegionFactory())
    assert policies.can_see_letter(ars, letter)
    assert policies.can_decide_letter(ars, letter)
    assert list(policies.visible_letters(ars)) == [letter]


def test_an_ars_observer_reads_the_letters_and_decides_none(yvelines):
    observer = person(role=OBSERVER, region=RegionFactory())
    letter = LetterOfIntentFactory(region=RegionFactory())
    assert policies.ars_regions(observer) == {"11"}
    assert policies.ars_regions(observer, deciding=True) == frozenset()
    assert policies.can_see_letter(observer, letter)
    assert not policies.can_decide_letter(observer, letter)


def test_the_ars_of_another_region_sees_none_of_this_regions_letters():
    ars = person(region=other_region_departement().region, organisation="ARS Nouvelle-Aquitaine")
    letter = LetterOfIntentFactory(region=RegionFactory())
    mine = LetterOfIntentFactory(region=RegionFactory(code="75"))
    assert not policies.can_see_letter(ars, letter)
    assert list(policies.visible_letters(ars)) == [mine]


@pytest.mark.parametrize("organisation", ["CPAM des Yvelines", "Préfecture des Yvelines", ""])
def test_an_authority_of_another_organisation_than_an_ars_sees_no_letter(yvelines, organisation):
    user = person(departement=yvelines, organisation=organisation)
    assert policies.ars_regions(user) == frozenset()
    assert not policies.can_see_letters(user)
    assert not policies.can_see_letter(user, LetterOfIntentFactory(region=RegionFactory()))


def test_funders_over_a_cpts_are_said_by_the_organisations_of_the_authority_roles(cpts, yvelines):
    ars = person(region=RegionFactory())
    cpam = person(departement=yvelines, organisation="CPAM des Yvelines")
    prefecture = person(departement=yvelines, organisation="Préfecture des Yvelines")
    cpam_observer = person(role=OBSERVER, departement=yvelines, organisation="CPAM des Yvelines")
    far_cpam = person(departement=other_region_departement(), organisation="CPAM de la Gironde")
    assert policies.funders_over(ars, cpts) == {Funder.ARS}
    assert policies.funders_over(cpam, cpts) == {Funder.ASSURANCE_MALADIE}
    assert policies.funders_over(prefecture, cpts) == frozenset()
    assert policies.funders_over(cpam_observer, cpts) == frozenset()
    assert policies.funders_over(far_cpam, cpts) == frozenset()


def test_each_funder_decides_for_itself_once(cpts, yvelines):
    ars = person(region=RegionFactory())
    cpam = person(departement=yvelines, organisation="CPAM des Yvelines")
    prefecture = person(departement=yvelines, organisation="Préfecture des Yvelines")
    version = ProjectVersionFactory(cpts=cpts, status=ProjectStatus.SUBMITTED)
    assert policies.review_funder(ars, version) == Funder.ARS
    assert policies.review_funder(cpam, version) == Funder.ASSURANCE_MALADIE
    assert policies.review_funder(prefecture, version) is None
    ProjectReviewFactory(version=version, funder=Funder.ASSURANCE_MALADIE)
    version = type(version).objects.get(pk=version.pk)
    assert policies.review_funder(cpam, version) is None
    assert policies.can_review_project(ars, version)


def test_the_grant_is_recorded_by_the_ars_and_the_negotiation_opened_by_either_funder(cpts, yvelines):
    ars = person(departement=yvelines)
    cpam = person(departement=yvelines, organisation="CPAM des Yvelines")
    prefecture = person(departement=yvelines, organisation="Préfecture des Yvelines")
    assert policies.can_record_grant(ars, cpts)
    assert not policies.can_record_grant(cpam, cpts)
    assert policies.can_open_negotiation(cpam, cpts)
    assert not policies.can_open_negotiation(prefecture, cpts)
    # Every authority over the CPTS follows its creation and its grant.
    assert all(policies.can_see_creation(user, cpts) for user in (ars, cpam, prefecture))
    assert all(policies.can_see_grant(user, cpts) for user in (ars, cpam, prefecture))


def test_the_projects_to_review_are_the_submitted_ones_over_the_funders_area(cpts, yvelines):
    cpam = person(departement=yvelines, organisation="CPAM des Yvelines")
    far_ars = person(region=other_region_departement().region, organisation="ARS Nouvelle-Aquitaine")
    prefecture = person(departement=yvelines, organisation="Préfecture des Yvelines")
    submitted = ProjectVersionFactory(cpts=cpts, number=2, status=ProjectStatus.SUBMITTED)
    ProjectVersionFactory(cpts=cpts, number=1, status=ProjectStatus.RETURNED)
    assert list(policies.visible_projects_to_review(cpam)) == [submitted]
    assert not policies.visible_projects_to_review(far_ars).exists()
    assert not policies.visible_projects_to_review(prefecture).exists()
