"""Every error of an import file is in French and names its column."""

import pytest

from maillon.members import imports
from maillon.members.factories import CollegeFactory, MembershipFactory, ProfessionalFactory
from maillon.territories.factories import CommuneFactory, PostalCodeFactory

pytestmark = pytest.mark.django_db

HEADERS = ["Nom", "Prénom", "Profession", "RPPS", "ADELI"]


def csv_bytes(headers, rows):
    return "\n".join(";".join(line) for line in [headers, *rows]).encode()


def errors_of(cpts, values):
    base = {"last_name": "Martin", "first_name": "Claire", "profession": "Infirmière", "rpps": "10100901734"}
    return imports.check_record(cpts, {**base, **values}).error_messages


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"rpps": "10100901735"}, "RPPS : « 10100901735 » : 11 chiffres attendus, avec une clé de contrôle juste."),
        ({"rpps": "1,01009E+10"}, "RPPS : « 1,01009E+10 » a été abrégé par le tableur"),
        ({"rpps": "", "adeli": ""}, "RPPS : indiquez le numéro RPPS ou, à défaut, le numéro ADELI."),
        ({"rpps": "", "adeli": "78AB"}, "ADELI : « 78AB » : 9 caractères attendus"),
        ({"profession": "Sorcier"}, "Profession : « Sorcier » n'est pas une profession connue"),
        ({"profession": ""}, "Profession : obligatoire."),
        ({"last_name": ""}, "Nom : obligatoire."),
        ({"first_name": ""}, "Prénom : obligatoire."),
        ({"profession": "Kiné", "specialty": "IPA"}, "Spécialité : « IPA » ne va pas avec la profession"),
        ({"email": "claire@"}, "Email : « claire@ » n'est pas une adresse électronique valide."),
        ({"phone": "appelez-moi"}, "Téléphone : saisissez un numéro valide (par exemple 01 23 45 67 89)"),
        ({"takes_part_in_snp": "peut-être"}, "SNP : « peut-être » : répondez oui ou non."),
        ({"accepts_new_patients": "bof"}, "Accepte nouveaux patients : « bof » : répondez oui ou non."),
        ({"involvement": "chef"}, "Implication : « chef » n'est pas un niveau connu"),
        ({"languages": "Anglais, Klingon"}, "Langues : langue(s) inconnue(s) : « Klingon »."),
        ({"commune_code": "99999"}, "Code INSEE : « 99999 » n'est pas le code INSEE d'une commune."),
        ({"commune": "Atlantide", "postal_code": "78000"}, "Commune : « 78000 Atlantide » : commune introuvable"),
        ({"address": "1 rue Hoche"}, "Commune : indiquez la commune (ou son code INSEE) de l'adresse."),
        ({"postal_code": "7800A", "commune": "X"}, "Code postal : « 7800A » n'est pas un code postal"),
    ],
)
def test_each_error_names_its_column(cpts, values, message):
    messages = errors_of(cpts, values)
    assert len(messages) == 1, messages
    assert messages[0].startswith(message)


def test_an_unknown_college_lists_the_known_ones(cpts):
    CollegeFactory(cpts=cpts, name="Médecins", position=1)
    CollegeFactory(cpts=cpts, name="Paramédicaux", position=2)
    CollegeFactory(name="Usagers")  # another CPTS's
    assert errors_of(cpts, {"college": "Usagers"}) == [
        "Collège : « Usagers » n'est pas un collège de la CPTS ; collèges : « Médecins », « Paramédicaux »."
    ]
    assert errors_of(cpts, {"college": "medecins"}) == []


def test_an_ambiguous_commune_is_an_error_naming_the_candidates(cpts):
    for code in ("78001", "91001"):
        PostalCodeFactory(code=f"{code[:2]}100", commune=CommuneFactory(code=code, name="Saint-Martin"))
    [message] = errors_of(cpts, {"commune": "Saint Martin"})
    assert message.startswith("Commune : « Saint Martin » désigne plusieurs communes (Saint-Martin (78001)")
    assert "ajoutez le code postal" in message
    assert errors_of(cpts, {"commune": "St-Martin", "postal_code": "91100"}) == []


def test_a_duplicate_inside_the_file_names_the_first_line(cpts):
    rows = [["Martin", "Claire", "Infirmière", "10100901734", ""], ["Martin", "Claire", "IDE", "101 009 017 34", ""]]
    preview = imports.analyse(cpts, csv_bytes(HEADERS, rows), "a.csv")
    assert preview.rows[0].errors == []
    assert preview.rows[1].error_messages == ["RPPS : même numéro qu'à la ligne 2 du fichier (doublon)."]
    assert not preview.is_valid


def test_numbers_of_two_different_professionals_are_an_error(cpts):
    ProfessionalFactory(rpps="10100901734", adeli=None)
    ProfessionalFactory(rpps=None, adeli="789000001")
    assert errors_of(cpts, {"adeli": "789000001"}) == [
        "ADELI : ce numéro ADELI est celui d'un autre professionnel que le numéro RPPS de la ligne."
    ]


def test_a_missing_required_column_is_a_file_error(cpts):
    preview = imports.analyse(cpts, csv_bytes(["Nom", "Profession"], [["Martin", "IDE"]]), "a.csv")
    assert preview.file_errors == [
        "Colonne(s) obligatoire(s) absente(s) : « Prénom », « RPPS ou ADELI ». "
        "La première ligne du fichier doit porter les noms des colonnes (voir le modèle)."
    ]
    assert not preview.is_valid


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "a.csv", "Le fichier est vide."),
        ("Nom;Prénom;Profession;RPPS\n".encode(), "a.csv", "Le fichier ne contient aucune ligne de membre"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a.xls", "Ce classeur est au format Excel 97-2003"),
        (b"PK\x03\x04 not really a zip", "a.xlsx", "Le classeur XLSX est illisible"),
        ("Nom;Nom de famille;Prénom;Profession;RPPS\n".encode(), "a.csv", "Les colonnes « Nom » et « Nom de famille »"),
    ],
)
def test_unreadable_files_say_why(cpts, content, filename, message):
    preview = imports.analyse(cpts, content, filename)
    assert preview.file_errors
    assert preview.file_errors[0].startswith(message)


def test_too_many_rows_is_a_file_error(cpts, settings):
    settings.MAILLON_IMPORT_MAX_ROWS = 2
    rows = [["A", "B", "IDE", "", f"78900000{n}"] for n in range(3)]
    preview = imports.analyse(cpts, csv_bytes(HEADERS, rows), "a.csv")
    assert preview.file_errors == ["Le fichier compte plus de 2 lignes : 2 au plus par import, découpez-le."]


def test_a_known_professional_with_another_name_is_a_warning_not_an_error(cpts):
    MembershipFactory(
        cpts=cpts, status="left", professional=ProfessionalFactory(rpps="10100901734", last_name="Dupont")
    )
    row = imports.check_record(
        cpts, {"last_name": "Martin", "first_name": "C", "profession": "IDE", "rpps": "10100901734"}
    )
    assert row.errors == []
    assert row.outcome == imports.Outcome.REUSE
    assert row.warnings[0].startswith("Nom : le professionnel déjà inscrit avec ce numéro porte un autre nom")


def test_an_open_adhesion_skips_the_row(cpts):
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(rpps="10100901734", last_name="Martin"))
    assert (
        imports.check_record(
            cpts, {"last_name": "Martin", "first_name": "C", "profession": "IDE", "rpps": "10100901734"}
        ).outcome
        == imports.Outcome.SKIP
    )
