from django.contrib import admin

from maillon.core.admin import MaillonAdmin, MaillonTabularInline, transition_log_inline

from .models import (
    HourlyRate,
    Invitation,
    Meeting,
    MeetingEvent,
    MeetingSlot,
    TimeEntry,
    TimeEntryEvent,
)


class MeetingSlotInline(MaillonTabularInline):
    model = MeetingSlot


class InvitationInline(MaillonTabularInline):
    model = Invitation
    raw_id_fields = ["membership"]


@admin.register(Meeting)
class MeetingAdmin(MaillonAdmin):
    list_display = ["title", "cpts", "status", "starts_at", "mission"]
    list_filter = ["status", "mission"]
    readonly_fields = ["status"]
    inlines = [MeetingSlotInline, InvitationInline, transition_log_inline(MeetingEvent)]


@admin.register(HourlyRate)
class HourlyRateAdmin(MaillonAdmin):
    list_display = ["cpts", "year", "amount"]


@admin.register(TimeEntry)
class TimeEntryAdmin(MaillonAdmin):
    list_display = ["date", "cpts", "membership", "kind", "hours", "state", "validated_at"]
    list_filter = ["state", "kind", "mission"]
    raw_id_fields = ["membership", "meeting"]
    # The review moves through the workflow (validate, reject…), with its timestamps.
    readonly_fields = ["state", "validated_by", "validated_at", "rejected_by", "rejected_at", "rejection_reason"]
    inlines = [transition_log_inline(TimeEntryEvent)]


# No admin page for PaymentDetails: a member's IBAN is entered by the member and read by the
# coordination of their CPTS only (meetings/policies.py); a platform admin neither reads nor
# changes it (changing it would redirect an indemnity).
