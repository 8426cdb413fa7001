from django.urls import path

from maillon.www.accounts_views.invite import invite

from . import dashboard, detail, lifecycle, page, territory

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = [
    *page.urlpatterns(detail, dashboard, territory, lifecycle),
    path("invitations/", invite, name="cpts_invite"),
]
