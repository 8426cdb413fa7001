"""The desk in the administration: the doctors' offers only.

Registrations and proposals are health data: they are not in the administration (a platform
admin without a role in the CPTS sees no patient, maillon/mt/policies.py); the coordination
works on them through the desk's pages and the API."""

from django.contrib import admin

from maillon.core.admin import JournaledReadsAdmin, transition_log_inline

from .models import DoctorOffer, OfferEvent


@admin.register(DoctorOffer)
class DoctorOfferAdmin(JournaledReadsAdmin):
    """Offers open, pause and close through their workflow (« Mon offre »); the state is read only here."""

    journaled_fields = ("doctor", "status")
    list_display = ["__str__", "doctor", "status", "places_per_month", "radius_km"]
    list_filter = ["status", "cpts"]
    readonly_fields = ["status", "created_at", "updated_at"]
    raw_id_fields = ["doctor"]
    inlines = [transition_log_inline(OfferEvent)]
