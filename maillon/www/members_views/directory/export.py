"""The directory as a CSV or XLSX file, with the page's criteria (coordinators only).

CSV: UTF-8 with BOM and `;` separator, which French Excel opens as is; streamed.
XLSX: openpyxl in write-only mode, bold header, set column widths. In both, a
text starting with = + - @ (or tab, carriage return) gets a leading `'`, so a
spreadsheet never runs it as a formula (CSV/formula injection).
"""

import csv
import datetime
import io

from django.http import Http404, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from maillon.core import journal
from maillon.core.access import require_cpts_role
from maillon.core.models import CptsRoleKind
from maillon.members.selectors import directory_professionals

from .display import EXPORT_FIELDS, involvement_label, language_names
from .forms import DirectoryForm

FORMATS = {"csv", "xlsx"}
CHUNK_SIZE = 500
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, XLSX column width in characters)
COLUMNS = [
    ("Nom", 20),
    ("Prénom", 18),
    ("Profession", 24),
    ("Spécialité", 24),
    ("RPPS", 14),
    ("ADELI", 12),
    ("Commune", 22),
    ("Adresse", 34),
    ("Téléphone", 16),
    ("MSSanté", 34),
    ("Langues", 22),
    ("Compétences", 34),
    ("Accepte de nouveaux patients", 14),
    ("SNP", 8),
    ("Collège", 18),
    ("Implication", 22),
    ("Adhérent depuis", 14),
    ("Autres lieux d'exercice", 40),
]
HEADERS = [header for header, _ in COLUMNS]


def neutralise(value):
    """Text a spreadsheet would read as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def yes_no(value: bool) -> str:
    return "Oui" if value else "Non"


def other_place(place) -> str:
    parts = [place.address, place.commune.name, place.phone]
    return ", ".join(part for part in parts if part)


def row_of(professional) -> list:
    """One line per member; its main practice place in the address columns, the others at the end."""
    places = list(professional.practice_places.all())
    main = places[0] if places else None
    return [
        professional.last_name,
        professional.first_name,
        professional.get_profession_display(),
        professional.get_specialty_display() if professional.specialty else "",
        professional.rpps or "",
        professional.adeli or "",
        main.commune.name if main else "",
        main.address if main else "",
        (main.phone if main else "") or professional.phone,
        main.mssante_email if main else "",
        ", ".join(language_names(professional)),
        ", ".join(professional.skill_list),
        yes_no(professional.accepts_new_patients),
        yes_no(professional.takes_part_in_snp),
        professional.college_name or "",
        involvement_label(professional),
        professional.joined_on,
        " ; ".join(other_place(place) for place in places[1:]),
    ]


def rows(professionals):
    for professional in professionals.iterator(chunk_size=CHUNK_SIZE):
        yield [neutralise(value) for value in row_of(professional)]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_text(value) -> str:
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return "" if value is None else value


def csv_response(professionals, filename):
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")

    def lines():
        yield "\ufeff" + writer.writerow(HEADERS)
        for row in rows(professionals):
            yield writer.writerow([csv_text(value) for value in row])

    response = StreamingHttpResponse((line.encode("utf-8") for line in lines()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_cell(sheet, value):
    if isinstance(value, str):
        # openpyxl refuses control characters (and would log the value): drop them.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.date):
        cell.number_format = "DD/MM/YYYY"
    return cell


def xlsx_response(professionals, filename):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Annuaire")
    sheet.freeze_panes = "A2"
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows(professionals):
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def members_directory_export(request, cpts_slug, fmt):
    require_cpts_role(request, CptsRoleKind.COORDINATOR)
    if fmt not in FORMATS:
        raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    cpts = request.cpts
    form = DirectoryForm(request.GET, cpts=cpts)
    if not form.is_valid():  # the page shows what to fix
        return redirect(f"{reverse('members_directory', args=[cpts.slug])}?{request.GET.urlencode()}")
    professionals = directory_professionals(cpts, form.filters())
    count = professionals.count()
    # Journaled before streaming: the request's actor is gone once the response streams.
    journal.record(
        journal.Action.EXPORT,
        object_type="members.Professional",
        object_id="directory",
        cpts_id=cpts.pk,
        fields=EXPORT_FIELDS,
        note=f"{count} ligne{'s' if count > 1 else ''}, {fmt.upper()}",
    )
    filename = f"annuaire-{cpts.slug}-{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        return csv_response(professionals, filename)
    return xlsx_response(professionals, filename)
