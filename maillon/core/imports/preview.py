"""Rows, their errors, the preview of a whole file, and the all-or-nothing confirmation."""

from dataclasses import dataclass, field
from typing import ClassVar

from django.db import IntegrityError, transaction

from maillon.core.models import Cpts

from .columns import ColumnSet
from .reading import FileTooLarge, Limits, UnreadableFile, read_table


@dataclass(frozen=True)
class RowError:
    key: str  # the column's key, to place the error
    message: str  # French, starts with the column's label


@dataclass
class BaseRow:
    """One line of the file: its number in the file (header = 1), its texts by column key, its errors."""

    line: int
    values: dict[str, str]
    errors: list[RowError] = field(default_factory=list)

    COLUMNS: ClassVar[ColumnSet]

    def fail(self, key, message):
        self.errors.append(RowError(key, f"{self.COLUMNS.label(key)} : {message}"))

    def check_texts(self, keys, *, max_length: int):
        """Each of `keys` filled, `max_length` characters at most."""
        for key in keys:
            value = self.values.get(key, "")
            if not value:
                self.fail(key, "obligatoire.")
            elif len(value) > max_length:
                self.fail(key, f"{max_length} caractères au plus.")

    def as_fields(self, *, texts=(), cleaned=()) -> dict:
        """A model's fields from the row: `texts` as the file wrote them, `cleaned` as the checks left them."""
        return {**{name: self.values[name] for name in texts}, **{name: getattr(self, name) for name in cleaned}}

    @property
    def error_messages(self):
        return [error.message for error in self.errors]


@dataclass
class Preview:
    rows: list = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # keys found in the header
    ignored_columns: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # key → the header as written in the file
    unrecognised: list[tuple[int, str]] = field(default_factory=list)  # (index, header) the user may map
    too_large: bool = False

    @property
    def error_rows(self):
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self):
        return not self.file_errors and bool(self.rows) and not self.error_rows

    def read(self, content: bytes, filename: str = "", limits: Limits | None = None):
        """The file's lines, or None with the reason in `file_errors`."""
        try:
            return read_table(content, filename, limits)
        except UnreadableFile as error:
            self.file_errors.append(str(error))
            self.too_large = isinstance(error, FileTooLarge)
            return None


class ImportRejected(Exception):
    """Nothing was written; `preview` says why."""

    def __init__(self, preview):
        super().__init__("Import refusé : le fichier contient des erreurs.")
        self.preview = preview


def records_of(lines, preview: Preview, columns: ColumnSet, *, mapping=None, missing=None, empty_message=""):
    """Map the header line to column keys (`mapping`: {column index: key, or "" to ignore} chosen
    by the user for columns left unrecognised); give each data line as (line, {key: text}).

    `missing(found keys)` gives the labels of required columns the header lacks.
    """
    mapping = mapping or {}
    lines = [(number, cells) for number, cells in lines if any(cells)]
    if not lines:
        preview.file_errors.append("Le fichier est vide.")
        return []
    _, header = lines[0]
    keys, seen = [], {}
    for index, title in enumerate(header):
        if index in mapping:
            key = mapping[index] if mapping[index] in columns.by_key else None
        else:
            key = columns.key_of(title) if title else None
            if key is None and title:
                preview.unrecognised.append((index, title))
        if key is None:
            if title:
                preview.ignored_columns.append(title)
        elif key in seen:
            preview.file_errors.append(
                f"Les colonnes « {seen[key]} » et « {title} » désignent toutes deux « {columns.label(key)} » : "
                "gardez-en une."
            )
        else:
            seen[key] = title
        keys.append((index, key))
    preview.columns, preview.headers = list(seen), seen
    absent = missing(seen) if missing else []
    if absent:
        preview.file_errors.append(
            "Colonne(s) obligatoire(s) absente(s) : "
            + ", ".join(f"« {label} »" for label in absent)
            + ". La première ligne du fichier doit porter les noms des colonnes (voir le modèle)."
        )
    data = lines[1:]
    if not data:
        preview.file_errors.append(empty_message or "Le fichier ne contient aucune ligne sous la ligne des titres.")
    return [
        (number, {key: cells[index] if index < len(cells) else "" for index, key in keys if key})
        for number, cells in data
    ]


def all_or_nothing(cpts, analyse, write, *, race_message: str, empty=Preview):
    """Analyse again inside one transaction (the platform may have changed since the preview)
    and write everything, or nothing: raises ImportRejected."""
    try:
        with transaction.atomic():
            # One import at a time per CPTS: the second waits, then sees the first's rows.
            Cpts.objects.select_for_update().filter(pk=cpts.pk).first()
            preview = analyse()
            if not preview.is_valid:
                raise ImportRejected(preview)
            return write(preview)
    except IntegrityError as error:
        # Lost a race with another write of the same rows.
        raise ImportRejected(empty(file_errors=[race_message])) from error


def api_errors(preview: Preview, columns: ColumnSet) -> list[dict]:
    """[{"line", "field", "message"}]: a file-level error has line None and field "file"; a row's
    error names its column as the file's header writes it (else the template's label)."""
    errors = [{"line": None, "field": "file", "message": message} for message in preview.file_errors]
    for row in preview.rows:
        for error in row.errors:
            field_name = preview.headers.get(error.key) or columns.label(error.key)
            errors.append({"line": row.line, "field": field_name, "message": error.message})
    return errors
