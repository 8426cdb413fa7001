from django.contrib import admin

from maillon.core.admin import MaillonAdmin, MaillonTabularInline, transition_log_inline

from .models import Candidate, DocumentVersion, Election, ElectionEvent, FoundingDocument, GeneralAssembly, Mandate


class CandidateInline(MaillonTabularInline):
    model = Candidate
    raw_id_fields = ["membership"]


@admin.register(Election)
class ElectionAdmin(MaillonAdmin):
    """Ballots and the émargement are not in the admin: only counts leave them (see models)."""

    list_display = ["title", "cpts", "college", "status", "opens_at", "closes_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "electorate_size"]
    inlines = [CandidateInline, transition_log_inline(ElectionEvent)]


@admin.register(Mandate)
class MandateAdmin(MaillonAdmin):
    list_display = ["membership", "cpts", "body", "role", "starts_on", "ends_on"]
    list_filter = ["body", "role"]
    raw_id_fields = ["membership", "election"]


@admin.register(GeneralAssembly)
class GeneralAssemblyAdmin(MaillonAdmin):
    list_display = ["date", "cpts", "kind", "place"]
    raw_id_fields = ["attendance"]


class DocumentVersionInline(MaillonTabularInline):
    model = DocumentVersion
    readonly_fields = ["number", "uploaded_by", "uploaded_at"]


@admin.register(FoundingDocument)
class FoundingDocumentAdmin(MaillonAdmin):
    list_display = ["title", "cpts", "kind"]
    list_filter = ["kind"]
    inlines = [DocumentVersionInline]
