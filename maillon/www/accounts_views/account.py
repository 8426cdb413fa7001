"""The user's own page: identity, roles, second factor and API tokens."""

from django.shortcuts import render

from maillon.core import journal
from maillon.core.access import STRONG_AUTH_SESSION_KEY

from . import page
from .forms import ApiTokenForm

PERSONAL_FIELDS = ["email", "first_name", "last_name", "phone", "rpps"]


@page("")
def account(request):
    journal.record_read(request.user, PERSONAL_FIELDS)
    return render(request, "accounts/account.html", account_context(request))


def account_context(request, *, token_form=None, new_token=None):
    user = request.user
    return {
        "title": "Mon compte",
        "strong_auth": "oidc" if request.session.get(STRONG_AUTH_SESSION_KEY) == "oidc" else "totp",
        "cpts_roles": user.cpts_roles.select_related("cpts").order_by("cpts__name"),
        "territory_roles": user.territory_roles.select_related("departement", "region").order_by("pk"),
        "tokens": user.api_tokens.order_by("-created_at"),
        "tokens_expiring_soon": user.api_tokens.expiring_soon().count(),
        "token_form": token_form or ApiTokenForm(user=user),
        "new_token": new_token,
    }
