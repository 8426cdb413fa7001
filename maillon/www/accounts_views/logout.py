"""Logout: a POST (a link could be triggered by another site), journaled."""

from django.conf import settings
from django.contrib import auth
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from maillon.core import journal

from . import page


@page("deconnexion/")
@require_POST
def logout(request):
    if request.user.is_authenticated:
        journal.record(journal.Action.LOGOUT, request.user, actor=request.user)
    # Also forgets a login left half-way (password given, no second factor).
    auth.logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
