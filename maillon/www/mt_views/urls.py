from django.urls import path

from . import cpam_import, export, offer, proposals, queue, register

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py: the desk of the CPTS space.
urlpatterns = [
    path("medecin-traitant/", queue.mt_queue, name="mt_queue"),
    path("medecin-traitant/inscrire/", register.mt_patient_new, name="mt_patient_new"),
    path("medecin-traitant/import-cpam/", cpam_import.PAGE.view, name="mt_import"),
    path("medecin-traitant/patients/<int:pk>/", queue.mt_patient, name="mt_patient"),
    path("medecin-traitant/patients/<int:pk>/donnees.<str:fmt>", export.mt_patient_export, name="mt_patient_export"),
    path("medecin-traitant/priorites/", queue.mt_weights, name="mt_weights"),
    path("medecin-traitant/propositions/", proposals.mt_proposals, name="mt_proposals"),
    path("medecin-traitant/propositions/calculer/", proposals.mt_propose, name="mt_propose"),
    path("medecin-traitant/propositions/<int:pk>/", proposals.mt_proposal, name="mt_proposal"),
    path("medecin-traitant/calculs/<int:pk>/", proposals.mt_run, name="mt_run"),
    path("medecin-traitant/mon-offre/", offer.mt_offer, name="mt_offer"),
]
