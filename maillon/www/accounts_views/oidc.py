"""Pro Santé Connect routes: mozilla-django-oidc's views, with our landing pages and journal."""

from django.urls import path, reverse
from mozilla_django_oidc import views as oidc_views

from maillon.core import journal
from maillon.core.access import STRONG_AUTH_SESSION_KEY

from . import pending


class CallbackView(oidc_views.OIDCAuthenticationCallbackView):
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
