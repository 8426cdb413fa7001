"""Spreadsheet cells written safely, for every workbook of the platform (pages' downloads
and the report of the dialogue de gestion): text a spreadsheet would run as a formula is
neutralised, control characters dropped, dates and amounts keep their type."""

import datetime
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Text a spreadsheet would read as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def xlsx_cell(sheet, value):
    if isinstance(value, str):
        # openpyxl refuses control characters (and would log the value): drop them.
        value = ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.date):
        cell.number_format = "DD/MM/YYYY"
    elif isinstance(value, Decimal):
        cell.number_format = "0.00"
    return cell
