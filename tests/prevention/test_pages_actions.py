"""The coordination plans a prevention action (theme, target population among the territory's
communes, budget, owner among the active adherents, the perinatal tag), changes it, and
completes or cancels it; refusals are said in French and name their field."""

import pytest
from django.urls import reverse

from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.models import MembershipStatus
from maillon.prevention.factories import PreventionActionFactory
from maillon.prevention.models import ActionStatus, PreventionAction
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory
from maillon.territories.models import Commune

from ..conftest import verified_client
from .test_pages_access import action_fixture, adherent, owner_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def filled(lead, **changes):
    data = {
        "title": "Vaccination grippe 2026",
        "theme": "vaccination",
        "description": "Campagne d'automne.",
        "age_min": "65",
        "age_max": "",
        "sex": "all",
        "partners": "Pharmacies du territoire",
        "starts_on": "2026-10-01",
        "ends_on": "2027-01-31",
        "budget": "2500,50",
        "owner": str(lead.pk),
        "perinatal": "",
        "health_project_action": "Axe 3 — prévention",
    }
    return data | changes


def test_the_coordination_creates_an_action_with_its_target_population(cpts, coordinator, owner):
    versailles = Commune.objects.get(code="78646")
    client = verified_client(coordinator)
    response = client.post(
        reverse("prevention_action_new", args=[cpts.slug]), filled(owner, communes=[str(versailles.pk)], perinatal="on")
    )
    action = PreventionAction.objects.get(cpts=cpts)
    assert response.status_code == 302
    assert response["Location"] == reverse("prevention_action", args=[cpts.slug, action.pk])
    assert action.age_min == 65 and action.age_max is None
    assert str(action.budget) == "2500.50"
    assert action.owner == owner and action.perinatal
    assert list(action.communes.all()) == [versailles]
    page = client.get(response["Location"]).content.decode()
    assert "Versailles" in page and "Périnatalité / santé de la femme" in page


def test_the_communes_offered_are_those_of_the_territory_today(cpts, coordinator, owner):
    elsewhere = CommuneFactory(code="78498", name="Le Pecq")
    client = verified_client(coordinator)
    page = client.get(reverse("prevention_action_new", args=[cpts.slug])).content.decode()
    assert "Versailles" in page and "Le Pecq" not in page
    response = client.post(reverse("prevention_action_new", args=[cpts.slug]), filled(owner, communes=[elsewhere.pk]))
    assert response.status_code == 400
    assert "Communes visées : choisissez parmi les communes du territoire." in response.content.decode()
    TerritoryCommuneFactory(cpts=cpts, commune=elsewhere)
    assert "Le Pecq" in client.get(reverse("prevention_action_new", args=[cpts.slug])).content.decode()


def test_the_owner_is_an_active_adherent_of_the_cpts(cpts, other_cpts, coordinator, owner):
    MembershipFactory(cpts=cpts, status=MembershipStatus.LEFT, professional=ProfessionalFactory(last_name="Partie"))
    foreign = adherent(other_cpts, last_name="Ailleurs")
    client = verified_client(coordinator)
    page = client.get(reverse("prevention_action_new", args=[cpts.slug])).content.decode()
    assert "RESPONSABLE Inès" in page and "PARTIE" not in page and "AILLEURS" not in page
    response = client.post(reverse("prevention_action_new", args=[cpts.slug]), filled(owner, owner=foreign.pk))
    assert response.status_code == 400
    assert "Responsable : choisissez un adhérent de la liste." in response.content.decode()
    assert not PreventionAction.objects.exists()


def test_refusals_name_their_field_in_french(cpts, coordinator, owner):
    client = verified_client(coordinator)
    response = client.post(
        reverse("prevention_action_new", args=[cpts.slug]),
        filled(owner, title="", theme="astrologie", age_min="70", age_max="50", ends_on="2026-01-01", budget="-3"),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Intitulé : indiquez l&#x27;intitulé de l&#x27;action." in page
    assert "Thème : choisissez une des valeurs proposées." in page
    assert "Âge maximal : il doit être supérieur ou égal à l&#x27;âge minimal." in page
    assert "Fin : la date de fin doit suivre la date de début." in page
    assert "Budget (€) : le montant ne peut pas être négatif." in page
    assert not PreventionAction.objects.exists()


def test_the_coordination_changes_an_action(cpts, coordinator, action, owner):
    client = verified_client(coordinator)
    url = reverse("prevention_action_edit", args=[cpts.slug, action.pk])
    assert "Dépistage colorectal 2026" in client.get(url).content.decode()
    response = client.post(
        url, filled(owner, title="Dépistage colorectal, deuxième vague", theme="colorectal_screening")
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Dépistage colorectal, deuxième vague"
    assert action.status == ActionStatus.PLANNED


def test_completing_then_cancelling_says_the_transition_is_not_allowed(cpts, coordinator, action):
    client = verified_client(coordinator)
    response = client.post(reverse("prevention_action_complete", args=[cpts.slug, action.pk]), {"note": "Bilan fait"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETED
    response = client.post(reverse("prevention_action_cancel", args=[cpts.slug, action.pk]), {"note": ""})
    assert response.status_code == 400
    assert "Cette action" in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETED


def test_the_home_filters_actions_by_theme_state_and_perinatal_tag(cpts, coordinator):
    PreventionActionFactory(cpts=cpts, title="Vaccins des seniors", theme="vaccination")
    PreventionActionFactory(cpts=cpts, title="Dépistage du col", theme="cervical_screening", perinatal=True)
    client = verified_client(coordinator)
    url = reverse("prevention_home", args=[cpts.slug])
    by_theme = client.get(url, {"theme": "vaccination"}).content.decode()
    assert "Vaccins des seniors" in by_theme and "Dépistage du col" not in by_theme
    perinatal = client.get(url, {"perinatalite": "1"}).content.decode()
    assert "Dépistage du col" in perinatal and "Vaccins des seniors" not in perinatal
    completed = client.get(url, {"etat": "completed"}).content.decode()
    assert "Aucune action pour ces filtres." in completed
