"""The projet de santé pages: who reads them (the CPTS's people, the authorities and observers
of its territory; 404 for others), the coordinators' writing of a draft (a version, the
diagnosis and missions, a mission's diagnosis, the fiches-actions) and its refusals, in French
naming their field."""

from html import unescape

import pytest
from django.urls import reverse

from maillon.core.missions import Mission
from maillon.creation import services
from maillon.creation.factories import ActionSheetFactory, MissionSectionFactory, ProjectVersionFactory
from maillon.creation.models import ActionSheet, MissionSection, ProjectStatus, ProjectVersion

from .cpts_space import SHEET, ars_authority, complete_draft, cpam_authority, logged_in, other_coordinator, plain, url

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def draft(cpts, coordinator):
    return complete_draft(cpts, coordinator)


@pytest.mark.parametrize("who", ["coordinator", "member", "ars", "cpam", "observer"])
def test_the_project_is_read_by_the_cpts_people_and_the_territory_s_officers(cpts, coordinator, member, draft, who):
    user = {
        "coordinator": coordinator,
        "member": member,
        "ars": ars_authority(cpts),
        "cpam": cpam_authority(cpts),
        "observer": ars_authority(cpts, role="observer"),
    }[who]
    reader = logged_in(user)

    page = text(reader.get(url("creation_project", cpts)))
    assert "Fiche-action : Fiche de la mission 1" in page
    assert "Un territoire rural vieillissant." in page
    assert "Patients en ALD sans médecin traitant" in page
    assert reader.get(url("creation_project_version", cpts, draft.number)).status_code == 200
    assert reader.get(url("creation_project_pdf", cpts, draft.number)).status_code == 200
    # Only the coordinators get the writing links.
    writes = url("creation_project_diagnosis", cpts) in page
    assert writes == (who == "coordinator")


@pytest.mark.parametrize(
    "name,args",
    [
        ("creation_project", ()),
        ("creation_project_version", (1,)),
        ("creation_project_pdf", (1,)),
        ("creation_project_diagnosis", ()),
        ("creation_project_section", (1,)),
        ("creation_sheet_new", (1,)),
    ],
)
def test_another_cpts_coordinator_gets_404_and_a_visitor_the_login(cpts, other_cpts, draft, client, name, args):
    assert logged_in(other_coordinator(other_cpts)).get(url(name, cpts, *args)).status_code == 404
    response = client.get(url(name, cpts, *args))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_unknown_version_is_404(cpts, coordinator):
    assert logged_in(coordinator).get(url("creation_project_version", cpts, 3)).status_code == 404
    assert logged_in(coordinator).get(url("creation_project_pdf", cpts, 3)).status_code == 404


def test_the_coordinator_starts_the_first_version_empty(cpts, coordinator, member):
    assert url("creation_project_start", cpts) not in text(logged_in(member).get(url("creation_project", cpts)))
    editor = logged_in(coordinator)
    assert "Commencer le projet de santé" in text(editor.get(url("creation_project", cpts)))

    response = editor.post(url("creation_project_start", cpts))

    assert response.status_code == 302
    version = ProjectVersion.objects.get(cpts=cpts)
    assert (version.number, version.status, version.diagnosis) == (1, ProjectStatus.DRAFT, "")


def test_a_second_working_version_is_refused_on_the_page(cpts, coordinator, draft):
    response = logged_in(coordinator).post(url("creation_project_start", cpts))

    assert response.status_code == 400
    assert "Une version du projet de santé est déjà en rédaction ou en examen." in text(response)
    assert ProjectVersion.objects.filter(cpts=cpts).count() == 1


def test_the_diagnosis_and_the_missions_are_saved_the_socle_always_in(cpts, coordinator):
    version = services.start_version(cpts, by=coordinator)
    response = logged_in(coordinator).post(
        url("creation_project_diagnosis", cpts), {"diagnosis": "Le diagnostic partagé.", "missions": ["5"]}
    )

    assert response.status_code == 302
    version.refresh_from_db()
    assert version.diagnosis == "Le diagnostic partagé."
    assert version.missions == [1, 2, 3, 4, 5]


def test_a_mission_with_fiches_cannot_be_dropped_and_the_page_says_why(cpts, coordinator, draft):
    section = MissionSection.objects.create(version=draft, mission=Mission.QUALITY)
    ActionSheetFactory(section=section, title="Revue de pertinence")

    response = logged_in(coordinator).post(url("creation_project_diagnosis", cpts), {"diagnosis": "D.", "missions": []})

    assert response.status_code == 400
    assert (
        "Missions : la mission 5 — Qualité et pertinence des soins a des fiches-actions ; supprimez-les d'abord."
        in (text(response))
    )
    assert draft.missions == [1, 2, 3, 4, 5]


def test_an_unknown_mission_is_refused_naming_the_field(cpts, coordinator, draft):
    response = logged_in(coordinator).post(
        url("creation_project_diagnosis", cpts), {"diagnosis": "D.", "missions": ["9"]}
    )

    assert response.status_code == 400
    assert "Missions optionnelles retenues : choisissez la mission 5 ou 6." in text(response)


def test_a_mission_s_diagnosis_is_saved(cpts, coordinator, draft):
    response = logged_in(coordinator).post(
        url("creation_project_section", cpts, 2), {"diagnosis": "Sorties d'hôpital."}
    )

    assert response.status_code == 302
    assert draft.sections.get(mission=2).diagnosis == "Sorties d'hôpital."


