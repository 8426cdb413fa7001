from django.urls import path

from . import views

# Included under "cpts/<slug:cpts_slug>/" (members_views/urls.py).
urlpatterns = [
    path("membres/import/", views.members_import, name="members_import"),
]
