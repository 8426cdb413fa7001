from django.urls import path

from . import find, register, status

# Included under "medecin-traitant/" by maillon/www/urls.py: public pages, no login.
urlpatterns = [
    path("", find.mt_find, name="mt_find"),
    path("suivi/<str:token>/", status.mt_patient_status, name="mt_patient_status"),
    path("<slug:cpts_slug>/inscription/", register.mt_register, name="mt_register"),
]
