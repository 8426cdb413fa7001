from django.contrib import admin

from .models import HourlyRate, Invitation, Meeting, MeetingSlot, PaymentDetails, TimeEntry


class MeetingSlotInline(admin.TabularInline):
    model = MeetingSlot
    extra = 0


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    raw_id_fields = ["membership"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "cpts", "status", "starts_at", "mission"]
    list_filter = ["status", "mission"]
    readonly_fields = ["status"]
    inlines = [MeetingSlotInline, InvitationInline]


@admin.register(HourlyRate)
class HourlyRateAdmin(admin.ModelAdmin):
    list_display = ["cpts", "year", "amount"]


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "cpts", "membership", "kind", "hours", "validated_at"]
    list_filter = ["kind", "mission"]
    raw_id_fields = ["membership", "meeting"]
    readonly_fields = ["validated_by", "validated_at"]


@admin.register(PaymentDetails)
class PaymentDetailsAdmin(admin.ModelAdmin):
    """The IBAN is not listed: it shows masked, and only on the record itself."""

    list_display = ["membership", "masked_iban"]
    raw_id_fields = ["membership"]
