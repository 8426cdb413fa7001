"""« Quelle CPTS pour ma commune ? »: search by name or postal code, htmx or plain GET."""

from django.shortcuts import render
from django.urls import reverse

from maillon.territories.models import Commune
from maillon.territories.selectors import commune_results

from ..toolkit.htmx import is_htmx, vary_on_htmx
from ..toolkit.navigation import breadcrumb
from . import page
from .forms import CommuneSearchForm

RESULTS_LIMIT = 20


def search_results(query: str) -> tuple[list, bool]:
    """At most RESULTS_LIMIT communes, and whether more matched."""
    if not query:
        return [], False
    results = commune_results(Commune.objects.search(query), limit=RESULTS_LIMIT + 1)
    return results[:RESULTS_LIMIT], len(results) > RESULTS_LIMIT


def search_context(request, title: str) -> dict:
    """The search form, what was asked and the communes found, on a page named `title`
    (« Trouver ma CPTS », « Trouver un médecin traitant »)."""
    form = CommuneSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results, has_more = search_results(query)
    return {
        "form": form,
        "query": query,
        "results": results,
        "has_more": has_more,
        "results_limit": RESULTS_LIMIT,
        "title": f"« {query} » — {title}" if query else title,
        "breadcrumb_data": breadcrumb(title),
    }


@page("communes/")
def commune_search(request):
    context = search_context(request, "Trouver ma CPTS") | {"nav": "search", "search_url": reverse("commune_search")}
    template = "www/communes/_results_htmx.html" if is_htmx(request) else "www/communes/search.html"
    return vary_on_htmx(render(request, template, context))
