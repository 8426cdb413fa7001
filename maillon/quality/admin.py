from django.contrib import admin

from maillon.core.admin import MaillonAdmin

from .models import PracticeGroup


@admin.register(PracticeGroup)
class PracticeGroupAdmin(MaillonAdmin):
    """Groups only: conferences are about patients and reviews about adverse events, read in the
    CPTS's space by those who may (maillon/quality/policies.py)."""

    list_display = ["name", "cpts", "themes", "closed_on"]
    search_fields = ["name", "themes"]
