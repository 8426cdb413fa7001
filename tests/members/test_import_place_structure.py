"""The « Structure » column: the FINESS or SIRET of a member structure of the CPTS (or of a
structure of the same file) attaches the professional's practice place of that row to it."""

import pytest

from maillon.members import imports
from maillon.members.factories import (
    MembershipFactory,
    PracticePlaceFactory,
    ProfessionalFactory,
    StructureFactory,
    finess_number,
    siret_number,
)
from maillon.members.models import PracticePlace, Professional
from maillon.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

HEADERS = "Nom;Prénom;Profession;RPPS;Raison sociale;Type de structure;FINESS;SIRET;Code INSEE;Structure"
CLAIRE = "10100901734"


def csv_bytes(*lines):
    return ("\r\n".join([HEADERS, *lines]) + "\r\n").encode()


def nurse(structure, *, rpps=CLAIRE, commune="78646"):
    return f"Martin;Claire;Infirmière;{rpps};;;;;{commune};{structure}"


@pytest.fixture(autouse=True)
def versailles(db):
    return CommuneFactory(code="78646", name="Versailles")


def place_of(rpps=CLAIRE):
    return PracticePlace.objects.get(professional__rpps=rpps)


def test_a_new_professional_practises_in_a_member_structure_named_by_finess(cpts, coordinator):
    msp = StructureFactory(finess=finess_number(7), siret=siret_number(7))
    MembershipFactory(cpts=cpts, professional=None, structure=msp)

    result = imports.commit(cpts, csv_bytes(nurse(finess_number(7))), by=coordinator)

    assert result.created == 1
    assert place_of().structure == msp


def test_a_structure_of_the_same_file_by_siret(cpts, coordinator):
    content = csv_bytes(nurse(siret_number(9)), f";;;;Pharmacie du Parc;Pharmacie;;{siret_number(9)};78646;")

    imports.commit(cpts, content, by=coordinator)

    assert place_of().structure.name == "Pharmacie du Parc"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (finess_number(99), "aucune structure adhérente de la CPTS ni du fichier n'a ce numéro"),
        ("12345", "n'est ni un FINESS (9 caractères) ni un SIRET (14 chiffres)"),
    ],
)
def test_an_unknown_number_is_a_row_error_naming_the_column(cpts, coordinator, value, message):
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.commit(cpts, csv_bytes(nurse(value)), by=coordinator)

    (error,) = rejected.value.preview.rows[0].error_messages
    assert error.startswith("Structure : ") and message in error
    assert Professional.objects.count() == 0


def test_a_structure_that_is_not_a_member_of_this_cpts_is_a_row_error(cpts, other_cpts, coordinator):
    msp = StructureFactory(finess=finess_number(7))
    MembershipFactory(cpts=other_cpts, professional=None, structure=msp)

    preview = imports.analyse(cpts, csv_bytes(nurse(finess_number(7))))

    assert preview.rows[0].error_messages == [
        f"Structure : « {finess_number(7)} » : cette structure n'est pas adhérente de la CPTS."
    ]


def test_a_member_already_here_has_the_place_in_that_commune_attached_once(cpts, coordinator, versailles):
    professional = ProfessionalFactory(rpps=CLAIRE, last_name="Martin")
    MembershipFactory(cpts=cpts, professional=professional)
    elsewhere = PracticePlaceFactory(professional=professional, is_main=True)
    here = PracticePlaceFactory(professional=professional, commune=versailles, is_main=False)
    msp = StructureFactory(finess=finess_number(7))
    MembershipFactory(cpts=cpts, professional=None, structure=msp)
    content = csv_bytes(nurse(finess_number(7)))

    imports.commit(cpts, content, by=coordinator)
    here.refresh_from_db()
    elsewhere.refresh_from_db()
    second = imports.analyse(cpts, content)

    assert (here.structure, elsewhere.structure) == (msp, None)
    assert second.is_valid and second.rows[0].place_id is None  # nothing left to change


def test_a_member_already_here_without_a_place_in_that_commune_is_a_row_error(cpts, coordinator):
    professional = ProfessionalFactory(rpps=CLAIRE, last_name="Martin")
    MembershipFactory(cpts=cpts, professional=professional)
    PracticePlaceFactory(professional=professional)
    msp = StructureFactory(finess=finess_number(7))
    MembershipFactory(cpts=cpts, professional=None, structure=msp)

    preview = imports.analyse(cpts, csv_bytes(nurse(finess_number(7))))

    assert preview.rows[0].error_messages == [
        "Structure : ce professionnel n'a pas de lieu d'exercice à Versailles sur sa fiche."
    ]


def test_a_new_professional_without_commune_cannot_be_attached(cpts, coordinator):
    msp = StructureFactory(finess=finess_number(7))
    MembershipFactory(cpts=cpts, professional=None, structure=msp)

    preview = imports.analyse(cpts, csv_bytes(nurse(finess_number(7), commune="")))

    (error,) = preview.rows[0].error_messages
    assert error.startswith("Structure : indiquez la commune du lieu d'exercice")
