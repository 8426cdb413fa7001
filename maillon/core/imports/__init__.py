"""The import kit: one way to bring a file of rows into Maillon (docs/architecture.md, « Imports »).

read (CSV or XLSX, limits enforced while reading) → recognise the columns (template names,
variants, the user's mapping of a column left unrecognised) → check every row, each error
naming its column → preview → confirm, all or nothing. Each import (members, the CPAM's
list…) declares its `ColumnSet`, checks its rows and writes them; the kit does the rest.
"""

from .columns import Column, ColumnSet, normalize_header
from .importer import Importer
from .preview import BaseRow, ImportRejected, Preview, RowError, all_or_nothing, api_errors, records_of
from .reading import FileTooLarge, Limits, UnreadableFile, decode, detect_format, read_table, sniff_delimiter

__all__ = [
    "BaseRow",
    "Column",
    "ColumnSet",
    "FileTooLarge",
    "ImportRejected",
    "Importer",
    "Limits",
    "Preview",
    "RowError",
    "UnreadableFile",
    "all_or_nothing",
    "api_errors",
    "decode",
    "detect_format",
    "normalize_header",
    "read_table",
    "records_of",
    "sniff_delimiter",
]
