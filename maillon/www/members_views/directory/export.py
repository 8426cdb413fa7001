"""The directory as a CSV or XLSX file, with the page's criteria (coordinators only):
the professionals, then the structures; the formats are those of maillon/www/spreadsheets.py.
The members, who see the directory, get 403 (`members.policies.can_export_directory`)."""

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from maillon.core import journal
from maillon.core.policies import ensure_allowed, ensure_visible
from maillon.members import policies
from maillon.members.selectors import directory_professionals, directory_structures

from ...space import journal_summary
from ...spreadsheets import FORMATS, csv_response, xlsx_response
from .. import page
from .display import EXPORT_FIELDS, STRUCTURE_EXPORT_FIELDS, involvement_label, language_names
from .forms import DirectoryForm

CHUNK_SIZE = 500
EXPORT_FORBIDDEN = "Seuls les coordinateurs de cette CPTS exportent son annuaire."

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
    ("Type de structure", 24),
    ("FINESS", 12),
    ("SIRET", 16),
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
        "",
        "",
        "",
    ]


def structure_row_of(structure) -> list:
    """A structure in the same columns: its name as « Nom », « Structure » as profession."""
    return [
        structure.name,
        "",
        "Structure",
        "",
        "",
        "",
        structure.commune.name,
        structure.address,
        structure.phone,
        "",
        "",
        "",
        "",
        "",
        structure.college_name or "",
        involvement_label(structure),
        structure.joined_on,
        "",
        structure.get_kind_display(),
        structure.finess or "",
        structure.siret or "",
    ]


def rows(professionals, structures):
    """The professionals, then the structures."""
    for professional in professionals.iterator(chunk_size=CHUNK_SIZE):
        yield row_of(professional)
    for structure in structures.iterator(chunk_size=CHUNK_SIZE):
        yield structure_row_of(structure)


@page("annuaire/export/<str:fmt>/")
def members_directory_export(request, cpts_slug, fmt):
    ensure_visible(policies.can_see_directory(request.user, request.cpts))
    if fmt not in FORMATS:
        raise Http404
    ensure_allowed(policies.can_export_directory(request.user, request.cpts), EXPORT_FORBIDDEN)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    cpts = request.cpts
    form = DirectoryForm(request.GET, cpts=cpts)
    if not form.is_valid():  # the page shows what to fix
        return redirect(f"{reverse('members_directory', args=[cpts.slug])}?{request.GET.urlencode()}")
    filters = form.filters()
    professionals = directory_professionals(cpts, filters)
    structures = directory_structures(cpts, filters)
    structure_count = 0 if filters.professional_only else structures.count()
    count = professionals.count() + structure_count
    fields = list(EXPORT_FIELDS)
    if structure_count:
        fields += [f"structures.{name}" for name in STRUCTURE_EXPORT_FIELDS]
    # Journaled before streaming: the request's actor is gone once the response streams.
    note = f"{count} ligne{'s' if count > 1 else ''}, {fmt.upper()}"
    journal_summary(cpts, "members.Professional", fields, note, object_id="directory", action=journal.Action.EXPORT)
    filename = f"annuaire-{cpts.slug}-{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        return csv_response(HEADERS, rows(professionals, structures), filename)
    return xlsx_response(HEADERS, rows(professionals, structures), filename, sheet_title="Annuaire", widths=WIDTHS)
