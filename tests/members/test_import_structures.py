"""Structures in the import: a row with no RPPS nor ADELI but a FINESS or a SIRET is a
structure adhesion; same all-or-nothing preview, errors naming the column, and a
re-import finds the structure again (by FINESS, then by SIRET)."""

import pytest

from maillon.core.models import JournalEntry
from maillon.members import imports
from maillon.members.factories import (
    CollegeFactory,
    MembershipFactory,
    StructureFactory,
    finess_number,
    rpps_number,
    siret_number,
)
from maillon.members.models import Membership, MissionParticipation, Professional, Structure
from maillon.members.professions import StructureKind
from maillon.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

HEADERS = [
    "Nom",
    "Prénom",
    "Profession",
    "RPPS",
    "Raison sociale",
    "Type de structure",
    "N° FINESS",
    "SIRET",
    "Code INSEE",
    "Collège",
    "Missions",
]
FINESS = finess_number(1)
SIRET = siret_number(42)


def csv_bytes(*rows, headers=HEADERS):
    lines = [";".join(headers)] + [";".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def nurse_row(n=1):
    return ["Martin", "Claire", "Infirmière", rpps_number(n), "", "", "", "", "78646", "", ""]


def msp_row(*, finess=FINESS, siret="", name="MSP des Tilleuls", kind="Maison de santé", **changes):
    row = ["", "", "", "", name, kind, finess, siret, "78646", "Établissements", "2, 4"]
    for index, value in changes.items():
        row[int(index[1:])] = value
    return row


@pytest.fixture(autouse=True)
def setup(cpts):
    CommuneFactory(code="78646", name="Versailles")
    CollegeFactory(cpts=cpts, name="Établissements")


def test_a_mixed_file_imports_professionals_and_structures(cpts, coordinator):
    content = csv_bytes(
        nurse_row(), msp_row(), msp_row(finess="", siret=SIRET, name="Pharmacie du Parc", kind="Officine")
    )

    preview = imports.analyse(cpts, content)
    result = imports.commit(cpts, content, by=coordinator)

    assert [row.error_messages for row in preview.rows] == [[], [], []]
    assert [row.is_structure for row in preview.rows] == [False, True, True]
    assert preview.summary["create"] == 1 and preview.summary["structures"] == 2
    assert (result.created, result.structures, result.memberships) == (1, 2, 3)
    assert "2 nouvelle(s) structure(s)" in result.message
    msp = Structure.objects.get(finess=FINESS)
    pharmacy = Structure.objects.get(siret=SIRET)
    assert (msp.name, msp.kind, msp.commune_id) == ("MSP des Tilleuls", StructureKind.MSP, "78646")
    assert "tilleuls" in msp.search_text
    assert pharmacy.kind == StructureKind.PHARMACY
    membership = Membership.objects.get(cpts=cpts, structure=msp)
    assert (membership.status, membership.college.name, membership.involvement) == (
        "active",
        "Établissements",
        "mission",
    )
    assert sorted(MissionParticipation.objects.filter(membership=membership).values_list("mission", flat=True)) == [
        2,
        4,
    ]
    assert Professional.objects.count() == 1
    assert JournalEntry.objects.filter(action="import", object_type="members.Structure", cpts_id=cpts.pk).exists()


def test_importing_the_same_mixed_file_again_creates_no_duplicate(cpts, coordinator):
    content = csv_bytes(nurse_row(), msp_row(siret=SIRET))
    imports.commit(cpts, content, by=coordinator)

    again = imports.analyse(cpts, content)
    result = imports.commit(cpts, content, by=coordinator)

    assert [row.outcome for row in again.rows] == [imports.Outcome.SKIP, imports.Outcome.SKIP]
    assert again.rows[1].outcome_label == "Déjà adhérente : ignorée"
    assert result.memberships == 0
    assert (Structure.objects.count(), Membership.objects.count()) == (1, 2)


def test_a_known_structure_is_found_by_finess_then_by_siret(cpts, coordinator, other_cpts):
    by_finess = StructureFactory(finess=FINESS, siret=None)
    by_siret = StructureFactory(finess=None, siret=SIRET)
    MembershipFactory(cpts=other_cpts, professional=None, structure=by_siret)
    content = csv_bytes(msp_row(), msp_row(finess="", siret=SIRET, name="Autre nom"))

    preview = imports.analyse(cpts, content)
    imports.commit(cpts, content, by=coordinator)

    assert [(row.outcome, row.existing_id) for row in preview.rows] == [
        (imports.Outcome.REUSE, by_finess.pk),
        (imports.Outcome.REUSE, by_siret.pk),
    ]
    assert Structure.objects.count() == 2
    assert set(Membership.objects.filter(cpts=cpts).values_list("structure_id", flat=True)) == {
        by_finess.pk,
        by_siret.pk,
    }
    by_siret.refresh_from_db()
    assert by_siret.name != "Autre nom"  # the card is left as it is


def test_a_finess_and_a_siret_of_two_different_structures_are_an_error(cpts):
    StructureFactory(finess=FINESS, siret=None)
    StructureFactory(finess=None, siret=SIRET)

    preview = imports.analyse(cpts, csv_bytes(msp_row(siret=SIRET)))

    assert preview.rows[0].error_messages == [
        "SIRET : ce SIRET est celui d'une autre structure que le FINESS de la ligne."
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"c6": "750712185"}, "FINESS : « 750712185 » : 9 caractères attendus (2A/2B en Corse), avec une clé"),
        ({"c6": "", "c7": "12345678901234"}, "SIRET : « 12345678901234 » : 14 chiffres attendus"),
        ({"c5": "Boulangerie"}, "Type de structure : « Boulangerie » n'est pas un type connu"),
        ({"c5": ""}, "Type de structure : obligatoire pour une structure"),
        ({"c4": ""}, "Raison sociale : obligatoire pour une structure"),
        ({"c8": ""}, "Commune : obligatoire pour une structure"),
        ({"c10": "8"}, "Missions : « 8 » n'est pas une mission"),
    ],
)
def test_structure_row_errors_name_their_column(cpts, changes, message):
    preview = imports.analyse(cpts, csv_bytes(msp_row(**changes)))

    assert not preview.is_valid
    assert any(error.startswith(message) for error in preview.rows[0].error_messages), preview.rows[0].error_messages


def test_a_bad_structure_last_row_writes_nothing(cpts, coordinator):
    content = csv_bytes(nurse_row(), msp_row(), msp_row(finess=finess_number(2), kind="Boulangerie"))

    with pytest.raises(imports.ImportRejected):
        imports.commit(cpts, content, by=coordinator)

    assert (Professional.objects.count(), Structure.objects.count(), Membership.objects.count()) == (0, 0, 0)


def test_the_same_finess_twice_in_the_file_is_a_duplicate(cpts):
    preview = imports.analyse(cpts, csv_bytes(msp_row(), msp_row(name="Doublon")))

    assert preview.rows[1].error_messages == ["FINESS : même numéro qu'à la ligne 2 du fichier (doublon)."]


def test_a_file_of_structures_only_needs_no_first_name_nor_profession(cpts, coordinator):
    headers = ["Nom", "Type", "FINESS", "Commune", "Catégorie de structure"]
    content = csv_bytes(["EHPAD Les Roses", "", FINESS, "Versailles", "EHPAD"], headers=headers)

    preview = imports.analyse(cpts, content)

    assert preview.file_errors == []
    assert preview.rows[0].error_messages == []
    assert (preview.rows[0].structure_name, preview.rows[0].structure_kind) == ("EHPAD Les Roses", StructureKind.EHPAD)
