"""Accepting an invitation: choose a password, then enrol the second factor.

The link is single-use (its token hashes the password, which this page sets)
and expires after settings.PASSWORD_RESET_TIMEOUT.
"""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from maillon.core.services import invitation_token_generator

from .. import throttled
from . import enrolment, pending
from .forms import SetPasswordForm


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    token_generator = invitation_token_generator
    template_name = "accounts/invitation_accept.html"
    reset_url_token = "choisir-mot-de-passe"
    post_reset_login = False  # the password is only the first factor
    success_url = reverse_lazy("login_totp_setup")
    title = "Accepter l'invitation"

    def dispatch(self, request, *args, **kwargs):
        if (refused := throttled.refused_post(request, "invitation_accept", link=True)) is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        if not self.user.is_active:
            return response
        # The person proved they read the e-mail and chose a password: this session may enrol the second factor.
        pending.start(self.request, self.user)
        enrolment.allow(self.request, self.user)
        return pending.next_step(self.request, self.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        if self.validlink:
            context["cpts_roles"] = self.user.cpts_roles.select_related("cpts").order_by("cpts__name")
        return context
