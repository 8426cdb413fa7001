from django.contrib import admin

from maillon.core.admin import MaillonAdmin, MaillonTabularInline

from .models import Measure, MeasureValue, PreventionAction, PublicSession


class MeasureValueInline(MaillonTabularInline):
    model = MeasureValue


@admin.register(PreventionAction)
class PreventionActionAdmin(MaillonAdmin):
    """Actions, measures and sessions: registrants are personal data, read in the CPTS's space
    by those who may (the coordination, the adherent in charge)."""

    list_display = ["title", "theme", "cpts", "starts_on", "status"]
    list_filter = ["theme", "status", "perinatal"]
    search_fields = ["title"]


@admin.register(Measure)
class MeasureAdmin(MaillonAdmin):
    list_display = ["label", "action", "baseline_value", "target_value"]
    inlines = [MeasureValueInline]


@admin.register(PublicSession)
class PublicSessionAdmin(MaillonAdmin):
    list_display = ["title", "kind", "cpts", "starts_at", "capacity", "seats_taken", "status"]
    list_filter = ["kind", "status"]
    readonly_fields = ["seats_taken"]
