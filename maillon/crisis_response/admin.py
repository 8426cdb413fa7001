from django.contrib import admin

from maillon.core.admin import JournaledReadsAdmin, MaillonAdmin, MaillonTabularInline, ReadOnlyAdmin

from .models import (
    AlertDelivery,
    AlertLevel,
    AlertLevelMember,
    ContactPreference,
    Crisis,
    CrisisRecipient,
    LogEntry,
    Retex,
)


class AlertLevelMemberInline(MaillonTabularInline):
    model = AlertLevelMember
    raw_id_fields = ["professional"]


@admin.register(AlertLevel)
class AlertLevelAdmin(MaillonAdmin):
    list_display = ["cpts", "rank", "name", "wait_minutes"]
    list_filter = ["cpts"]
    inlines = [AlertLevelMemberInline]


@admin.register(ContactPreference)
class ContactPreferenceAdmin(MaillonAdmin):
    list_display = ["cpts", "professional", "by_email", "by_sms"]
    list_filter = ["cpts"]
    raw_id_fields = ["professional"]


@admin.register(Crisis)
class CrisisAdmin(ReadOnlyAdmin):
    """Crises change through their pages (activation, end, recognition), not here."""

    list_display = ["cpts", "typology", "is_exercise", "started_at", "ended_at", "recognised_at"]
    list_filter = ["is_exercise", "typology", "cpts"]


@admin.register(CrisisRecipient)
class CrisisRecipientAdmin(JournaledReadsAdmin, ReadOnlyAdmin):
    journaled_fields = ("professional", "answer", "skills", "assignment")
    list_display = ["crisis", "professional", "level_rank", "answer", "answered_at"]
    exclude = ["token_nonce"]


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["pk", "channel", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status", "channel"]


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ["crisis", "at", "kind", "author"]


@admin.register(Retex)
class RetexAdmin(ReadOnlyAdmin):
    list_display = ["crisis", "written_at", "carried_at"]
