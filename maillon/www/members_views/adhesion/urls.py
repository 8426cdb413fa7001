from django.urls import path

from . import colleges, fees, join, member_list, membership, my_card, structure_card

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/members_views/urls.py.
urlpatterns = [
    path("adherer/", join.members_join, name="members_join"),
    path("membres/", member_list.members_list, name="members_list"),
    path("membres/<int:pk>/", membership.members_membership, name="members_membership"),
    path("colleges/", colleges.members_colleges, name="members_colleges"),
    path("cotisations/", fees.members_fees, name="members_fees"),
    path("ma-fiche/", my_card.members_my_card, name="members_my_card"),
    path(
        "annuaire/structures/<int:pk>/modifier/", structure_card.members_structure_edit, name="members_structure_edit"
    ),
]
