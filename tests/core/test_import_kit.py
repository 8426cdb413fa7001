"""The import kit (maillon/core/imports): reading with limits, columns, records."""

import codecs
import io
import zipfile

import openpyxl
import pytest

from maillon.core.imports import Column, ColumnSet, Limits, Preview, UnreadableFile, read_table, records_of
from maillon.core.imports.reading import FileTooLarge

LIMITS = Limits(max_bytes=1_000_000, max_rows=100, max_columns=20, max_cells=1_000, max_uncompressed=2_000_000)
COLUMNS = ColumnSet(
    [Column("last_name", "Nom", "nom de famille"), Column("first_name", "Prénom", "prénoms"), Column("rpps", "RPPS")],
    keywords={"rpps": "rpps"},
)


def bomb_workbook(ref="A1:XFD20001") -> bytes:
    """A workbook of a few kB whose only sheet declares a huge size (openpyxl would trust it)."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{ref}"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Nom</t></is></c></row>'
        '<row r="20001"><c r="XFD20001" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_small_workbook_declaring_a_huge_sheet_is_refused_from_its_declaration(settings):
    content = bomb_workbook()
    assert len(content) < 6_000
    with pytest.raises(UnreadableFile, match="Le classeur déclare 16384 colonnes"):
        read_table(content, "bombe.xlsx")  # the default limits, from the settings


def test_a_declared_height_or_area_over_the_limits_is_refused():
    with pytest.raises(UnreadableFile, match="déclare 20001 lignes"):
        read_table(bomb_workbook("A1:C20001"), "a.xlsx", LIMITS)
    with pytest.raises(UnreadableFile, match="déclare 1500 cellules"):
        read_table(bomb_workbook("A1:O100"), "a.xlsx", LIMITS)


def test_a_workbook_too_large_once_uncompressed_is_refused():
    limits = Limits(max_bytes=1_000_000, max_rows=100, max_columns=20, max_cells=1_000, max_uncompressed=1_000)
    with pytest.raises(UnreadableFile, match="trop volumineux une fois décompressé"):
        read_table(workbook([["Nom", "Prénom"], ["Martin", "Claire"]]), "a.xlsx", limits)


def test_a_workbook_within_the_limits_is_read_with_line_numbers():
    lines = read_table(workbook([["Nom", "RPPS"], ["Martin", 10100901734.0], [], ["Durand", None]]), "a.xlsx", LIMITS)
    assert [line for line in lines if any(line[1])] == [
        (1, ["Nom", "RPPS"]),
        (2, ["Martin", "10100901734"]),
        (4, ["Durand"]),
    ]


def test_bytes_rows_columns_and_cells_are_counted_while_reading():
    with pytest.raises(FileTooLarge, match="dépasse la taille permise"):
        read_table(b"x" * 1_000_001, "a.csv", LIMITS)
    with pytest.raises(UnreadableFile, match="plus de 100 lignes"):
        read_table(("Nom\n" + "a\n" * 101).encode(), "a.csv", LIMITS)
    with pytest.raises(UnreadableFile, match="plus de 100 lignes"):
        read_table(("Nom\n" + ";\n" * 300).encode(), "a.csv", LIMITS)
    with pytest.raises(UnreadableFile, match="plus de 20 colonnes"):
        read_table((";".join("x" * 21) + "\n").encode(), "a.csv", LIMITS)
    with pytest.raises(UnreadableFile, match="plus de 1000 cellules"):
        read_table(("\n".join([";".join(["a"] * 20)] * 60)).encode(), "a.csv", LIMITS)


@pytest.mark.parametrize(
    ("encoding", "delimiter", "newline"),
    [
        ("utf-8", ";", "\n"),
        ("utf-8-sig", ";", "\r\n"),
        ("cp1252", ";", "\r\n"),
        ("utf-8", ",", "\r\n"),
        ("cp1252", ",", "\n"),
        ("utf-8-sig", ",", "\r\n"),
    ],
)
def test_csv_in_utf8_bom_or_cp1252_with_semicolons_or_commas_and_crlf(encoding, delimiter, newline):
    text = newline.join([delimiter.join(["Nom", "Prénom"]), delimiter.join(["Hélène", "Zoé"])]) + newline
    lines = read_table(text.encode(encoding), "a.csv", LIMITS)
    assert lines == [(1, ["Nom", "Prénom"]), (2, ["Hélène", "Zoé"])]


def test_a_bom_is_not_part_of_the_first_header():
    lines = read_table(codecs.BOM_UTF8 + "Nom;Prénom\r\nA;B\r\n".encode(), "a.csv", LIMITS)
    assert lines[0][1][0] == "Nom"


def test_columns_are_recognised_by_name_variant_or_keyword_and_mapped_by_the_user():
    lines = [(1, ["NOM DE FAMILLE", "Prenoms", "N° RPPS", "Téléphone perso"]), (2, ["Martin", "Claire", "1", "06"])]
    preview = Preview()
    records = records_of(lines, preview, COLUMNS)
    assert preview.columns == ["last_name", "first_name", "rpps"]
    assert preview.unrecognised == [(3, "Téléphone perso")]
    assert records == [(2, {"last_name": "Martin", "first_name": "Claire", "rpps": "1"})]

    mapped = Preview()
    records = records_of(lines, mapped, COLUMNS, mapping={3: "first_name", 1: ""})
    assert mapped.unrecognised == []
    assert records == [(2, {"last_name": "Martin", "first_name": "06", "rpps": "1"})]


def test_two_columns_for_one_key_and_missing_columns_are_file_errors():
    preview = Preview()
    records_of([(1, ["Nom", "Nom de famille"]), (2, ["a", "b"])], preview, COLUMNS, missing=lambda found: ["RPPS"])
    assert preview.file_errors[0].startswith("Les colonnes « Nom » et « Nom de famille »")
    assert preview.file_errors[1].startswith("Colonne(s) obligatoire(s) absente(s) : « RPPS »")
