"""Pro Santé Connect routes: mozilla-django-oidc's views, with our landing pages and journal.

The callback is throttled per address as the password login is (lockout.py): each failed
callback counts for the address, and an address over its limit is sent back to the login page
with the wait, before anything is asked of the provider.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from mozilla_django_oidc import views as oidc_views

from maillon.core import journal
from maillon.core.access import STRONG_AUTH_SESSION_KEY

from . import lockout, pending


class CallbackView(oidc_views.OIDCAuthenticationCallbackView):
    def get(self, request):
        refused = lockout.address_refusal(request)
        if refused is not None:
            lockout.refuse(request, None, "", refused)
            messages.error(request, refused.message)
            return redirect("login")
        return super().get(request)

    def login_failure(self):
        lockout.record_address_failure(self.request, note="Pro Santé Connect")
        return super().login_failure()

    @property
    def failure_url(self):
        # Back to the login page, which shows why (see ProSanteConnectBackend.refuse).
        return reverse("login")

    def login_success(self):
        response = super().login_success()
        pending.clear(self.request)
        # The provider did the strong authentication: see access.is_strongly_authenticated.
        self.request.session[STRONG_AUTH_SESSION_KEY] = "oidc"
        journal.record(journal.Action.LOGIN, self.user, actor=self.user, note="Pro Santé Connect")
        return response


class LogoutView(oidc_views.OIDCLogoutView):
    def post(self, request):
        if request.user.is_authenticated:
            journal.record(journal.Action.LOGOUT, request.user, actor=request.user)
        return super().post(request)


urlpatterns = [
    path("callback/", CallbackView.as_view(), name="oidc_authentication_callback"),
    path("authenticate/", oidc_views.OIDCAuthenticationRequestView.as_view(), name="oidc_authentication_init"),
    path("logout/", LogoutView.as_view(), name="oidc_logout"),
]
