"""The projet de santé through its pages, end to end: written, submitted (the CPTS moves to
« Projet de santé déposé »), decided by the ARS and by the Assurance Maladie (validated by both:
« Projet de santé validé »), then the negotiation of the ACI opened; a version returned with
remarks starts the next one; who may decide, once."""

from types import SimpleNamespace

import pytest

from maillon.core.models import CptsStatus
from maillon.creation import registry, selectors, services
from maillon.creation.models import (
    ActionSheet,
    CreationStep,
    Funder,
    ProjectReview,
    ProjectStatus,
    ProjectVersion,
    ReviewDecision,
    Step,
)

from .cpts_space import ars_authority, complete_draft, cpam_authority, logged_in, plain, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def ars(cpts):
    return ars_authority(cpts)


@pytest.fixture
def cpam(cpts):
    return cpam_authority(cpts)


@pytest.fixture
def submitted(cpts, coordinator):
    version = complete_draft(cpts, coordinator)
    services.submit_project(version, by=coordinator)
    return version


def decide(user, cpts, version, decision, comments=""):
    return logged_in(user).post(
        url("creation_project_review", cpts, version.number),
        {"decision-decision": decision, "decision-comments": comments},
    )


def test_submit_review_by_both_and_the_cpts_status_follows(cpts, coordinator, ars, cpam):
    services.ensure_steps(cpts)
    complete_draft(cpts, coordinator)
    editor = logged_in(coordinator)
    assert "Déposer la version 1" in plain(editor.get(url("creation_project", cpts)))

    response = editor.post(url("creation_project_submit", cpts))

    assert response.status_code == 302
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.PROJECT_SUBMITTED
    assert CreationStep.objects.get(cpts=cpts, step=Step.HEALTH_PROJECT).done_on is not None
    version = ProjectVersion.objects.get(cpts=cpts)
    assert version.status == ProjectStatus.SUBMITTED

    # Each funder sees the form for itself on the page, decides once.
    page = plain(logged_in(ars).get(url("creation_project", cpts)))
    assert "Votre décision pour l'ARS" in page
    assert "En attente de la décision de : ARS, Assurance Maladie." in page
    assert decide(ars, cpts, version, ReviewDecision.VALIDATED).status_code == 302
    version.refresh_from_db()
    assert version.status == ProjectStatus.SUBMITTED
    assert "Votre décision" not in plain(logged_in(ars).get(url("creation_project", cpts)))
    assert "Votre décision pour l'Assurance Maladie" in plain(logged_in(cpam).get(url("creation_project", cpts)))

    response = decide(cpam, cpts, version, ReviewDecision.VALIDATED)

    assert response.status_code == 302
    assert response["Location"] == url("creation_project_version", cpts, 1)
    version.refresh_from_db()
    cpts.refresh_from_db()
    assert version.status == ProjectStatus.VALIDATED
    assert cpts.status == CptsStatus.PROJECT_VALIDATED
    page = plain(logged_in(coordinator).get(url("creation_project", cpts)))
    assert "Validé" in page and "Projet de santé validé" in page
    assert {row.number: row.done for row in selectors.checklist(cpts)}[Step.VALIDATION]

    # The negotiation of the ACI, opened by an authority over the CPTS.
    assert "Ouvrir la négociation de l'ACI" in plain(logged_in(ars).get(url("creation_project", cpts)))
    assert "Ouvrir la négociation de l'ACI" not in plain(logged_in(coordinator).get(url("creation_project", cpts)))
    assert logged_in(coordinator).post(url("creation_negotiation_open", cpts)).status_code == 403
    assert logged_in(cpam).post(url("creation_negotiation_open", cpts)).status_code == 302
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.NEGOTIATION


def test_returning_needs_remarks_naming_the_field(cpts, submitted, cpam):
    response = decide(cpam, cpts, submitted, ReviewDecision.RETURNED, "")

    assert response.status_code == 400
    assert "Remarques : dites aux porteurs ce qu'il faut reprendre." in plain(response)
    assert not ProjectReview.objects.exists()


def test_a_decision_must_be_chosen_naming_the_field(cpts, submitted, ars):
    response = decide(ars, cpts, submitted, "")

    assert response.status_code == 400
    assert "Décision : choisissez de valider ou de renvoyer le projet." in plain(response)


def test_a_returned_version_shows_the_remarks_and_the_next_version_starts_from_it(cpts, coordinator, submitted, cpam):
    decide(cpam, cpts, submitted, ReviewDecision.RETURNED, "Précisez le calendrier de la mission 2.")
    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.RETURNED
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.PROJECT_SUBMITTED

    editor = logged_in(coordinator)
    page = plain(editor.get(url("creation_project", cpts)))
    assert "Renvoyé avec des remarques" in page and "Précisez le calendrier de la mission 2." in page
    assert "Commencer la version 2" in page

    assert editor.post(url("creation_project_start", cpts)).status_code == 302
    second = ProjectVersion.objects.get(cpts=cpts, number=2)
    assert second.status == ProjectStatus.DRAFT
    assert sorted(ActionSheet.objects.filter(section__version=second).values_list("title", flat=True)) == sorted(
        ActionSheet.objects.filter(section__version=submitted).values_list("title", flat=True)
    )
    # The returned version stays readable by its number.
    assert "Précisez le calendrier" in plain(editor.get(url("creation_project_version", cpts, 1)))


