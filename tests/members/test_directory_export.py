"""The directory exports (coordinators): French columns, CSV for French Excel, XLSX, no formula injection."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from maillon.core.models import JournalEntry
from maillon.members.factories import (
    CollegeFactory,
    LanguageFactory,
    MembershipFactory,
    PracticePlaceFactory,
    ProfessionalFactory,
)
from maillon.members.models import Involvement, MembershipStatus
from maillon.members.professions import Profession, Specialty
from maillon.territories.factories import CommuneFactory
from maillon.www.members_views.directory.export import HEADERS
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

EXPECTED_HEADERS = [
    "Nom",
    "Prénom",
    "Profession",
    "Spécialité",
    "RPPS",
    "ADELI",
    "Commune",
    "Adresse",
    "Téléphone",
    "MSSanté",
    "Langues",
    "Compétences",
    "Accepte de nouveaux patients",
    "SNP",
    "Collège",
    "Implication",
    "Adhérent depuis",
]
JOINED = datetime.date(2024, 3, 15)


def export(client, cpts, fmt, **params):
    return client.get(reverse("members_directory_export", args=[cpts.slug, fmt]), params)


def csv_rows(response):
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def anne(cpts):
    professional = ProfessionalFactory(
        first_name="Anne",
        last_name="Martin",
        specialty=Specialty.GENERAL_PRACTICE,
        skills="Diabète, Plaies",
        accepts_new_patients=True,
    )
    professional.languages.add(LanguageFactory(code="en", name="Anglais"))
    sevres = CommuneFactory(code="92072", name="Sèvres")
    PracticePlaceFactory(
        professional=professional,
        commune=sevres,
        address="3 rue des Lilas",
        phone="01 39 00 00 00",
        mssante_email="anne.martin@medecin.mssante.fr",
    )
    PracticePlaceFactory(professional=professional, commune=sevres, address="Cabinet secondaire", is_main=False)
    MembershipFactory(
        cpts=cpts,
        professional=professional,
        college=CollegeFactory(cpts=cpts, name="Médecins"),
        involvement=Involvement.MISSION,
        joined_on=JOINED,
    )
    return professional


def test_the_csv_has_french_columns_and_one_line_per_member(cpts, coordinator, anne):
    response = export(verified_client(coordinator), cpts, "csv")
    rows = csv_rows(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="annuaire-plaine-de-versailles-')
    assert rows[0][: len(EXPECTED_HEADERS)] == EXPECTED_HEADERS == HEADERS[: len(EXPECTED_HEADERS)]
    assert rows[1] == [
        "Martin",
        "Anne",
        "Médecin",
        "Médecine générale",
        anne.rpps,
        "",
        "Sèvres",
        "3 rue des Lilas",
        "01 39 00 00 00",
        "anne.martin@medecin.mssante.fr",
        "Anglais",
        "Diabète, Plaies",
        "Oui",
        "Non",
        "Médecins",
        "Participe à une mission",
        "15/03/2024",
        "Cabinet secondaire, Sèvres",
        "",
        "",
        "",
    ]
    assert len(rows) == 2


def test_the_xlsx_has_a_bold_header_widths_and_real_dates(cpts, coordinator, anne):
    response = export(verified_client(coordinator), cpts, "xlsx")
    sheet, rows = xlsx_rows(response)

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert rows[0][: len(EXPECTED_HEADERS)] == EXPECTED_HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["A"].width == 20
    assert rows[1][:5] == ["Martin", "Anne", "Médecin", "Médecine générale", anne.rpps]
    assert rows[1][16] == datetime.datetime(2024, 3, 15)
    assert len(rows) == 2


def test_exports_apply_the_page_filters(cpts, coordinator, anne):
    nurse = MembershipFactory(cpts=cpts, professional__profession=Profession.INFIRMIER, professional__specialty="")
    client = verified_client(coordinator)

    nurses = csv_rows(export(client, cpts, "csv", profession=Profession.INFIRMIER))
    everyone = csv_rows(export(client, cpts, "csv"))

    assert [row[4] for row in nurses[1:]] == [nurse.professional.rpps]
    assert len(everyone) == 3


def test_members_of_other_cpts_and_former_members_are_not_exported(cpts, other_cpts, coordinator, anne):
    MembershipFactory(cpts=other_cpts)
    MembershipFactory(cpts=cpts, status=MembershipStatus.LEFT)
    MembershipFactory(cpts=cpts, requested=True)
    client = verified_client(coordinator)

    assert len(csv_rows(export(client, cpts, "csv"))) == 2
    assert len(xlsx_rows(export(client, cpts, "xlsx"))[1]) == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_are_neutralised(cpts, coordinator, fmt):
    MembershipFactory(
        cpts=cpts,
        professional__last_name='=HYPERLINK("http://evil")',
        professional__first_name="+1+1",
        professional__skills="@SUM(A1)",
    )
    response = export(verified_client(coordinator), cpts, fmt)
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)[1]

    assert rows[1][:2] == ['\'=HYPERLINK("http://evil")', "'+1+1"]
    assert rows[1][11] == "'@SUM(A1)"
    if fmt == "xlsx":
        sheet = xlsx_rows(response)[0]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_member_who_is_not_coordinator_gets_403(cpts, member, anne):
    """The member sees the directory, but may not export it."""
    client = verified_client(member)

    assert export(client, cpts, "csv").status_code == 403
    assert export(client, cpts, "xlsx").status_code == 403


def test_an_unknown_format_is_404(cpts, coordinator):
    assert export(verified_client(coordinator), cpts, "pdf").status_code == 404


def test_invalid_criteria_send_back_to_the_page(cpts, coordinator):
    response = export(verified_client(coordinator), cpts, "csv", radius="10")

    assert response.status_code == 302
    assert response["Location"] == reverse("members_directory", args=[cpts.slug]) + "?radius=10"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_is_journaled_with_the_count_and_no_name(cpts, coordinator, anne, fmt):
    response = export(verified_client(coordinator), cpts, fmt)
    if fmt == "csv":
        b"".join(response.streaming_content)

    entry = JournalEntry.objects.get(action="export")
    assert (entry.object_type, entry.object_id, entry.cpts_id) == ("members.Professional", "directory", cpts.pk)
    assert entry.note == f"1 ligne, {fmt.upper()}"
    assert entry.actor_id == coordinator.pk
    assert "Martin" not in entry.note and "rpps" in entry.fields
