from django.contrib import admin
from django.urls import include, path

from maillon.api.urls import api
from maillon.www.accounts_views.admin_login import admin_login, admin_logout

# The admin logs in through the site's login (password + second factor).
admin.site.login = admin_login
admin.site.logout = admin_logout

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("maillon.www.urls")),
]
