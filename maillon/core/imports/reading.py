"""Reading an uploaded table (CSV or the first sheet of an XLSX workbook) within limits.

Every limit is checked before the allocation it guards: the byte size first; for a
workbook, the uncompressed sizes its zip directory declares and the size its first sheet
declares (`<dimension ref=…>`), before openpyxl opens it; then rows, columns and cells
are counted while the lines are read.
"""

import codecs
import csv
import datetime
import io
import re
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BODY_MARGIN = 64 * 1024
UNREADABLE_XLSX = "Le classeur XLSX est illisible : enregistrez-le à nouveau depuis votre tableur."


class UnreadableFile(Exception):
    """The file cannot be imported at all (a file-level error, in French)."""


class FileTooLarge(UnreadableFile):
    """Above the byte limit: 413."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int  # data lines, the header not counted
    max_columns: int
    max_cells: int
    max_uncompressed: int  # what a workbook's zip may hold once uncompressed

    @classmethod
    def from_settings(cls, **overrides):
        values = {
            "max_bytes": settings.MAILLON_IMPORT_MAX_BYTES,
            "max_rows": settings.MAILLON_IMPORT_MAX_ROWS,
            "max_columns": settings.MAILLON_IMPORT_MAX_COLUMNS,
            "max_cells": settings.MAILLON_IMPORT_MAX_CELLS,
            "max_uncompressed": settings.MAILLON_IMPORT_MAX_UNCOMPRESSED_BYTES,
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)

    def body_too_large(self, meta) -> bool:
        """A request whose declared body cannot hold a file within the limit (the form's other fields
        and the multipart boundaries take a few kilobytes): refused before Django reads it."""
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        return length > self.max_bytes + BODY_MARGIN

    @property
    def megabytes(self) -> str:
        return f"{self.max_bytes / (1024 * 1024):.1f}".replace(".0", "").replace(".", ",")

    def too_large(self, size: int) -> str:
        megabytes = f"{size / (1024 * 1024):.1f}".replace(".", ",")
        return f"Le fichier dépasse la taille permise : {self.megabytes} Mo au plus (ce fichier fait {megabytes} Mo)."


def detect_format(content: bytes, filename: str = "") -> str:
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    if content.startswith(b"\xd0\xcf\x11\xe0") or filename.lower().endswith(".xls"):
        raise UnreadableFile(
            "Ce classeur est au format Excel 97-2003 (.xls) : enregistrez-le au format XLSX ou CSV, puis recommencez."
        )
    return "csv"


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252, else Latin-1."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if content.startswith(bom):
            try:
                return content.decode("utf-8-sig" if encoding == "utf-8" else encoding)
            except UnicodeDecodeError as error:
                raise UnreadableFile("Le fichier n'est pas un texte lisible (encodage incohérent).") from error
    for encoding in ("utf-8", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")  # never fails: every byte is a character


def sniff_delimiter(text: str) -> str:
    """The most frequent of `;`, `,` and tab on the header line."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: header.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # RPPS typed as a number in Excel
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    # Control characters are never meant in imported data (and break XLSX exports).
    return CONTROL_CHARACTERS.sub("", str(value)).strip()


class Counter:
    """Counts lines, columns and cells as they are read; raises past a limit."""

    def __init__(self, limits: Limits, noun: str):
        self.limits, self.noun, self.lines, self.cells, self.read = limits, noun, 0, 0, 0

    def add(self, cells):
        if len(cells) > self.limits.max_columns:
            raise UnreadableFile(f"Le {self.noun} compte plus de {self.limits.max_columns} colonnes : retirez-en.")
        self.read += 1
        if any(cells):
            self.lines += 1
            self.cells += len(cells)
        # Empty lines are not imported, but reading them costs too: at most as many as the others.
        if self.lines > self.limits.max_rows + 1 or self.read > 2 * (self.limits.max_rows + 1):
            raise UnreadableFile(
                f"Le {self.noun} compte plus de {self.limits.max_rows} lignes : "
                f"{self.limits.max_rows} au plus par import, découpez-le."
            )
        if self.cells > self.limits.max_cells:
            raise UnreadableFile(f"Le {self.noun} compte plus de {self.limits.max_cells} cellules : découpez-le.")


