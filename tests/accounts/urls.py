"""URL configuration of the account tests: the project's, plus the Pro Santé
Connect routes (which exist only when OIDC is configured at start-up) and a
route to reach the admin login view directly."""

from django.urls import get_resolver, include, path

from maillon.urls import urlpatterns as project_urlpatterns
from maillon.www.accounts_views import admin_login

PROJECT_NAMES = {name for name in get_resolver("maillon.urls").reverse_dict if isinstance(name, str)}

urlpatterns = [
    path("_test/admin-login/", admin_login.admin_login, name="test_admin_login"),
    *project_urlpatterns,
]
if "oidc_authentication_init" not in PROJECT_NAMES:
    urlpatterns.append(path("compte/oidc/", include("maillon.www.accounts_views.oidc")))
