"""Personal API tokens: created on this page, shown in plain once, revoked by their owner only."""

from django.contrib import messages
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
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/account.html", account_context(request, token_form=form), status=400)
    token, plain = ApiToken.issue(request.user, form.cleaned_data["name"])
    # Rendered in this response only (no redirect): the plain value is never stored, in a URL or a session.
    context = account_context(request, new_token={"token": token, "plain": plain})
    return render(request, "accounts/account.html", context)


@page("jetons/<int:pk>/revocation/", name="account_token_revoke")
@require_POST
def revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked_at is None:
        token.revoke()
        messages.success(request, f"Le jeton « {token.name} » est révoqué : il ne donne plus accès à l'API.")
    return redirect("account")
