"""First step of the login: e-mail and password. It never logs in by itself."""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from maillon.core.access import is_strongly_authenticated

from . import lockout, page, pending
from .forms import LoginForm

# One message for every refusal, so that the page never tells whether an address has an account.
REFUSAL = (
    f"Adresse électronique ou mot de passe incorrect. Après {lockout.MAX_FAILURES} échecs, "
    f"le compte est bloqué {lockout.WINDOW_MINUTES} minutes."
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
    if request.method == "POST" and form.is_valid():
        user = check_password(request, **form.cleaned_data)
        if user is not None:
            pending.start(request, user, next_url=next_url)
            return pending.next_step(request, user)
        form.add_error(None, REFUSAL)
    context = {"title": "Connexion", "form": form, "next": pending.safe_next(request, next_url) or ""}
    return render(request, "accounts/login.html", context)


def check_password(request, *, email, password):
    """The user if the password is right and the account is not locked; journals failures."""
    email = email.strip().lower()  # addresses are stored in lower case
    user = get_user_model().objects.filter(email__iexact=email).first()
    # The password is checked even on a locked account, so the answer takes as long either way.
    authenticated = auth.authenticate(request, email=email, password=password)
    if user is not None and lockout.is_locked(user):
        lockout.record_failure(user, note="compte bloqué")
        return None
    if authenticated is None:
        lockout.record_failure(user, note="mot de passe" if user else "compte inconnu")
    return authenticated
