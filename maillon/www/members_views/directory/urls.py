from django.urls import path

from . import card, export, search, structure_card, vcard

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/members_views/urls.py.
urlpatterns = [
    path("annuaire/", search.members_directory, name="members_directory"),
    path("annuaire/export/<str:fmt>/", export.members_directory_export, name="members_directory_export"),
    path("annuaire/<int:pk>/", card.members_card, name="members_card"),
    path("annuaire/<int:pk>/vcard/", vcard.members_vcard, name="members_vcard"),
    path("annuaire/structures/<int:pk>/", structure_card.members_structure_card, name="members_structure_card"),
    path("annuaire/structures/<int:pk>/vcard/", vcard.members_structure_vcard, name="members_structure_vcard"),
]
