from django.contrib import admin

from maillon.core.admin import MaillonAdmin, MaillonTabularInline

from .models import Programme, ProgrammeStep


class ProgrammeStepInline(MaillonTabularInline):
    model = ProgrammeStep


@admin.register(Programme)
class ProgrammeAdmin(MaillonAdmin):
    """Programmes only: inclusions are patient data, read in the CPTS's space by those who may."""

    list_display = ["name", "version", "cpts", "perinatal", "shared", "superseded_at"]
    list_filter = ["perinatal", "shared"]
    search_fields = ["name"]
    inlines = [ProgrammeStepInline]
