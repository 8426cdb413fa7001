"""What the creation of a CPTS puts on each role's home and in the CPTS's menu."""

from html import unescape

import pytest
from django.urls import reverse

from maillon.core.factories import UserFactory
from maillon.creation.factories import LetterOfIntentFactory, ProjectReviewFactory, ProjectVersionFactory
from maillon.creation.models import Funder, LetterStatus, ProjectStatus
from maillon.territories.factories import RegionFactory, TerritoryRoleFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def officer(cpts, organisation, role="authority"):
    departement = cpts.territory_rows.first().commune.departement
    return TerritoryRoleFactory(
        role=role,
        region=departement.region,
        departement=None,
        organisation=organisation,
        user=UserFactory(with_totp=True),
    ).user


def test_the_ars_authority_home_counts_the_letters_of_its_region_waiting_for_a_decision(cpts):
    ars = officer(cpts, "ARS Île-de-France")
    region = cpts.territory_rows.first().commune.departement.region
    LetterOfIntentFactory.create_batch(2, region=region)
    LetterOfIntentFactory(region=region, status=LetterStatus.INFORMATION_REQUESTED)
    LetterOfIntentFactory(region=RegionFactory(code="75", name="Nouvelle-Aquitaine"))
    html = unescape(verified_client(ars).get(reverse("home_authority")).content.decode())
    assert "2</strong>" in html.split("lettres d'intention à décider")[0][-80:]
    assert reverse("creation_letters") in html


def test_a_cpam_authority_is_not_shown_the_letters(cpts):
    cpam = officer(cpts, "CPAM des Yvelines")
    LetterOfIntentFactory(region=cpts.territory_rows.first().commune.departement.region)
    html = unescape(verified_client(cpam).get(reverse("home_authority")).content.decode())
    assert "lettre d'intention à décider" not in html.lower()
    assert reverse("creation_letters") not in html


def test_a_submitted_project_waits_for_each_funder_until_it_has_decided(cpts):
    ars, cpam = officer(cpts, "ARS Île-de-France"), officer(cpts, "CPAM des Yvelines")
    version = ProjectVersionFactory(cpts=cpts, status=ProjectStatus.SUBMITTED)
    ProjectReviewFactory(version=version, funder=Funder.ARS, by=ars)
    label = f"{cpts.name} : projet de santé (version {version.number}) à valider"
    assert label not in unescape(verified_client(ars).get(reverse("home_authority")).content.decode())
    assert label in unescape(verified_client(cpam).get(reverse("home_authority")).content.decode())


def test_the_ars_observer_home_links_the_letters(cpts):
    observer = officer(cpts, "ARS Île-de-France", role="observer")
    html = verified_client(observer).get(reverse("home_observer")).content.decode()
    assert reverse("creation_letters") in html


def test_a_returned_project_waits_on_the_coordinator_home(cpts, coordinator):
    ProjectVersionFactory(cpts=cpts, status=ProjectStatus.RETURNED)
    html = unescape(verified_client(coordinator).get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode())
    assert "projet de santé renvoyé avec des remarques (version" in html
    assert "en retard" not in html.split("projet de santé renvoyé")[1][:300]
    assert reverse("creation_project", args=[cpts.slug]) in html


def test_the_space_menu_opens_the_creation_pages_to_members_and_the_grant_to_coordinators(cpts, coordinator, member):
    from maillon.www.home_views.menus import space_menu

    def entries(user):
        return {entry.label for section in space_menu(user, cpts) for entry in section.entries}

    assert {"Étapes de la création", "Projet de santé", "Subvention de démarrage"} <= entries(coordinator)
    assert {"Étapes de la création", "Projet de santé"} <= entries(member)
    assert "Subvention de démarrage" not in entries(member)
