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

    # Letters are decided by the ARS on its pages; the admin neither changes nor deletes them (a
    # deletion page would list the promoters).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StartupGrant)
class StartupGrantAdmin(MaillonAdmin):
    list_display = ["cpts", "amount", "decided_on"]
    readonly_fields = ["cpts", "amount", "decided_on", "conditions", "decided_by"]
