from django.contrib import admin

from maillon.core.admin import (
    JournaledReadsAdmin,
    MaillonAdmin,
    MaillonTabularInline,
    ReadOnlyAdmin,
    transition_log_inline,
)

from .models import (
    College,
    Fee,
    Language,
    Mailing,
    MailingRecipient,
    Membership,
    MembershipEvent,
    PracticePlace,
    Professional,
    Structure,
)


class PracticePlaceInline(MaillonTabularInline):
    model = PracticePlace
    autocomplete_fields = ["structure"]
    raw_id_fields = ["commune"]


@admin.register(Professional)
class ProfessionalAdmin(JournaledReadsAdmin):
    journaled_fields = ("first_name", "last_name", "rpps", "adeli", "email", "phone")
    list_display = ["last_name", "first_name", "profession", "specialty", "rpps", "adeli"]
    list_filter = ["profession", "specialty", "accepts_new_patients", "takes_part_in_snp"]
    search_fields = ["last_name", "first_name", "=rpps", "=adeli"]
    filter_horizontal = ["languages"]
    raw_id_fields = ["user"]
    inlines = [PracticePlaceInline]


@admin.register(Structure)
class StructureAdmin(JournaledReadsAdmin):
    journaled_fields = ("name", "finess", "siret", "email", "phone")
    list_display = ["name", "kind", "finess", "siret", "commune"]
    list_filter = ["kind"]
    search_fields = ["name", "=finess", "=siret"]
    raw_id_fields = ["commune"]


class FeeInline(MaillonTabularInline):
    model = Fee


@admin.register(Membership)
class MembershipAdmin(JournaledReadsAdmin):
    """Adhesions move through their workflow (pages, API); the state is read only here."""

    journaled_fields = ("professional", "structure", "status", "college")
    list_display = ["__str__", "status", "college", "involvement", "joined_on", "left_on"]
    list_filter = ["status", "involvement", "cpts"]
    readonly_fields = ["status", "decided_at", "decided_by"]
    raw_id_fields = ["professional", "structure", "college"]
    inlines = [FeeInline, transition_log_inline(MembershipEvent)]


@admin.register(College)
class CollegeAdmin(MaillonAdmin):
    list_display = ["name", "cpts", "seats", "position"]
    list_filter = ["cpts"]


@admin.register(Language)
class LanguageAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]


class MailingRecipientInline(MaillonTabularInline):
    model = MailingRecipient
    can_delete = False
    readonly_fields = ["membership", "email", "status"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Mailing)
class MailingAdmin(JournaledReadsAdmin, ReadOnlyAdmin):
    """Sent messages are kept as sent."""

    journaled_fields = ("subject", "body")
    list_display = ["subject", "cpts", "sent_at", "recipient_count"]
    list_filter = ["cpts"]
    inlines = [MailingRecipientInline]
