from django.contrib import admin
from django.urls import include, path

from maillon.api.urls import api
from maillon.www.accounts_views.admin_login import admin_login, admin_logout

# The admin logs in through the site's login (password + second factor).
admin.site.login = admin_login
admin.site.logout = admin_logout

# Under /api/, a path no route matches (an id that is not a number) answers the API's JSON 404.
handler404 = "maillon.api.errors.route_not_found"
# A body found too large once read (RequestDataTooBig) answers 413, not 400.
handler400 = "maillon.www.errors.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("maillon.www.urls")),
]
