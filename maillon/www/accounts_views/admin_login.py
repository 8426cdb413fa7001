"""The admin site logs in through our login (password + second factor), never its own form.

Wiring (outside this package): `admin.site.login = admin_login` and
`admin.site.logout = admin_logout`, e.g. in maillon/urls.py.
"""

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.core.access import is_strongly_authenticated

from . import pending
from .logout import logout


def admin_login(request, extra_context=None):
    next_url = pending.safe_next(request, request.GET.get(REDIRECT_FIELD_NAME)) or reverse("admin:index")
    if not is_strongly_authenticated(request):
        return redirect_to_login(next_url, reverse("login"))
    if request.user.is_active and request.user.is_staff:
        return redirect(next_url)
    # Logged in properly, but not an administrator: say so rather than offer another login form.
    return render(request, "accounts/admin_forbidden.html", {"title": "Accès réservé"}, status=403)


def admin_logout(request, extra_context=None):
    return logout(request)
