from django.urls import path

from . import export, find, register, status

# Included under "medecin-traitant/" by maillon/www/urls.py: public pages, no login.
urlpatterns = [
    path("", find.mt_find, name="mt_find"),
    path("suivi/<str:token>/", status.mt_patient_status, name="mt_patient_status"),
    path("suivi/<str:token>/mes-donnees.<str:fmt>", export.mt_patient_status_export, name="mt_patient_status_export"),
    path("<slug:cpts_slug>/inscription/", register.mt_register, name="mt_register"),
]
