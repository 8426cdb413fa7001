"""Re-import: a filled « Missions » cell replaces the missions of people already members of the
CPTS; all or nothing; the same file twice changes nothing the second time; the preview says so."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.members import imports
from maillon.members.factories import finess_number
from maillon.members.models import Involvement, Membership, MissionParticipation
from maillon.territories.factories import CommuneFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

HEADERS = "Nom;Prénom;Profession;RPPS;Implication;Missions"
CLAIRE = "10100901734"
ERIC = "10002909371"


def csv_bytes(*lines, headers=HEADERS):
    return ("\r\n".join([headers, *lines]) + "\r\n").encode()


def missions(rpps):
    membership = Membership.objects.get(professional__rpps=rpps)
    return sorted(membership.missions.values_list("mission", flat=True))


@pytest.fixture
def imported(cpts, coordinator):
    content = csv_bytes(f"Martin;Claire;Infirmière;{CLAIRE};;1, 3", f"Durand;Éric;Kiné;{ERIC};;2")
    imports.commit(cpts, content, by=coordinator)
    return content


def test_a_reimport_replaces_the_missions_of_members_already_here(cpts, coordinator, imported):
    content = csv_bytes(f'Martin;Claire;Infirmière;{CLAIRE};;"2, 4"', f"Durand;Éric;Kiné;{ERIC};;2")
    journal_before = JournalEntry.objects.filter(object_type="members.MissionParticipation").count()

    preview = imports.analyse(cpts, content)
    result = imports.commit(cpts, content, by=coordinator)

    claire, eric = preview.rows
    assert claire.outcome == imports.Outcome.SKIP and claire.updates_missions
    assert claire.outcome_label == "Déjà adhérent : missions mises à jour (1, 3 → 2, 4)"
    assert not eric.updates_missions and eric.outcome_label == "Déjà adhérent : ignoré"
    assert preview.summary["missions"] == 1
    assert (result.memberships, result.skipped, result.missions_updated) == (0, 2, 1)
    assert "Missions mises à jour pour 1 adhérent(s)" in result.message
    assert missions(CLAIRE) == [2, 4] and missions(ERIC) == [2]
    # Two removed, two added: each journaled by the service.
    assert JournalEntry.objects.filter(object_type="members.MissionParticipation").count() == journal_before + 4


def test_the_same_file_twice_changes_nothing_the_second_time(cpts, coordinator, imported):
    content = csv_bytes(f'Martin;Claire;Infirmière;{CLAIRE};;"2, 4"')
    imports.commit(cpts, content, by=coordinator)
    rows_before = list(MissionParticipation.objects.order_by("pk").values_list("pk", "membership_id", "mission"))
    journal_before = JournalEntry.objects.count()

    preview = imports.analyse(cpts, content)
    result = imports.commit(cpts, content, by=coordinator)

    assert not preview.rows[0].updates_missions and preview.summary["missions"] == 0
    assert (result.memberships, result.missions_updated) == (0, 0)
    assert list(MissionParticipation.objects.order_by("pk").values_list("pk", "membership_id", "mission")) == (
        rows_before
    )
    # Only the import's own summary entry.
    assert JournalEntry.objects.count() == journal_before + 1


def test_an_empty_missions_cell_leaves_the_missions_as_they_are(cpts, coordinator, imported):
    result = imports.commit(cpts, csv_bytes(f"Martin;Claire;Infirmière;{CLAIRE};;"), by=coordinator)

    assert result.missions_updated == 0
    assert missions(CLAIRE) == [1, 3]


def test_a_bad_row_elsewhere_updates_no_missions(cpts, coordinator, imported):
    content = csv_bytes(f"Martin;Claire;Infirmière;{CLAIRE};;5", "Petit;Jean;Infirmier;10100901735;;1")

    with pytest.raises(imports.ImportRejected):
        imports.commit(cpts, content, by=coordinator)

    assert missions(CLAIRE) == [1, 3]


def test_missions_for_a_mailing_list_member_already_here_are_a_row_error(cpts, coordinator):
    imports.commit(cpts, csv_bytes(f"Martin;Claire;Infirmière;{CLAIRE};Liste de diffusion;"), by=coordinator)

    preview = imports.analyse(cpts, csv_bytes(f"Martin;Claire;Infirmière;{CLAIRE};;1"))

    assert not preview.is_valid
    (message,) = preview.rows[0].error_messages
    assert message.startswith("Missions : cet adhérent est sur la liste de diffusion")
    assert Membership.objects.get().involvement == Involvement.MAILING_LIST


def test_the_missions_of_a_member_structure_are_updated_too(cpts, coordinator):
    CommuneFactory(code="78646", name="Versailles")
    headers = "Raison sociale;Type de structure;FINESS;Code INSEE;Missions"
    imports.commit(
        cpts, csv_bytes("MSP des Tilleuls;MSP;" + finess_number(1) + ";78646;2", headers=headers), by=coordinator
    )

    preview = imports.analyse(
        cpts, csv_bytes("MSP des Tilleuls;MSP;" + finess_number(1) + ";78646;2, 4", headers=headers)
    )
    result = imports.commit(
        cpts, csv_bytes("MSP des Tilleuls;MSP;" + finess_number(1) + ";78646;2, 4", headers=headers), by=coordinator
    )

    assert preview.rows[0].outcome_label == "Déjà adhérente : missions mises à jour (2 → 2, 4)"
    assert result.missions_updated == 1
    membership = Membership.objects.get(structure__finess=finess_number(1))
    assert sorted(membership.missions.values_list("mission", flat=True)) == [2, 4]


def test_the_preview_page_says_which_rows_update_missions(cpts, coordinator, imported):
    client = verified_client(coordinator)
    content = csv_bytes(f'Martin;Claire;Infirmière;{CLAIRE};;"1, 3, 6"')

    page = client.post(
        reverse("members_import", args=[cpts.slug]), {"file": SimpleUploadedFile("a.csv", content)}
    ).content.decode()

    assert "Déjà adhérent : missions mises à jour (1, 3 → 1, 3, 6)" in page
    assert "dont les missions seront mises à jour" in page
