from django.contrib import admin

from .models import Programme, ProgrammeStep


class ProgrammeStepInline(admin.TabularInline):
    model = ProgrammeStep
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """Programmes only: inclusions are patient data, read in the CPTS's space by those who may."""

    list_display = ["name", "version", "cpts", "perinatal", "shared", "superseded_at"]
    list_filter = ["perinatal", "shared"]
    search_fields = ["name"]
    inlines = [ProgrammeStepInline]
