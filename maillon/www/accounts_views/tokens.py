"""API tokens: created on this page, shown in plain once, renewed or revoked by their owner only.

Renewing (« Renouveler ») issues a new token with the same name, kind and scopes and a fresh
expiry, shown once, and revokes the old one at once: the programs that use it must take the new one.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from maillon.core.models import ApiToken

from . import page
from .account import account_context
from .forms import ApiTokenForm


@page("jetons/", name="account_token_create")
@require_POST
@never_cache
@sensitive_variables("plain")
def create(request):
    form = ApiTokenForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            token, plain = ApiToken.issue(
                request.user, data["name"], kind=data["kind"], scopes=data["scopes"], days=data["days"]
            )
        except ValidationError as error:
            form.add_error(None, error)
    if not form.is_valid():
        return render(request, "accounts/account.html", account_context(request, token_form=form), status=400)
    # Rendered in this response only (no redirect): the plain value is never stored, in a URL or a session.
    context = account_context(request, new_token={"token": token, "plain": plain})
    return render(request, "accounts/account.html", context)


@page("jetons/<int:pk>/renouvellement/", name="account_token_rotate")
@require_POST
@never_cache
@sensitive_variables("plain")
def rotate(request, pk):
    old = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        token, plain = old.rotate()
    except ValidationError as error:
        messages.error(request, f"Le jeton « {old.name} » n'est pas renouvelé : {' '.join(error.messages)}")
        return redirect("account")
    context = account_context(request, new_token={"token": token, "plain": plain, "replaces": old})
    return render(request, "accounts/account.html", context)


@page("jetons/<int:pk>/revocation/", name="account_token_revoke")
@require_POST
def revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked_at is None:
        token.revoke()
        messages.success(request, f"Le jeton « {token.name} » est révoqué : il ne donne plus accès à l'API.")
    return redirect("account")
