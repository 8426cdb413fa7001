"""Password reset, with Django's views and French pages and e-mails (queued on commit, sent
by the worker).

The reset page says the same thing whether the address has an account or not,
and a new password never logs in: the second factor is still asked at login.
"""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from .forms import PasswordResetForm, SetPasswordForm


class PasswordResetView(auth_views.PasswordResetView):
    # Its `save` queues the e-mail (`core.services.send_password_reset`): nothing is sent here.
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("password_reset_done")
    title = "Mot de passe oublié"


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


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
    title = "Mot de passe modifié"
