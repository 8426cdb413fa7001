from django.contrib import admin

from maillon.core.admin import JournaledReadsAdmin, ReadOnlyAdmin, TransitionLogInline, transition_log_inline

from .models import (
    CrisisPlan,
    PlanEvent,
    PlanImprovement,
    PlanImprovementEvent,
    PlanProfessional,
    PlanVersion,
)


class PlanEventInline(TransitionLogInline):
    model = PlanEvent
    readonly_fields = [*TransitionLogInline.readonly_fields, "comment"]


@admin.register(CrisisPlan)
class CrisisPlanAdmin(ReadOnlyAdmin):
    list_display = ("cpts", "created_at")
    search_fields = ("cpts__name",)


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin, JournaledReadsAdmin):
    """Versions change through the editor and the authority's review only."""

    list_display = ("plan", "year", "status", "validated_at")
    list_filter = ("status",)
    search_fields = ("plan__cpts__name",)
    journaled_fields = ("content",)
    readonly_fields = ("status",)
    inlines = [PlanEventInline]


@admin.register(PlanEvent)
class PlanEventAdmin(ReadOnlyAdmin):
    list_display = ("version", "from_status", "to_status", "at")


@admin.register(PlanProfessional)
class PlanProfessionalAdmin(ReadOnlyAdmin, JournaledReadsAdmin):
    list_display = ("version", "role")
    raw_id_fields = ("version", "professional")
    journaled_fields = ("professional", "role", "skills")


@admin.register(PlanImprovement)
class PlanImprovementAdmin(ReadOnlyAdmin):
    list_display = ("plan", "source", "status", "created_at")
    list_filter = ("status",)
    readonly_fields = ("status",)
    inlines = [transition_log_inline(PlanImprovementEvent)]
