"""Import members from the files coordinators already keep (CSV or XLSX), all or nothing.

Built on the import kit (`maillon.core.imports`: reading with limits, columns, preview,
all or nothing). `analyse` reads a file (French headers in any order, accents and case
ignored, `;` or `,`, UTF-8 or Windows encodings) and checks every row against the platform
in a few bulk queries: it gives a `Preview` listing each row, its errors (in French, naming
the column) and what will happen to it. `commit` analyses again inside one transaction and
writes everything, or nothing as soon as one row has an error.

A professional exists once on the platform: a row whose RPPS (or ADELI) is already
known reuses that professional, whose card is left as it is (it belongs to them); a
row whose professional already has an open adhesion in the CPTS is skipped, except that
a filled « Missions » cell replaces that adherent's missions. So a second import of the
same file creates and changes nothing.

The modules, by concern: `columns` (the template and its variants), `synonyms` (how
professions and the rest are written), `rows` (a row, the preview, the result), `checks`
(one value), `lookups` (what the platform holds, in bulk), `platform` (checks against it),
`writing` (analyse and commit), `records` (one member at a time, for the API).
"""

from maillon.core.imports import ImportRejected, RowError, UnreadableFile, decode, normalize_header, sniff_delimiter
from maillon.core.imports import read_table as read_rows

from .columns import COLUMN_SET, COLUMNS, COLUMNS_BY_KEY, REQUIRED_KEYS, column_key
from .platform import check_rows
from .records import check_record, enrol_record
from .rows import CARD_ELSEWHERE, ImportResult, Outcome, Preview, Row
from .writing import IMPORTER, analyse, commit, records_of, template_csv, write

__all__ = [
    "CARD_ELSEWHERE",
    "COLUMNS",
    "COLUMNS_BY_KEY",
    "COLUMN_SET",
    "IMPORTER",
    "REQUIRED_KEYS",
    "ImportRejected",
    "ImportResult",
    "Outcome",
    "Preview",
    "Row",
    "RowError",
    "UnreadableFile",
    "analyse",
    "check_record",
    "check_rows",
    "column_key",
    "commit",
    "decode",
    "enrol_record",
    "normalize_header",
    "read_rows",
    "records_of",
    "sniff_delimiter",
    "template_csv",
    "write",
]
