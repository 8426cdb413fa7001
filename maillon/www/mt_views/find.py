"""« Trouver un médecin traitant »: the visitor finds the CPTS of their commune (public)."""

from django.http import HttpResponseNotAllowed
from django.shortcuts import render

from maillon.core.models import CptsStatus

from ..public_views.common import breadcrumb
from ..public_views.communes import RESULTS_LIMIT, search_results
from ..public_views.forms import CommuneSearchForm


def mt_find(request):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    form = CommuneSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results, has_more = search_results(query)
    context = {
        "form": form,
        "query": query,
        "results": results,
        "has_more": has_more,
        "results_limit": RESULTS_LIMIT,
        "dissolved": CptsStatus.DISSOLVED,
        "title": f"« {query} » — Trouver un médecin traitant" if query else "Trouver un médecin traitant",
        "breadcrumb_data": breadcrumb("Trouver un médecin traitant"),
    }
    return render(request, "mt/find.html", context)