def csv_rows(content: bytes, limits: Limits):
    text = decode(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    counter = Counter(limits, "fichier")
    try:
        for cells in reader:
            cells = [cell_text(cell) for cell in cells]
            counter.add(cells)
            yield reader.line_num, cells
    except csv.Error as error:
        raise UnreadableFile(f"Le fichier CSV est mal formé vers la ligne {reader.line_num}.") from error


CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]+)")
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*ref=\"([^\"]+)\"")
# Read with patterns, not an XML parser: only two attributes are needed, and no entity is expanded.
FIRST_SHEET = re.compile(rb"<(?:\w+:)?sheet\s[^>]*?\b(?:\w+:)?id=\"([^\"]+)\"")
RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
ATTRIBUTE = re.compile(rb"\b(Id|Target)=\"([^\"]+)\"")


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The part of the workbook's first sheet (the one openpyxl reads first)."""
    try:
        sheet = FIRST_SHEET.search(archive.read("xl/workbook.xml"))
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        sheet = None
    if sheet is not None:
        for tag in RELATIONSHIP.findall(rels):
            attributes = dict(ATTRIBUTE.findall(tag))
            if attributes.get(b"Id") == sheet.group(1) and b"Target" in attributes:
                target = attributes[b"Target"].decode("utf-8", "replace").lstrip("/")
                return target if target.startswith("xl/") else f"xl/{target}"
    return "xl/worksheets/sheet1.xml"


def check_workbook_size(content: bytes, limits: Limits):
    """Refuse a workbook by what it declares, before openpyxl allocates anything for it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as error:
        raise UnreadableFile(UNREADABLE_XLSX) from error
    with archive:
        if sum(info.file_size for info in archive.infolist()) > limits.max_uncompressed:
            raise UnreadableFile("Le classeur est trop volumineux une fois décompressé : découpez-le.")
        try:
            with archive.open(first_sheet_path(archive)) as sheet:
                start = sheet.read(4096)
        except (KeyError, zipfile.BadZipFile) as error:
            raise UnreadableFile(UNREADABLE_XLSX) from error
    match = DIMENSION.search(start)
    if match is None:
        return  # no declared size: the rows are counted while read
    corners = CELL_REFERENCE.findall(match.group(1).decode("ascii", "replace").upper())
    if len(corners) != 2:
        return
    (left, top), (right, bottom) = corners
    rows = int(bottom) - int(top) + 1
    columns = column_number(right) - column_number(left) + 1
    if columns > limits.max_columns:
        raise UnreadableFile(f"Le classeur déclare {columns} colonnes : {limits.max_columns} au plus.")
    if rows > limits.max_rows + 1:
        raise UnreadableFile(f"Le classeur déclare {rows} lignes : {limits.max_rows} au plus par import, découpez-le.")
    if rows * columns > limits.max_cells:
        raise UnreadableFile(f"Le classeur déclare {rows * columns} cellules : {limits.max_cells} au plus.")


def xlsx_rows(content: bytes, limits: Limits):
    import openpyxl  # only when needed: a heavy import

    check_workbook_size(content, limits)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores: irrelevant here.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # BadZipFile, KeyError, ParseError, ValueError…
        raise UnreadableFile(UNREADABLE_XLSX) from error
    counter = Counter(limits, "classeur")
    try:
        sheet = workbook.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [cell_text(value) for value in cells]
            while cells and not cells[-1]:
                cells.pop()  # the padding up to the declared width
            counter.add(cells)
            yield line, cells
    except UnreadableFile:
        raise
    except Exception as error:
        # A damaged workbook fails in many ways while its rows are read (XML, indexes, values).
        raise UnreadableFile(UNREADABLE_XLSX) from error
    finally:
        workbook.close()


def read_table(content: bytes, filename: str = "", limits: Limits | None = None) -> list[tuple[int, list[str]]]:
    """(line number in the file, cells) of every line of the CSV text or of the workbook's first sheet."""
    limits = limits or Limits.from_settings()
    if len(content) > limits.max_bytes:
        raise FileTooLarge(limits.too_large(len(content)))
    if detect_format(content, filename) == "xlsx":
        return list(xlsx_rows(content, limits))
    return list(csv_rows(content, limits))
