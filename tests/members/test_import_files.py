"""The files coordinators keep are read as they are: CSV with `;` or `,`, any
encoding they come in, XLSX, French headers in any order and spelling."""

import io

import openpyxl
import pytest

from maillon.members import imports
from maillon.members.factories import CollegeFactory
from maillon.members.models import Membership, Professional
from maillon.members.professions import Profession, Specialty
from maillon.territories.factories import CommuneFactory, PostalCodeFactory

pytestmark = pytest.mark.django_db

HEADERS = ["Nom", "Prénom", "Profession", "RPPS", "Email", "Code postal", "Commune", "Collège", "SNP"]
ROWS = [
    [
        "Lefèvre",
        "Hélène",
        "Infirmière",
        "10100901734",
        "helene@example.org",
        "78000",
        "Versailles",
        "Paramédicaux",
        "oui",
    ],
    ["Durand", "Éric", "Médecin généraliste", "10002909371", "", "78000", "Versailles", "", "non"],
]


def csv_bytes(headers, rows, *, delimiter=";", encoding="utf-8", bom=False):
    lines = [delimiter.join(headers)] + [delimiter.join(row) for row in rows]
    content = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return (b"\xef\xbb\xbf" + content) if bom else content


def xlsx_bytes(headers, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def versailles(cpts):
    commune = CommuneFactory(code="78646", name="Versailles")
    PostalCodeFactory(code="78000", commune=commune)
    CollegeFactory(cpts=cpts, name="Paramédicaux")
    return commune


def assert_two_clean_rows(preview):
    assert preview.file_errors == []
    assert [row.error_messages for row in preview.rows] == [[], []]
    first, second = preview.rows
    assert (first.values["last_name"], first.values["first_name"]) == ("Lefèvre", "Hélène")
    assert (first.profession, first.specialty) == (Profession.INFIRMIER, Specialty.NONE)
    assert (second.profession, second.specialty) == (Profession.MEDECIN, Specialty.GENERAL_PRACTICE)
    assert first.commune.code == second.commune.code == "78646"
    assert first.college.name == "Paramédicaux"
    assert (first.takes_part_in_snp, second.takes_part_in_snp) == (True, False)
    assert [row.outcome for row in preview.rows] == [imports.Outcome.CREATE, imports.Outcome.CREATE]


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [
        (";", "utf-8", False),
        (",", "utf-8", False),
        (";", "utf-8", True),
        (";", "cp1252", False),
        (",", "cp1252", False),
    ],
    ids=["semicolon", "comma", "utf8-bom", "cp1252-semicolon", "cp1252-comma"],
)
def test_csv_files_are_read_whatever_their_delimiter_and_encoding(cpts, versailles, delimiter, encoding, bom):
    content = csv_bytes(HEADERS, ROWS, delimiter=delimiter, encoding=encoding, bom=bom)
    assert_two_clean_rows(imports.analyse(cpts, content, "adherents.csv"))


def test_a_utf16_export_with_tabs_is_read(cpts, versailles):
    content = csv_bytes(HEADERS, ROWS, delimiter="\t", encoding="utf-16")
    assert_two_clean_rows(imports.analyse(cpts, content, "adherents.txt.csv"))


def test_xlsx_files_are_read_with_numbers_typed_as_numbers(cpts, versailles):
    rows = [[int(cell) if cell.isdigit() and len(cell) > 4 else cell for cell in row] for row in ROWS]
    assert isinstance(rows[0][3], int)
    assert_two_clean_rows(imports.analyse(cpts, xlsx_bytes(HEADERS, rows), "adherents.xlsx"))


def test_headers_in_any_order_with_accent_case_and_space_variants(cpts, versailles):
    headers = ["SNP", "collège ", "VILLE", "CP", "E-mail", "N° RPPS", "Profession", "Prenom", "NOM "]
    rows = [list(reversed(row)) for row in ROWS]
    assert_two_clean_rows(imports.analyse(cpts, csv_bytes(headers, rows), "adherents.csv"))


def test_unknown_columns_are_ignored_and_listed(cpts, versailles):
    headers = [*HEADERS, "Date de naissance", "Remarques"]
    rows = [[*row, "01/01/1970", "RAS"] for row in ROWS]
    preview = imports.analyse(cpts, csv_bytes(headers, rows), "adherents.csv")
    assert preview.is_valid
    assert preview.ignored_columns == ["Date de naissance", "Remarques"]


