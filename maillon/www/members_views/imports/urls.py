from django.urls import path

from . import views

# Included under "cpts/<slug:cpts_slug>/" (members_views/urls.py).
urlpatterns = [
    path("membres/import/", views.PAGE.view, name="members_import"),
]
