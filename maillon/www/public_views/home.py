from django.shortcuts import render

from maillon.core.models import Cpts
from maillon.territories.models import Commune
from maillon.territories.selectors import coverage_of

from . import page
from .forms import CommuneSearchForm


@page("")
def home(request):
    context = {
        "form": CommuneSearchForm(),
        "national_coverage": coverage_of(Commune.objects.all()),
        "cpts_count": Cpts.objects.active().count(),
    }
    return render(request, "www/home.html", context)
