"""The public pages of a CPTS's prevention sessions (no login)."""

from django.http import Http404

from ..space import allow
from . import page


@page("prevention/seances/<int:pk>/")
@allow("GET", "POST", check=None)
def prevention_session_public(request, pk):
    raise Http404


@page("prevention/seances/<int:pk>/agenda.ics")
@allow("GET", check=None)
def prevention_session_ics(request, pk):
    raise Http404


@page("prevention/supports/<int:pk>/telecharger/")
@allow("GET", check=None)
def prevention_material_public(request, pk):
    raise Http404
