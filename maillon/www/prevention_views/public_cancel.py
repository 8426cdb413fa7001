"""A registrant cancels through the secret link of their messages (no login)."""

from django.http import Http404

from ..space import allow
from . import page


@page("inscription/<str:token>/annuler/")
@allow("GET", "POST", check=None)
def prevention_registration_cancel(request, token):
    raise Http404
