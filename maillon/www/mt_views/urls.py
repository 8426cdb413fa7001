from django.urls import path

from . import cpam_import, export, offer, page, proposals, queue, register

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py: the desk of the CPTS space;
# each route is declared above its view.
urlpatterns = [
    *page.urlpatterns(queue, register, export, proposals, offer),
    path("medecin-traitant/import-cpam/", cpam_import.PAGE.view, name="mt_import"),
]
