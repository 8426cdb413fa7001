"""CSV and XLSX downloads, the same way for every export of the site (`attachment` for
any other file: a PDF…; `stored_file` for an uploaded one).

CSV: UTF-8 with BOM and `;` separator, which French Excel opens as is; streamed.
XLSX: openpyxl in write-only mode, bold frozen header, column widths. In both, a
text starting with = + - @ (or tab, carriage return) gets a leading `'`, so a
spreadsheet never runs it as a formula (CSV/formula injection); dates are
dd/mm/yyyy and decimals use a comma in CSV, real dates and numbers in XLSX.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from maillon.core.spreadsheets import XLSX_TYPE, neutralise, xlsx_cell

FORMATS = {"csv", "xlsx"}


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return str(neutralise(value))


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_response(headers, rows, filename) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")

    def lines():
        yield "\ufeff" + writer.writerow(headers)
        for row in rows:
            yield writer.writerow([csv_text(value) for value in row])

    response = StreamingHttpResponse((line.encode("utf-8") for line in lines()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.csv")
    return response


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A file to download, named `filename` (with its extension)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def stored_file(field, name: str, content_type: str) -> HttpResponse:
    """An uploaded file (a FileField's value) for who may read it, named `name`: read whole (10 Mo
    at most, checked on upload), so no file handle stays open; 404 if it is gone from the disk."""
    try:
        with field.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError as error:
        raise Http404 from error
    response = attachment(content, name, content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def xlsx_response(headers, rows, filename, *, sheet_title, widths=None) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return attachment(buffer.getvalue(), f"{filename}.xlsx", XLSX_TYPE)
