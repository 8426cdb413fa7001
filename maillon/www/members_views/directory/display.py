"""What the directory pages show of a professional, shared by the list, the card,
the vCard and the exports; and the field names the journal records for each."""

from django.http import Http404
from django.urls import reverse

from maillon.core import journal
from maillon.members.models import Involvement
from maillon.members.selectors import directory_professionals, directory_structures

from ...space import space_breadcrumb

# Field names only: the journal never holds the values.
# Who the professional is and how to reach them.
IDENTITY_FIELDS = ("first_name", "last_name", "profession", "specialty", "rpps", "adeli", "email", "phone")
LIST_FIELDS = (
    "first_name",
    "last_name",
    "profession",
    "specialty",
    "practice_places.address",
    "practice_places.commune",
    "practice_places.phone",
    "practice_places.mssante_email",
    "languages",
    "accepts_new_patients",
    "takes_part_in_snp",
)
STRUCTURE_LIST_FIELDS = ("name", "kind", "finess", "siret", "address", "commune", "phone")
STRUCTURE_VCARD_FIELDS = (*STRUCTURE_LIST_FIELDS, "email")
STRUCTURE_EXPORT_FIELDS = (
    *STRUCTURE_LIST_FIELDS,
    "membership.college",
    "membership.involvement",
    "membership.joined_on",
)
CARD_FIELDS = (
    *LIST_FIELDS,
    "rpps",
    "adeli",
    "email",
    "phone",
    "skills",
    "practice_places.structure",
    "membership.college",
    "membership.involvement",
    "membership.joined_on",
)
VCARD_FIELDS = (
    *IDENTITY_FIELDS,
    "languages",
    "practice_places.address",
    "practice_places.commune",
    "practice_places.phone",
    "practice_places.mssante_email",
    "practice_places.structure",
)
EXPORT_FIELDS = (
    *LIST_FIELDS,
    "phone",
    "rpps",
    "adeli",
    "skills",
    "membership.college",
    "membership.involvement",
    "membership.joined_on",
)


def professional_or_404(cpts, pk):
    """A professional with an active adhesion to `cpts`, else 404 (as for one that does not exist)."""
    professional = directory_professionals(cpts).filter(pk=pk).first()
    if professional is None:
        raise Http404
    return professional


def structure_or_404(cpts, pk):
    """A structure with an active adhesion to `cpts`, else 404 (as for one that does not exist)."""
    structure = directory_structures(cpts).filter(pk=pk).first()
    if structure is None:
        raise Http404
    return structure


def read_entry(request, find, pk, fields, *, action=journal.Action.READ, note=""):
    """The professional or structure `pk` of the CPTS's directory (`find`: `professional_or_404`
    or `structure_or_404`), its read (or export) journaled with the CPTS, so that the entry
    shows in the CPTS's journal."""
    entry = find(request.cpts, pk)
    journal.record(action, entry, fields=fields, cpts_id=request.cpts.pk, note=note)
    return entry


def card_context(cpts, name: str) -> dict:
    """The CPTS, title and breadcrumb of a directory card."""
    directory = ("Annuaire", reverse("members_directory", args=[cpts.slug]))
    return {
        "cpts": cpts,
        "title": f"{name} — Annuaire — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, name, directory),
    }


def profession_label(professional) -> str:
    label = professional.get_profession_display()
    if professional.specialty:
        return f"{label} — {professional.get_specialty_display()}"
    return label


def involvement_label(professional) -> str:
    value = getattr(professional, "involvement", "")
    return Involvement(value).label if value in Involvement.values else ""


def language_names(professional) -> list[str]:
    return [language.name for language in professional.languages.all()]


STRUCTURE_CARD_FIELDS = (
    *STRUCTURE_VCARD_FIELDS,
    "practice_places.professional",
    "membership.college",
    "membership.involvement",
    "membership.joined_on",
    "membership.missions",
)


def map_points(professionals, cpts, structures=()) -> list[dict]:
    """One point per commune where the listed professionals practise or the listed structures are, for the map."""
    points: dict[str, dict] = {}

    def people_at(commune) -> list | None:
        """The people of the commune's point (created on first use); None for a commune without coordinates."""
        if commune.latitude is None or commune.longitude is None:
            return None
        point = points.setdefault(
            commune.code,
            {"code": commune.code, "name": commune.name, "lat": commune.latitude, "lon": commune.longitude},
        )
        return point.setdefault("people", [])

    for structure in structures:
        people = people_at(structure.commune)
        if people is None:
            continue
        people.append(
            {
                "name": structure.name,
                "profession": structure.get_kind_display(),
                "url": reverse("members_structure_card", args=[cpts.slug, structure.pk]),
                "structure": True,
            }
        )
    for professional in professionals:
        url = reverse("members_card", args=[cpts.slug, professional.pk])
        for place in professional.practice_places.all():
            people = people_at(place.commune)
            if people is not None and not any(person["url"] == url for person in people):
                people.append({"name": str(professional), "profession": profession_label(professional), "url": url})
    return sorted(points.values(), key=lambda point: point["name"])
