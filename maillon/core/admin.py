from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from . import journal
from .models import ApiToken, Cpts, CptsRole, JournalEntry, LifecycleStep, User

admin.site.site_header = "Maillon — administration"
admin.site.site_title = "Maillon"
admin.site.index_title = "Administration de la plateforme"


class JournaledReadsAdmin(admin.ModelAdmin):
    """For models with personal data: the admin's reads go to the journal too
    (one entry per list page, one per record opened), never the values."""

    journaled_fields = ()

    def changelist_view(self, request, extra_context=None):
        journal.record(
            journal.Action.READ,
            object_type=self.model._meta.label,
            object_id="admin-list",
            fields=self.journaled_fields,
            note="liste de l'administration",
        )
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        journal.record(
            journal.Action.READ, object_type=self.model._meta.label, object_id=object_id, fields=self.journaled_fields
        )
        return super().change_view(request, object_id, form_url, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For data that changes only through its own path (import, services, journal)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(JournaledReadsAdmin, DjangoUserAdmin):
    journaled_fields = ("email", "first_name", "last_name", "phone", "rpps")
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_superuser", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name", "phone", "rpps", "oidc_subject"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]


class TransitionLogInline(admin.TabularInline):
    """A workflow's log, read only: it is written by the transitions alone."""

    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "at", "by", "note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LifecycleStepInline(TransitionLogInline):
    model = LifecycleStep
    readonly_fields = ["from_status", "to_status", "date", "at", "by", "note"]


class CptsRoleInline(admin.TabularInline):
    model = CptsRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Cpts)
class CptsAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "legal_form", "siren", "finess"]
    list_filter = ["status", "legal_form"]
    search_fields = ["name", "siren", "finess"]
    prepopulated_fields = {"slug": ["name"]}
    # The lifecycle moves through services (dated, logged); not by editing the field.
    readonly_fields = ["status"]
    inlines = [LifecycleStepInline, CptsRoleInline]

    def has_delete_permission(self, request, obj=None):
        # Deleting would erase the dated history of its territory: dissolve it instead.
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "hint", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    """The data-protection officer's viewer: filters, no edit, no delete, not even for admins."""

    list_display = ["at", "action", "actor_id", "object_type", "object_id", "cpts_id", "fields"]
    list_filter = ["action", "object_type", ("at", admin.DateFieldListFilter)]
    search_fields = ["=actor_id", "=object_id", "=cpts_id", "object_type"]
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False

    def get_actions(self, request):
        return {}
