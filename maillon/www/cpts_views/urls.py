from django.urls import path

from maillon.www.accounts_views.invite import invite

from . import dashboard, detail, lifecycle, territory

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py.
urlpatterns = [
    path("", detail.cpts_detail, name="cpts_detail"),
    path("espace/", dashboard.cpts_dashboard, name="cpts_dashboard"),
    path("territoire/", territory.cpts_territory_edit, name="cpts_territory_edit"),
    path("territoire/apercu/", territory.cpts_territory_preview, name="cpts_territory_preview"),
    path("etapes/", lifecycle.cpts_lifecycle, name="cpts_lifecycle"),
    path("invitations/", invite, name="cpts_invite"),
]
