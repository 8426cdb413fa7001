from django.urls import include, path

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py.
urlpatterns = [
    path("", include("maillon.www.members_views.directory.urls")),
    path("", include("maillon.www.members_views.adhesion.urls")),
    path("", include("maillon.www.members_views.imports.urls")),
    path("", include("maillon.www.members_views.figures.urls")),
    path("", include("maillon.www.members_views.mailing.urls")),
]
