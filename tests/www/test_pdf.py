"""The shared PDF module: blocks read back with pypdf, French money, WinAnsi text,
« page n / N » and the generation date in the footer."""

import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from maillon.www import pdf


def read(data: bytes) -> list[str]:
    """The text of each page, spaces (no-break ones too) collapsed."""
    return [" ".join(page.extract_text().replace("\xa0", " ").split()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1100"), "1 100,00 €"),
        (Decimal("43992"), "43 992,00 €"),
        (Decimal("0.005"), "0,01 €"),
        (Decimal("1234567.891"), "1 234 567,89 €"),
        (Decimal("-12.5"), "-12,50 €"),
    ],
)
def test_euros_are_written_the_french_way(amount, text):
    assert pdf.euros(amount) == text.replace(" ", "\xa0")


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_french_amounts_parse_back_to_the_same_decimal(value):
    text = pdf.decimal_fr(value)
    assert Decimal(text.replace("\xa0", "").replace(",", ".")) == value


def test_every_block_reads_back_with_accents_euro_and_oe():
    data = pdf.render_pdf(
        title="Relevé d'indemnités 2025",
        subtitle="CPTS Cœur de Seine",
        blocks=[
            pdf.Heading("Temps validé"),
            pdf.Paragraph("Réunion « parcours » : 1 100,00 € versés à Éloïse Lœvenbruck."),
            pdf.Table(["Membre", "Montant"], [["Éloïse Lœvenbruck", pdf.euros(Decimal("1100"))]], align_right={1}),
            pdf.KeyValues([("Montant versé", pdf.euros(Decimal("43992")))]),
        ],
    )
    assert data.startswith(b"%PDF-")
    [text] = read(data)
    for expected in (
        "Relevé d'indemnités 2025",
        "CPTS Cœur de Seine",
        "Temps validé",
        "Réunion « parcours » : 1 100,00 € versés à Éloïse Lœvenbruck.",
        "Membre",
        "Éloïse Lœvenbruck 1 100,00 €",
        "Montant versé 43 992,00 €",
        "page 1 / 1",
        "Généré le ",
    ):
        assert expected in text
    assert PdfReader(io.BytesIO(data)).metadata.title == "Relevé d'indemnités 2025"


def test_a_long_table_runs_over_pages_numbered_n_of_total_with_its_header_repeated():
    rows = [[f"Membre {index}", pdf.euros(Decimal(index))] for index in range(200)]
    pages = read(pdf.render_pdf(title="Liste", blocks=[pdf.Table(["Nom", "Montant"], rows)]))
    total = len(pages)
    assert total >= 3
    for number, text in enumerate(pages, start=1):
        assert f"page {number} / {total}" in text
        assert text.startswith("Liste") or text.startswith("Nom Montant")
    assert "Membre 199 199,00 €" in pages[-1]


def test_text_is_plain_and_characters_outside_winansi_do_not_break_it():
    [text] = read(
        pdf.render_pdf(
            title="<b>Titre</b> & co",
            blocks=[pdf.Paragraph("Łukasz Ćwik\u202fà 8\u2009h — 日本"), pdf.Table(["A"], [["x < y & z"]])],
        )
    )
    assert "<b>Titre</b> & co" in text
    assert "?ukasz Cwik à 8 h — ??" in text
    assert "x < y & z" in text


def test_an_unknown_block_is_refused():
    with pytest.raises(TypeError):
        pdf.render_pdf(title="x", blocks=["not a block"])
