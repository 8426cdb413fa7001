from django.conf import settings
from django.urls import include, path

from . import account, invitation, login, logout, notifications, page, password, tokens, totp, unlock

# Included under "compte/" by maillon/www/urls.py; each view route is declared above its view,
# the class-based views here.
urlpatterns = [
    *page.urlpatterns(account, login, totp, unlock, logout, tokens, notifications),
    path("mot-de-passe/", password.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/envoye/", password.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("mot-de-passe/<uidb64>/<token>/", password.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("mot-de-passe/termine/", password.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invitation/<uidb64>/<token>/", invitation.InvitationAcceptView.as_view(), name="invitation_accept"),
]

if settings.OIDC_ENABLED:
    # Pro Santé Connect: oidc_authentication_init, oidc_authentication_callback, oidc_logout.
    urlpatterns.append(path("oidc/", include("maillon.www.accounts_views.oidc")))
