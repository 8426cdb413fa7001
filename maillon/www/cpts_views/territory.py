"""The territory editor (coordinators): a draft list of communes, previewed, then saved.

Everything works without JavaScript: one POST form carries the draft as hidden
inputs and its buttons add, remove, search or save. With htmx, add and remove
post to `cpts_territory_preview`, which answers the draft's partial (list,
population, taille, conflicts); the map (territory-editor.js) does the same on click.

The same editor draws the territory of a CPTS that does not exist yet (the lettre
d'intention, `creation_views`): `build_draft(None, codes)` is a draft with nothing saved
to compare with, and the template "www/cpts/_territory_editor.html" is its search, map
and preview.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.core import cpts_policies
from maillon.core.identifiers import INSEE_COMMUNE_PATTERN
from maillon.core.policies import ensure_allowed, ensure_visible
from maillon.territories.models import Commune, Departement, TerritoryCommune
from maillon.territories.selectors import commune_results, neighbourhood_geojson
from maillon.territories.services import (
    TerritoryConflictError,
    UnknownCommuneError,
    current_population,
    set_territory,
    simulate,
)
from maillon.territories.taille import taille_for_population

from ..space import allow, space_breadcrumb
from ..toolkit.htmx import is_htmx, vary_on_htmx
from . import page
from .forms import TerritoryForm

PICKER_LIMIT = 10
MAX_NEIGHBOUR_CODES = 50


@dataclass
class Draft:
    """A would-be territory: what the page shows before anything is saved."""

    codes: list[str]
    communes: list[dict] = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    population: int = 0
    taille: int = 1
    saved_population: int = 0
    saved_codes: set[str] = field(default_factory=set)
    announcement: str = ""
    errors: list[str] = field(default_factory=list)
    # A territory saved nowhere yet (a lettre d'intention's): nothing to compare with.
    new: bool = False

    @property
    def saved_taille(self) -> int:
        return taille_for_population(self.saved_population)

    @property
    def saved_count(self) -> int:
        return len(self.saved_codes)

    @property
    def changed(self) -> bool:
        return set(self.codes) != self.saved_codes


def saved_codes(cpts) -> list[str]:
    return list(
        TerritoryCommune.objects.for_cpts(cpts).current().order_by("commune_id").values_list("commune_id", flat=True)
    )


def apply_change(codes, *, add="", remove="") -> tuple[list[str], str]:
    """The draft after one add or remove, and what to announce to screen readers."""
    if add:
        if add in codes:
            return codes, "already:" + add
        return [*codes, add], "added:" + add
    if remove and remove in codes:
        return [code for code in codes if code != remove], "removed:" + remove
    return codes, ""


def describe(change: str, names: dict[str, str]) -> str:
    if not change:
        return ""
    kind, code = change.split(":", 1)
    name = names.get(code, code)
    return {
        "added": f"{name} ajoutée à la liste.",
        "removed": f"{name} retirée de la liste.",
        "already": f"{name} est déjà dans la liste.",
    }[kind]


def build_draft(cpts, codes, *, add="", remove="") -> Draft:
    """The draft of `cpts`'s territory, or with `cpts=None` of a CPTS yet to be created (every
    commune already in a CPTS is then a conflict)."""
    codes, change = apply_change(list(codes), add=add, remove=remove)
    errors = []
    try:
        simulation = simulate(codes, for_cpts=cpts)
    except UnknownCommuneError as error:
        errors.append(error.messages[0])
        codes = [code for code in codes if code not in error.codes]
        simulation = simulate(codes, for_cpts=cpts)
    departements = dict(
        Departement.objects.filter(code__in={c.departement_id for c in simulation.communes}).values_list("code", "name")
    )
    owners = {conflict.commune.code: conflict.cpts.name for conflict in simulation.conflicts}
    communes = sorted(
        (
            {
                "code": commune.code,
                "name": commune.name,
                "label": f"{commune.name} ({commune.code})",
                "population": commune.population,
                "departement": f"{departements.get(commune.departement_id, '')} ({commune.departement_id})",
                "owner": owners.get(commune.code),
            }
            for commune in simulation.communes
        ),
        key=lambda commune: (commune["name"], commune["code"]),
    )
    names = {commune["code"]: commune["label"] for commune in communes}
    if change.startswith("removed:"):
        names[change.split(":", 1)[1]] = removed_label(change.split(":", 1)[1])
    return Draft(
        codes=[commune["code"] for commune in communes],
        communes=communes,
        conflicts=simulation.conflicts,
        population=simulation.population,
        taille=simulation.taille,
        saved_population=current_population(cpts) if cpts else 0,
        saved_codes=set(saved_codes(cpts)) if cpts else set(),
        announcement=describe(change, names),
        errors=errors,
        new=cpts is None,
    )


DRAFT_FIELDS = ("communes", "add", "remove")


def draft_from(cpts, form) -> tuple[Draft, list[str]]:
    """The draft posted by `form`, and the errors of its draft fields.

    A wrong date does not lose the draft: it only blocks saving. A malformed
    commune code falls back to the saved territory (an empty list for a new one).
    """
    form.is_valid()
    errors = [message for name in DRAFT_FIELDS for message in form.errors.get(name, [])]
    if errors:
        return build_draft(cpts, saved_codes(cpts) if cpts else []), errors
    data = form.cleaned_data
    return build_draft(cpts, data["communes"], add=data["add"], remove=data["remove"]), []


def removed_label(code: str) -> str:
    commune = Commune.objects.filter(code=code).values("name").first()
    return f"{commune['name']} ({code})" if commune else code


def picker_results(query: str):
    if not query:
        return []
    return commune_results(Commune.objects.search(query), limit=PICKER_LIMIT)


def neighbours_response(request):
    """GeoJSON of communes around the given ones, for the map after a search-and-add."""
    codes = [code.strip().upper() for code in request.GET.get("voisines", "").split(",")]
    codes = [code for code in codes if INSEE_COMMUNE_PATTERN.match(code)][:MAX_NEIGHBOUR_CODES]
    return HttpResponse(neighbourhood_geojson(codes), content_type="application/geo+json")


def editor_context(request, form, draft, query):
    cpts = request.cpts
    return {
        "cpts": cpts,
        "form": form,
        "draft": draft,
        "query": query,
        "picker": picker_results(query),
        "map_geojson": neighbourhood_geojson(draft.codes),
        "preview_url": reverse("cpts_territory_preview", args=[cpts.slug]),
        "edit_url": reverse("cpts_territory_edit", args=[cpts.slug]),
        "title": f"Territoire de la {cpts.name}",
        "breadcrumb_data": space_breadcrumb(
            cpts,
            "Territoire",
        ),
    }


def save(request, form, draft):
    """Write the draft, or explain why not; returns True once saved."""
    if draft.errors:
        for error in draft.errors:
            form.add_error(None, error)
        return False
    if not form.require_date():  # also False on any other form error
        return False
    try:
        change = set_territory(request.cpts, draft.codes, on=form.cleaned_data["effective_date"], by=request.user)
    except TerritoryConflictError as error:  # names the other CPTS; nothing written (atomic)
        form.add_error(None, error.messages)
        return False
    except ValidationError as error:
        form.add_error(None, error.messages)
        return False
    messages.success(
        request,
        f"Territoire enregistré : {len(change.added)} commune(s) ajoutée(s), {len(change.removed)} retirée(s).",
    )
    return True


def require_territory_editor(request):
    """404 (as for a CPTS that does not exist) outside the members' space, 403 for a member."""
    ensure_visible(cpts_policies.can_see_dashboard(request.user, request.cpts))
    ensure_allowed(cpts_policies.can_edit_territory(request.user, request.cpts))


