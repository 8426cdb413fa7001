from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import ApiToken, Cpts, CptsRole, JournalEntry, LifecycleStep, User

admin.site.site_header = "Maillon — administration"
admin.site.site_title = "Maillon"
admin.site.index_title = "Administration de la plateforme"


class ReadOnlyAdmin(admin.ModelAdmin):
    """For data that changes only through its own path (import, services, journal)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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


class LifecycleStepInline(admin.TabularInline):
    model = LifecycleStep
    extra = 0
    readonly_fields = ["status", "date", "recorded_by", "recorded_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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
