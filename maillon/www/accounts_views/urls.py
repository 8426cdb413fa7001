from django.conf import settings
from django.urls import include, path

from . import account, invitation, login, logout, notifications, password, tokens, totp

urlpatterns = [
    path("", account.account, name="account"),
    path("connexion/", login.login, name="login"),
    path("connexion/code/", totp.second_factor, name="login_second_factor"),
    path("connexion/activer-double-authentification/", totp.totp_setup, name="login_totp_setup"),
    path(
        "connexion/lien-double-authentification/<str:token>/",
        totp.enrolment_link,
        name="login_totp_enrolment_link",
    ),
    path("deconnexion/", logout.logout, name="logout"),
    path("mot-de-passe/", password.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/envoye/", password.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("mot-de-passe/<uidb64>/<token>/", password.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("mot-de-passe/termine/", password.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invitation/<uidb64>/<token>/", invitation.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("jetons/", tokens.create, name="account_token_create"),
    path("jetons/<int:pk>/revocation/", tokens.revoke, name="account_token_revoke"),
    path("notifications/", notifications.notifications, name="account_notifications"),
    path("notifications/lues/", notifications.read, name="account_notifications_read"),
    path("notifications/preferences/", notifications.preferences, name="account_notification_preferences"),
]

if settings.OIDC_ENABLED:
    # Pro Santé Connect: oidc_authentication_init, oidc_authentication_callback, oidc_logout.
    urlpatterns.append(path("oidc/", include("maillon.www.accounts_views.oidc")))
