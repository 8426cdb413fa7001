"""Password reset, with Django's views and French pages and e-mails (queued on commit, sent
by the worker).

The reset page says the same thing whether the address has an account or not,
and a new password never logs in: the second factor is still asked at login.

Throttled (`core.throttle`): one e-mail per typed address per `MAILLON_RESET_EMAIL_WINDOW_MINUTES`
whatever the number of requests, and `MAILLON_RESET_REQUESTS_PER_ADDRESS_PER_HOUR` requests per
client address; the page answers the same either way (« check your mailbox »). The form that
sets the new password is throttled per address as every public form.
"""

import datetime

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

from maillon.core import throttle

from . import lockout
from .forms import PasswordResetForm, SetPasswordForm

REQUEST_SCOPE = "password_reset.address"
EMAIL_SCOPE = "password_reset.email"
CONFIRM_SCOPE = "password_reset.confirm"
THROTTLED = "Trop de tentatives depuis cette adresse : réessayez dans une heure."


def may_send(request, email) -> bool:
    """Whether this request may queue a reset e-mail: counted per client address, then per
    typed address (one e-mail per window)."""
    if not throttle.allow_key(
        REQUEST_SCOPE, throttle.address_key(request), limit=settings.MAILLON_RESET_REQUESTS_PER_ADDRESS_PER_HOUR
    ):
        return False
    window = datetime.timedelta(minutes=min(settings.MAILLON_RESET_EMAIL_WINDOW_MINUTES, 24 * 60))
    return throttle.allow_key(EMAIL_SCOPE, lockout.account_key(email), limit=1, window=window)


class PasswordResetView(auth_views.PasswordResetView):
    # Its `save` queues the e-mail (`core.services.send_password_reset`): nothing is sent here.
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("password_reset_done")
    title = "Mot de passe oublié"

    def form_valid(self, form):
        if may_send(self.request, form.cleaned_data["email"]):
            return super().form_valid(form)
        # The same answer as when the e-mail goes: nothing tells that it did not.
        return super(auth_views.PasswordResetView, self).form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    title = "Vérifiez votre messagerie"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    reset_url_token = "nouveau-mot-de-passe"
    post_reset_login = False  # explicit: a reset link is not a second factor
    title = "Nouveau mot de passe"

    def dispatch(self, *args, **kwargs):
        if self.request.method == "POST" and not throttle.allow(self.request, CONFIRM_SCOPE):
            context = {"title": self.title, "validlink": False, "throttled": THROTTLED}
            return render(self.request, self.template_name, context, status=429)
        return super().dispatch(*args, **kwargs)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
    title = "Mot de passe modifié"
