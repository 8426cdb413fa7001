from django.urls import path

from . import dashboard

urlpatterns = [
    path("membres/chiffres/", dashboard.members_figures, name="members_figures"),
]
