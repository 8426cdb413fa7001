"""« Trouver un médecin traitant »: the visitor finds the CPTS of their commune (public)."""

from django.shortcuts import render

from maillon.core.models import CptsStatus

from ..public_views.communes import search_context
from ..space import allow
from . import public_page


@public_page("")
@allow("GET", check=None)
def mt_find(request):
    context = search_context(request, "Trouver un médecin traitant") | {"dissolved": CptsStatus.DISSOLVED}
    return render(request, "mt/find.html", context)