def test_an_ars_authority_decides_once_and_never_for_the_assurance_maladie(cpts, submitted, ars):
    decide(ars, cpts, submitted, ReviewDecision.VALIDATED)

    assert logged_in(ars).get(url("creation_project_review", cpts, submitted.number)).status_code == 403
    assert decide(ars, cpts, submitted, ReviewDecision.VALIDATED).status_code == 403
    assert list(ProjectReview.objects.values_list("funder", flat=True)) == [Funder.ARS]


@pytest.mark.parametrize("who", ["coordinator", "member", "observer"])
def test_only_the_funders_authorities_decide(cpts, coordinator, member, submitted, who):
    user = {"coordinator": coordinator, "member": member, "observer": ars_authority(cpts, role="observer")}[who]

    assert logged_in(user).get(url("creation_project_review", cpts, submitted.number)).status_code == 403
    assert decide(user, cpts, submitted, ReviewDecision.VALIDATED).status_code == 403
    assert not ProjectReview.objects.exists()


def test_a_draft_is_not_decided(cpts, coordinator, ars):
    version = complete_draft(cpts, coordinator)

    assert decide(ars, cpts, version, ReviewDecision.VALIDATED).status_code == 403


def test_the_negotiation_before_validation_is_refused_on_the_page(cpts, submitted, ars):
    response = logged_in(ars).post(url("creation_negotiation_open", cpts))

    assert response.status_code == 400
    assert "La négociation de l'ACI s'ouvre une fois le projet de santé validé" in plain(response)
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.PROJECT_SUBMITTED


@pytest.fixture
def starters(monkeypatch):
    """Only the starters a test registers (the mission apps' own are left out)."""
    monkeypatch.setattr(registry, "_STARTERS", {})
    made = []

    def start(sheet, *, by):
        made.append(sheet.title)
        return SimpleNamespace(pk=41)

    registry.register_starter(
        "test_access", mission=1, label="une action de test", start=start, path=lambda obj: f"/objet/{obj.pk}/"
    )
    return made


def validated(cpts, coordinator, ars, cpam):
    version = complete_draft(cpts, coordinator)
    services.submit_project(version, by=coordinator)
    services.review_project(version, by=ars, funder=Funder.ARS, decision=ReviewDecision.VALIDATED)
    services.review_project(version, by=cpam, funder=Funder.ASSURANCE_MALADIE, decision=ReviewDecision.VALIDATED)
    return version


def test_a_fiche_of_a_validated_projet_starts_its_mission_object_once(cpts, coordinator, ars, cpam, starters):
    version = validated(cpts, coordinator, ars, cpam)
    sheet = ActionSheet.objects.get(section__version=version, section__mission=1)
    editor = logged_in(coordinator)
    page = plain(editor.get(url("creation_project", cpts)))
    assert "Démarrer une action de test" in page
    # No starter for the other missions: no button there.
    assert page.count("Démarrer ") == 1

    response = editor.post(url("creation_sheet_start", cpts, sheet.pk), {"kind": "test_access"})

    assert response.status_code == 302 and response["Location"] == "/objet/41/"
    assert starters == [sheet.title]
    sheet.refresh_from_db()
    assert sheet.started == "test_access:41"
    page = plain(editor.get(url("creation_project", cpts)))
    assert "A démarré une action de test" in page and "Démarrer une action de test" not in page

    again = editor.post(url("creation_sheet_start", cpts, sheet.pk), {"kind": "test_access"})
    assert again.status_code == 400
    assert "Cette fiche-action a déjà démarré son objet." in plain(again)


def test_a_fiche_starts_nothing_before_validation_nor_for_a_reader(cpts, coordinator, member, submitted, starters):
    sheet = ActionSheet.objects.get(section__version=submitted, section__mission=1)

    assert "Démarrer une action de test" not in plain(logged_in(coordinator).get(url("creation_project", cpts)))
    # The coordinator is told why (the version's state), never a 403.
    refused = logged_in(coordinator).post(url("creation_sheet_start", cpts, sheet.pk), {"kind": "test_access"})
    assert refused.status_code == 409
    assert "une fiche-action démarre son objet une fois le projet validé" in plain(refused)
    assert "Déposé" in plain(refused)
    assert (
        logged_in(member).post(url("creation_sheet_start", cpts, sheet.pk), {"kind": "test_access"}).status_code == 403
    )
    assert starters == []


def test_a_starter_of_another_mission_is_refused_on_the_page(cpts, coordinator, ars, cpam, starters):
    version = validated(cpts, coordinator, ars, cpam)
    sheet = ActionSheet.objects.get(section__version=version, section__mission=2)

    response = logged_in(coordinator).post(url("creation_sheet_start", cpts, sheet.pk), {"kind": "test_access"})

    assert response.status_code == 400
    assert "Objet à démarrer : choisissez parmi ceux de la mission de la fiche." in plain(response)
    assert starters == []
