"""The report's PDF (text extracted with pypdf) and XLSX workbook (opened with openpyxl)."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from maillon.contracts.report import build_report
from maillon.contracts.report_files import EURO_FORMAT, report_pdf, report_xlsx

from .test_report import small_contract


def pdf_text(content: bytes) -> str:
    """The PDF's text, whitespace (no-break spaces and line wraps included) folded to one space."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


@pytest.fixture
def data(cpts):
    return build_report(small_contract(cpts), 1)


@pytest.mark.django_db
def test_the_pdf_holds_missions_indicators_values_and_amounts(data):
    content = report_pdf(data)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert "Dialogue de gestion — année 1 — CPTS Plaine de Versailles" in text
    for name in ("Accès aux soins", "Parcours pluriprofessionnels", "Prévention", "Crises sanitaires graves"):
        assert f"Mission {name}" in text or name in text
    assert "Patients en ALD sans médecin traitant" in text
    assert "Concertations pluriprofessionnelles tenues" in text
    assert "87 patients" in text  # the value of the year
    assert "91,5 %" in text
    assert "6 000,00 €" in text  # earned by the ALD indicator
    assert "12 000,00 €" in text  # a spending row
    total = Decimal(data["funding"]["total"])
    assert f"{total:,.2f}".replace(",", " ").replace(".", ",") + " €" in text
    assert "Financement de l'année 2 (prévisionnel)" in text
    assert "Aperçu du" in text  # not a sent version


@pytest.mark.django_db
def test_the_pdf_of_a_version_says_its_number(data):
    data = {**data, "meta": {**data["meta"], "version": 3, "sent_at": "2025-01-02T10:00:00+01:00"}}
    assert "Version 3, envoyée le 02/01/2025" in pdf_text(report_pdf(data))


@pytest.mark.django_db
def test_the_workbook_has_a_summary_one_sheet_per_mission_and_the_funding(data):
    workbook = load_workbook(io.BytesIO(report_xlsx(data)))
    assert workbook.sheetnames == [
        "Synthèse",
        "M1 Accès aux soins",
        "M2 Parcours pluriprofessionnels",
        "M3 Prévention",
        "M4 Crises sanitaires graves",
        "M5 Qualité et pertinence des",
        "Fonctionnement",
        "Financement",
    ]


@pytest.mark.django_db
def test_the_workbook_keeps_numbers_as_numbers_in_euros_and_dates_as_dates(data):
    sheet = load_workbook(io.BytesIO(report_xlsx(data)))["M1 Accès aux soins"]
    rows = {row[0].value: row for row in sheet.iter_rows() if row[0].value}
    indicator = rows["Patients en ALD sans médecin traitant"]
    assert indicator[3].value == 219  # baseline, a number
    assert indicator[6].value == 87  # value of the year
    assert indicator[7].value == 6000 and indicator[7].number_format == EURO_FORMAT
    assert isinstance(indicator[4].value, datetime.datetime)
    assert indicator[4].number_format == "DD/MM/YYYY"
    assert rows["Part variable demandée"][1].value == float(data["missions"][0]["variable"]["claimed"])


@pytest.mark.django_db
def test_the_workbook_neutralises_formulas(data):
    workbook = load_workbook(io.BytesIO(report_xlsx(data)))
    labels = [cell.value for row in workbook["M1 Accès aux soins"].iter_rows() for cell in row if cell.value]
    assert '\'=HYPERLINK("http://exemple.invalid")' in labels
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"


@pytest.mark.django_db
def test_the_funding_sheet_totals_the_year_and_the_forecast(data):
    sheet = load_workbook(io.BytesIO(report_xlsx(data)))["Financement"]
    totals = [row for row in sheet.iter_rows(values_only=True) if row[0] == "Total" and row[4] is not None]
    assert totals[0][4] == float(data["funding"]["total"])
    assert totals[1][4] == float(data["next_year"]["total"])
