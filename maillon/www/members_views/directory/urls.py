from django.urls import path

from .. import page
from . import card, export, search, structure_card, vcard

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/members_views/urls.py; each route is declared above its view.
urlpatterns = [
    *page.urlpatterns(search, export, card, structure_card),
    path("annuaire/<int:pk>/vcard/", vcard.members_vcard, name="members_vcard"),
    path("annuaire/structures/<int:pk>/vcard/", vcard.members_structure_vcard, name="members_structure_vcard"),
]