def test_a_mission_not_taken_on_is_404(cpts, coordinator, draft):
    assert logged_in(coordinator).get(url("creation_project_section", cpts, 6)).status_code == 404
    assert logged_in(coordinator).get(url("creation_sheet_new", cpts, 6)).status_code == 404


def test_the_coordinator_writes_changes_and_deletes_a_fiche_action(cpts, coordinator, draft):
    editor = logged_in(coordinator)

    created = editor.post(url("creation_sheet_new", cpts, 3), SHEET)
    assert created.status_code == 302
    sheet = ActionSheet.objects.get(title="Guichet médecin traitant")
    assert sheet.section.mission == 3 and str(sheet.budget) == "12000.00"
    assert sheet.indicator_lines == ["Patients en ALD sans médecin traitant", "Délai moyen de prise en charge"]

    changed = editor.post(url("creation_sheet_edit", cpts, sheet.pk), {**SHEET, "title": "Guichet unique"})
    assert changed.status_code == 302
    sheet.refresh_from_db()
    assert sheet.title == "Guichet unique"

    deleted = editor.post(url("creation_sheet_delete", cpts, sheet.pk))
    assert deleted.status_code == 302
    assert not ActionSheet.objects.filter(pk=sheet.pk).exists()


def test_a_fiche_action_without_its_required_fields_is_refused_naming_each(cpts, coordinator, draft):
    response = logged_in(coordinator).post(url("creation_sheet_new", cpts, 1), {**SHEET, "title": "", "objective": ""})

    assert response.status_code == 400
    page = text(response)
    assert "Titre de la fiche-action : ce champ est obligatoire." in page
    assert "Objectif : ce champ est obligatoire." in page


def test_a_budget_over_a_million_is_refused_naming_the_field(cpts, coordinator, draft):
    response = logged_in(coordinator).post(url("creation_sheet_new", cpts, 1), {**SHEET, "budget": "2000000"})

    assert response.status_code == 400
    assert "Budget prévisionnel : la valeur doit être au plus 1000000." in text(response)


@pytest.mark.parametrize("who", ["member", "ars"])
def test_readers_may_not_write_the_project(cpts, member, draft, who):
    user = member if who == "member" else ars_authority(cpts)
    writer = logged_in(user)
    sheet = ActionSheet.objects.filter(section__version=draft).first()

    assert writer.post(url("creation_project_start", cpts)).status_code == 403
    assert writer.get(url("creation_project_diagnosis", cpts)).status_code == 403
    assert writer.post(url("creation_project_section", cpts, 1), {"diagnosis": "x"}).status_code == 403
    assert writer.post(url("creation_sheet_new", cpts, 1), SHEET).status_code == 403
    assert writer.post(url("creation_sheet_edit", cpts, sheet.pk), SHEET).status_code == 403
    assert writer.post(url("creation_sheet_delete", cpts, sheet.pk)).status_code == 403
    assert writer.post(url("creation_project_submit", cpts)).status_code == 403
    assert ActionSheet.objects.filter(pk=sheet.pk).exists()


def test_submission_problems_are_shown_before_the_button_and_refuse_the_submission(cpts, coordinator):
    services.start_version(cpts, by=coordinator)
    editor = logged_in(coordinator)

    page = plain(editor.get(url("creation_project", cpts)))
    assert "Avant de déposer cette version" in page
    assert "La synthèse du diagnostic territorial est vide." in page
    assert "Déposer la version 1" not in page

    response = editor.post(url("creation_project_submit", cpts))
    assert response.status_code == 400
    assert "La synthèse du diagnostic territorial est vide." in text(response)
    assert ProjectVersion.objects.get(cpts=cpts).status == ProjectStatus.DRAFT


def test_a_submitted_version_is_no_longer_written_and_the_page_says_so(cpts, coordinator, draft):
    services.submit_project(draft, by=coordinator)
    editor = logged_in(coordinator)
    sheet = ActionSheet.objects.filter(section__version=draft).first()

    edit = editor.post(url("creation_sheet_edit", cpts, sheet.pk), SHEET)
    assert edit.status_code == 400
    assert "La version 1 est « Déposé, en attente des décisions » : ses fiches-actions ne se modifient plus." in (
        text(edit)
    )
    delete = editor.post(url("creation_sheet_delete", cpts, sheet.pk))
    assert delete.status_code == 400
    assert "ne se modifie plus" in text(delete)
    diagnosis = editor.get(url("creation_project_diagnosis", cpts))
    assert "La version 1 est « Déposé, en attente des décisions » : elle ne se modifie plus." in text(diagnosis)
    again = editor.post(url("creation_project_submit", cpts))
    assert again.status_code == 400
    assert ActionSheet.objects.filter(pk=sheet.pk).exists()


def test_another_cpts_fiche_action_is_404(cpts, other_cpts, coordinator):
    other = ActionSheetFactory(section=MissionSectionFactory(version=ProjectVersionFactory(cpts=other_cpts)))

    assert logged_in(coordinator).get(url("creation_sheet_edit", cpts, other.pk)).status_code == 404
    assert logged_in(coordinator).post(url("creation_sheet_delete", cpts, other.pk)).status_code == 404
    assert ActionSheet.objects.filter(pk=other.pk).exists()
