from django.urls import path

from . import slots

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py: members' SNP slots.
urlpatterns = [
    path("snp/creneaux/", slots.snp_slots, name="snp_slots"),
    path("snp/creneaux/nouveau/", slots.snp_slot_new, name="snp_slot_new"),
    path("snp/creneaux/recurrence/", slots.snp_slot_series_new, name="snp_slot_series_new"),
    path("snp/creneaux/recurrences/<int:pk>/", slots.snp_slot_series, name="snp_slot_series"),
    path("snp/creneaux/import-ics/", slots.snp_slot_import, name="snp_slot_import"),
    path("snp/creneaux/<int:pk>/annuler/", slots.snp_slot_cancel, name="snp_slot_cancel"),
    path("snp/creneaux/<int:pk>/partage/", slots.snp_slot_sharing, name="snp_slot_sharing"),
    path("snp/agendas/", slots.snp_slot_agendas, name="snp_slot_agendas"),
    path("snp/professions/", slots.snp_slot_setup, name="snp_slot_setup"),
    # The bookings feed of an agenda: its secret token is the credential (calendar apps cannot log in).
    path("snp/flux/<str:token>.ics", slots.snp_slots_feed, name="snp_slots_feed"),
]
