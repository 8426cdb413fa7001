import io
import zipfile

import openpyxl
import pytest

from maillon.members import imports

pytestmark = pytest.mark.django_db


def workbook_bytes(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def damaged(content, member, transform):
    source, target = io.BytesIO(content), io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, transform(data) if item.filename == member else data)
    return target.getvalue()


def test_a_truncated_sheet_is_a_clear_french_error_not_a_crash(cpts):
    content = workbook_bytes([["Nom", "Prénom", "Profession", "RPPS"], ["A", "B", "MG", "10100901734"]])
    broken = damaged(content, "xl/worksheets/sheet1.xml", lambda data: data[: len(data) // 2])
    preview = imports.analyse(cpts, broken, "membres.xlsx")
    assert not preview.is_valid
    assert any("illisible" in error for error in preview.file_errors)


def test_control_characters_are_removed_from_imported_values(cpts):
    content = "Nom;Prénom;Profession;RPPS\nDur\x01and;B;MG;10100901734\n".encode()
    preview = imports.analyse(cpts, content, "membres.csv")
    assert preview.rows[0].values["last_name"] == "Durand"
