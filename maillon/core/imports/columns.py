"""Columns of an import: the template's names, their common variants, and the user's mapping."""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the header of the template file
    aliases: str = ""  # other headers seen in users' files, comma-separated
    description: str = ""


def normalize_header(value: str) -> str:
    """'N° RPPS ' → 'n rpps'; 'Accepte nouveaux patients (oui/non)' → 'accepte nouveaux patients'."""
    value = re.sub(r"\(.*?\)", " ", value or "")
    value = unicodedata.normalize("NFKD", value)
    value = "".join(char for char in value if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", value).split())


class ColumnSet:
    """The columns one import accepts. `keywords`: a word that names a column whatever the words around it;
    `required`: the keys a file must have; `one_of`: groups of keys of which a file must have one."""

    def __init__(self, columns, *, keywords=None, required=(), one_of=()):
        self.columns = list(columns)
        self.by_key = {column.key: column for column in self.columns}
        self.keywords = dict(keywords or {})
        self.required = tuple(required)
        self.one_of = [tuple(group) for group in one_of]
        self.aliases = {
            normalize_header(alias): column.key
            for column in self.columns
            for alias in [column.label, *column.aliases.split(",")]
            if alias.strip()
        }

    def __iter__(self):
        return iter(self.columns)

    def label(self, key: str) -> str:
        column = self.by_key.get(key)
        return column.label if column else key

    def key_of(self, header: str) -> str | None:
        normalized = normalize_header(header)
        if normalized in self.aliases:
            return self.aliases[normalized]
        words = set(normalized.split())
        return next((key for word, key in self.keywords.items() if word in words), None)

    def missing(self, found) -> list[str]:
        """Labels of the required columns the header lacks, then « A (ou B) » for each group it lacks."""
        missing = [self.label(key) for key in self.required if key not in found]
        for group in self.one_of:
            if not any(key in found for key in group):
                first, *others = (self.label(key) for key in group)
                missing.append(f"{first} (ou {', '.join(others)})")
        return missing

    def template_csv(self) -> str:
        """The header line of the template file (`;`, as French spreadsheets expect)."""
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow([column.label for column in self.columns])
        return buffer.getvalue()