@pytest.mark.parametrize(
    ("label", "profession", "specialty"),
    [
        ("Infirmière", Profession.INFIRMIER, Specialty.NONE),
        ("IDEL", Profession.INFIRMIER, Specialty.NONE),
        ("IPA", Profession.INFIRMIER, Specialty.IPA),
        ("Médecin généraliste", Profession.MEDECIN, Specialty.GENERAL_PRACTICE),
        ("medecin specialiste", Profession.MEDECIN, Specialty.OTHER_MEDICAL),
        ("Kiné", Profession.MASSEUR_KINESITHERAPEUTE, Specialty.NONE),
        ("MASSEUR-KINÉSITHÉRAPEUTE", Profession.MASSEUR_KINESITHERAPEUTE, Specialty.NONE),
        ("Pharmacien", Profession.PHARMACIEN, Specialty.NONE),
        ("Sage-femme", Profession.SAGE_FEMME, Specialty.NONE),
        ("Sage femme", Profession.SAGE_FEMME, Specialty.NONE),
        ("Orthophoniste", Profession.ORTHOPHONISTE, Specialty.NONE),
        ("Psychologue", Profession.PSYCHOLOGUE, Specialty.NONE),
        ("60", Profession.INFIRMIER, Specialty.NONE),
        ("10", Profession.MEDECIN, Specialty.NONE),
        ("91", Profession.ORTHOPHONISTE, Specialty.NONE),
    ],
)
def test_professions_by_french_label_or_g15_code(cpts, label, profession, specialty):
    row = imports.check_record(cpts, {"last_name": "A", "first_name": "B", "profession": label, "rpps": "10100901734"})
    assert (row.profession, row.specialty, row.errors) == (profession, specialty, [])


def test_a_doctors_named_specialty_makes_a_specialist_and_stays_searchable(cpts):
    values = {"last_name": "A", "first_name": "B", "profession": "Médecin", "specialty": "Cardiologie", "rpps": ""}
    row = imports.check_record(cpts, {**values, "rpps": "10100901734"})
    assert (row.specialty, row.skills) == (Specialty.OTHER_MEDICAL, "Cardiologie")


def test_commune_by_insee_code_or_by_name_and_postal_code(cpts):
    versailles = CommuneFactory(code="78646", name="Versailles")
    PostalCodeFactory(code="78000", commune=versailles)
    base = {"last_name": "A", "first_name": "B", "profession": "Kiné", "rpps": "10100901734"}
    assert imports.check_record(cpts, {**base, "commune_code": "78646"}).commune == versailles
    assert imports.check_record(cpts, {**base, "commune": "VERSAILLES", "postal_code": "78000"}).commune == versailles
    assert imports.check_record(cpts, {**base, "commune": "Versailles"}).commune == versailles
    assert imports.check_record(cpts, {**base, "commune": "Versailles Cedex"}).commune == versailles


def test_an_imported_row_makes_a_complete_card(cpts, coordinator, versailles):
    headers = [*HEADERS, "Adresse", "Langues", "Compétences", "Implication", "Téléphone"]
    rows = [[*ROWS[0], "1 rue Hoche", "Anglais, LSF", "Plaies,Diabète", "Pilote un projet", "139000000"]]
    imports.commit(cpts, csv_bytes(headers, rows), "a.csv", by=coordinator)
    professional = Professional.objects.get(rpps="10100901734")
    assert professional.email == "helene@example.org"
    assert professional.skills == "Plaies, Diabète"
    assert professional.phone == "01 39 00 00 00"
    assert professional.takes_part_in_snp
    assert set(professional.languages.values_list("code", flat=True)) == {"en", "fsl"}
    assert "helene lefevre" in professional.search_text
    place = professional.practice_places.get()
    assert (place.address, place.commune_id, place.is_main) == ("1 rue Hoche", "78646", True)
    membership = Membership.objects.get(professional=professional)
    assert (membership.cpts, membership.status, membership.college.name) == (cpts, "active", "Paramédicaux")
    assert membership.involvement == "project_lead"
    assert membership.decided_by == coordinator
    assert [(e.from_status, e.to_status) for e in membership.events.all()] == [("requested", "active")]
