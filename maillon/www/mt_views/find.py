"""« Trouver un médecin traitant »: the visitor finds the CPTS of their commune (public)."""

from django.http import HttpResponseNotAllowed
from django.shortcuts import render

from maillon.core.models import CptsStatus

from ..public_views.communes import search_context


def mt_find(request):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    context = search_context(request, "Trouver un médecin traitant") | {"dissolved": CptsStatus.DISSOLVED}
    return render(request, "mt/find.html", context)
