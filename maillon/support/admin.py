from django.contrib import admin

from maillon.core.admin import MaillonAdmin

from .models import Equipment, Housing


@admin.register(Housing)
class HousingAdmin(MaillonAdmin):
    """Housing and equipment only: applicants, occupants, projects and ads are people's data,
    read in the CPTS's space by those who may (maillon/support/policies.py)."""

    list_display = ["name", "cpts", "commune", "rooms", "active"]
    search_fields = ["name"]
    raw_id_fields = ["commune"]


@admin.register(Equipment)
class EquipmentAdmin(MaillonAdmin):
    list_display = ["name", "cpts", "kind", "active"]
    search_fields = ["name"]
    raw_id_fields = ["holder"]
