"""The shared directory (annuaire partagé) of a CPTS: search, list and map (any role).

A plain GET form that works without JavaScript; with htmx, the results and the
commune suggestions update in place. The number of SQL queries does not depend
on the number of results, and each view of results is ONE journal entry with
the field names shown and the count — never a name.
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.shortcuts import render
from django.urls import reverse

from maillon.members import policies
from maillon.members.selectors import directory_professionals, directory_structures, distance_of
from maillon.territories.selectors import cpts_territory

from ...space import allow, journal_summary, space_breadcrumb
from ...toolkit.communes import commune_label
from ...toolkit.htmx import is_htmx, vary_on_htmx
from .. import page
from ..adhesion.common import require_member
from .display import LIST_FIELDS, STRUCTURE_LIST_FIELDS, map_points
from .forms import DirectoryForm, commune_suggestions

PAGE_SIZE = 20
# Structures are few in a CPTS: listed in full beside the page of professionals, up to this.
STRUCTURE_LIMIT = 100
SUGGESTIONS_TARGET = "commune-options"
RESULTS_TARGET = "directory-results"


@dataclass
class Results:
    """One page of the directory, or nothing when the criteria need fixing."""

    page: Page | None = None
    points: list[dict] = field(default_factory=list)
    structures: list = field(default_factory=list)
    more_structures: bool = False  # more than STRUCTURE_LIMIT: the criteria should narrow them

    @property
    def count(self) -> int:
        return self.page.paginator.count if self.page else 0

    @property
    def structure_count(self) -> int:
        return len(self.structures)


def structures_of(cpts, filters) -> tuple[list, bool]:
    """The matching structures (one query, none when a criterion is a professional's own)."""
    if filters.professional_only:
        return [], False
    rows = list(directory_structures(cpts, filters)[: STRUCTURE_LIMIT + 1])
    for structure in rows:
        structure.distance_km = distance_of(structure)
    return rows[:STRUCTURE_LIMIT], len(rows) > STRUCTURE_LIMIT


def search(cpts, form, page_number) -> Results:
    """Count, one page of rows, its prefetches, and the structures: a fixed number of queries."""
    if not form.is_valid():
        return Results()
    filters = form.filters()
    structures, more_structures = structures_of(cpts, filters)
    paginator = Paginator(directory_professionals(cpts, filters), PAGE_SIZE)
    page = paginator.get_page(page_number)
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    rows = list(page.object_list)
    for professional in rows:
        professional.distance_km = distance_of(professional)
    page.object_list = rows
    return Results(
        page=page, points=map_points(rows, cpts, structures), structures=structures, more_structures=more_structures
    )


def journal_view(cpts, results):
    """One entry per page of results shown (structures included); the journal never holds names."""
    if results.page is None or not (results.page.object_list or results.structures):
        return
    fields, note = list(LIST_FIELDS), f"{results.count} fiches"
    if results.structures:
        fields += [f"structures.{name}" for name in STRUCTURE_LIST_FIELDS]
        note += f", {results.structure_count} structure{'s' if results.structure_count > 1 else ''}"
    journal_summary(cpts, "members.Professional", fields, note, object_id="directory")


def commune_choices(request, form, url) -> list[dict]:
    """Links to the same search with each commune the typed text may mean."""
    choices = []
    for commune in form.commune_candidates:
        query = request.GET.copy()
        query["commune"] = commune_label(commune)
        query.pop("page", None)
        choices.append({"label": commune_label(commune), "url": f"{url}?{query.urlencode()}"})
    return choices


def export_query(request) -> str:
    """The criteria of the page, for the export links (without the page number)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@page("annuaire/")
@allow("GET", check=require_member)
def members_directory(request, cpts_slug):
    cpts = request.cpts
    url = reverse("members_directory", args=[cpts.slug])
    target = request.headers.get("HX-Target") if is_htmx(request) else None
    if target == SUGGESTIONS_TARGET:
        suggestions = commune_suggestions(request.GET.get("commune", "")[:100], cpts)
        return vary_on_htmx(render(request, "members/directory/_commune_options.html", {"communes": suggestions}))

    form = DirectoryForm(request.GET, cpts=cpts, suggest_url=url)
    results = search(cpts, form, request.GET.get("page"))
    journal_view(cpts, results)
    context = {
        "cpts": cpts,
        "form": form,
        "results": results,
        "searched": bool(request.GET),
        "where": form.where() if results.page is not None else "",
        "commune_choices": commune_choices(request, form, url),
        "directory_url": url,
        "export_query": export_query(request),
        "is_coordinator": policies.can_export_directory(request.user, cpts),
    }
    if target == RESULTS_TARGET:
        return vary_on_htmx(render(request, "members/directory/_results_htmx.html", context))
    context |= {
        "territory": cpts_territory(cpts),
        "title": f"Annuaire — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(
            cpts,
            "Annuaire",
        ),
    }
    return vary_on_htmx(render(request, "members/directory/directory.html", context))
