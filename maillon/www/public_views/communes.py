"""« Quelle CPTS pour ma commune ? »: search by name or postal code, htmx or plain GET."""

from django.shortcuts import render
from django.urls import reverse

from maillon.territories.models import Commune
from maillon.territories.selectors import commune_results

from .common import breadcrumb, is_htmx, vary_on_htmx
from .forms import CommuneSearchForm

RESULTS_LIMIT = 20


def search_results(query: str) -> tuple[list, bool]:
    """At most RESULTS_LIMIT communes, and whether more matched."""
    if not query:
        return [], False
    results = commune_results(Commune.objects.search(query), limit=RESULTS_LIMIT + 1)
    return results[:RESULTS_LIMIT], len(results) > RESULTS_LIMIT


def commune_search(request):
    form = CommuneSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results, has_more = search_results(query)
    context = {
        "form": form,
        "query": query,
        "results": results,
        "has_more": has_more,
        "results_limit": RESULTS_LIMIT,
        "title": f"« {query} » — Trouver ma CPTS" if query else "Trouver ma CPTS",
        "nav": "search",
        "breadcrumb_data": breadcrumb("Trouver ma CPTS"),
        "search_url": reverse("commune_search"),
    }
    template = "www/communes/_results_htmx.html" if is_htmx(request) else "www/communes/search.html"
    return vary_on_htmx(render(request, template, context))