@page("territoire/")
def cpts_territory_edit(request, cpts_slug):
    require_territory_editor(request)
    cpts = request.cpts
    if cpts.is_dissolved:
        return render(
            request, "www/cpts/territory_dissolved.html", {"cpts": cpts, "title": f"Territoire de la {cpts.name}"}
        )
    if request.method == "GET" and "voisines" in request.GET:
        return neighbours_response(request)
    if request.method == "GET":
        query = request.GET.get("q", "").strip()[:100]
        if is_htmx(request):
            picker = {
                "picker": picker_results(query),
                "query": query,
                "preview_url": reverse("cpts_territory_preview", args=[cpts.slug]),
                "oob": True,
            }
            return vary_on_htmx(render(request, "www/cpts/_territory_picker.html", picker))
        form = TerritoryForm(initial={"q": query})
        draft = build_draft(cpts, saved_codes(cpts))
        return vary_on_htmx(
            render(request, "www/cpts/territory_edit.html", editor_context(request, form, draft, query))
        )
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])

    form = TerritoryForm(request.POST)
    draft, _ = draft_from(cpts, form)
    if "save" in request.POST and save(request, form, draft):
        return redirect("cpts_territory_edit", cpts_slug=cpts.slug)
    query = form.cleaned_data.get("q", "").strip()
    return render(request, "www/cpts/territory_edit.html", editor_context(request, form, draft, query))


@page("territoire/apercu/")
@allow("POST", check=require_territory_editor)
def cpts_territory_preview(request, cpts_slug):
    """htmx partial of the draft: list, population, taille and conflicts. Writes nothing."""
    cpts = request.cpts
    draft, errors = draft_from(cpts, TerritoryForm(request.POST))
    draft.errors += errors
    context = {"draft": draft, "oob": True, "preview_url": reverse("cpts_territory_preview", args=[cpts.slug])}
    return render(request, "www/cpts/_territory_state.html", context)
