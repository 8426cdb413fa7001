"""The directory as a CSV or XLSX file, with the page's criteria (coordinators only);
the formats are those of maillon/www/spreadsheets.py."""

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from maillon.core import journal
from maillon.core.access import require_cpts_role
from maillon.core.models import CptsRoleKind
from maillon.members.selectors import directory_professionals

from ...spreadsheets import FORMATS, csv_response, xlsx_response
from .display import EXPORT_FIELDS, involvement_label, language_names
from .forms import DirectoryForm

CHUNK_SIZE = 500

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
WIDTHS = [width for _, width in COLUMNS]


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
        yield row_of(professional)


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
        return csv_response(HEADERS, rows(professionals), filename)
    return xlsx_response(HEADERS, rows(professionals), filename, sheet_title="Annuaire", widths=WIDTHS)
