"""First step of the login: e-mail and password. It never logs in by itself.

Failures are throttled per address and per account without letting anyone lock the owner out
(lockout.py); a refused try answers 429 with the wait, the same for an e-mail without account.
"""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from maillon.core.access import is_strongly_authenticated

from . import lockout, page, pending
from .forms import LoginForm

# One message for every wrong password, so that the page never tells whether an address has an account.
REFUSAL = (
    "Adresse électronique ou mot de passe incorrect. Après plusieurs échecs, chaque nouvel essai "
    "doit attendre quelques minutes."
)


@page("connexion/")
@sensitive_post_parameters("password")
@never_cache
def login(request):
    next_url = request.POST.get("next") or request.GET.get("next")
    if is_strongly_authenticated(request):
        return redirect(pending.safe_next(request, next_url) or resolve_url(settings.LOGIN_REDIRECT_URL))
    if request.method == "POST" and request.POST.get("action") == "restart":
        # Drop the login in progress (and a session that lacks its second factor).
        pending.clear(request)
        auth.logout(request)
        return redirect("login")
    if request.method == "GET" and (user := pending.pending_user(request)):
        # The password was given a moment ago: carry on with the second factor.
        pending.remember_next(request, next_url)
        return pending.next_step(request, user)

    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        user, error = check_password(request, **form.cleaned_data)
        if user is not None:
            pending.start(request, user, next_url=next_url)
            return pending.next_step(request, user)
        form.add_error(None, error.message if isinstance(error, lockout.Refusal) else REFUSAL)
        status = 429 if isinstance(error, lockout.Refusal) else 200
    context = {"title": "Connexion", "form": form, "next": pending.safe_next(request, next_url) or ""}
    return render(request, "accounts/login.html", context, status=status)


def check_password(request, *, email, password):
    """(user, None) if the password is right and no wait applies; else (None, the refusal or
    None for a wrong password). Failures and refusals are journaled and counted."""
    email = lockout.account_key(email)  # addresses are stored in lower case
    user = get_user_model().objects.filter(email__iexact=email).first()
    # The password is checked even when the try must wait, so the answer takes as long either way.
    authenticated = auth.authenticate(request, email=email, password=password)
    refused = lockout.refusal(request, email)
    if refused is not None:
        lockout.refuse(request, user, email, refused)
        return None, refused
    if authenticated is None:
        lockout.record_failure(user, note="mot de passe" if user else "compte inconnu", request=request, email=email)
        return None, None
    # This browser's delay is forgotten only once the second factor is right too (totp.py): a
    # right password does not buy another round of codes.
    return authenticated, None
