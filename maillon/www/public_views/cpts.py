"""The list of CPTS, filtered by step and département."""

from django.shortcuts import render

from maillon.territories.selectors import cpts_summaries

from ..toolkit.navigation import breadcrumb
from . import page
from .forms import CptsFilterForm


@page("cpts/")
def cpts_list(request):
    form = CptsFilterForm(request.GET)
    summaries = cpts_summaries(statuses=form.statuses(), departement=form.departement_code())
    context = {
        "form": form,
        "summaries": summaries,
        "title": "Les CPTS",
        "nav": "cpts",
        "breadcrumb_data": breadcrumb("Les CPTS"),
    }
    return render(request, "www/cpts/list.html", context)
