from django.contrib import admin

from maillon.core.admin import MaillonAdmin

from .models import LetterOfIntent, StartupGrant


@admin.register(LetterOfIntent)
class LetterOfIntentAdmin(MaillonAdmin):
    """States only: the promoters' names and contacts stay on the ARS's pages."""

    list_display = ["pk", "project_name", "region", "status", "submitted_at"]
    list_filter = ["status", "region"]
    fields = ["project_name", "region", "status", "submitted_at", "decided_at", "cpts"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(StartupGrant)
class StartupGrantAdmin(MaillonAdmin):
    list_display = ["cpts", "amount", "decided_on"]
    readonly_fields = ["cpts", "amount", "decided_on", "conditions", "decided_by"]
