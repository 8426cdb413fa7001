from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django_otp.conf import settings as otp_settings
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from dsfr.admin import DsfrConfigAdmin
from dsfr.models import DsfrConfig

from . import journal
from .forms import EMPTY_CHOICE_LABEL, french_empty_choice
from .models import ApiToken, Cpts, CptsRole, JournalEntry, LifecycleStep, User
from .policies import PLATFORM_ADMIN_LABEL

admin.site.site_header = "Maillon — administration"
admin.site.site_title = "Maillon"
admin.site.index_title = PLATFORM_ADMIN_LABEL


class FrenchChoicesMixin:
    """The empty choice of the admin's selects reads « — Choisir — », as on the pages (core.forms).
    A web address typed without its scheme is taken as https, as on the pages (Django 6's default:
    without it, Django 5.2 warns on every form with a URL field, e.g. a CPTS's website)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            french_empty_choice(formfield)
        return formfield

    def get_action_choices(self, request, default_choices=None):
        # The list's « Action » select.
        return super().get_action_choices(request, default_choices=[("", EMPTY_CHOICE_LABEL)])


class MaillonAdmin(FrenchChoicesMixin, admin.ModelAdmin):
    """The base of every admin of the project's models."""


class MaillonTabularInline(FrenchChoicesMixin, admin.TabularInline):
    """The base of every inline of the project's admins: no empty rows to fill in below the others."""

    extra = 0


class JournaledReadsAdmin(MaillonAdmin):
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


class ReadOnlyAdmin(MaillonAdmin):
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


class TransitionLogInline(MaillonTabularInline):
    """A workflow's log, read only: it is written by the transitions alone."""

    can_delete = False
    readonly_fields = ["from_status", "to_status", "at", "by", "note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def transition_log_inline(log_model):
    """The `TransitionLogInline` of `log_model`, a workflow's log."""
    return type(f"{log_model.__name__}Inline", (TransitionLogInline,), {"model": log_model})


class LifecycleStepInline(TransitionLogInline):
    model = LifecycleStep
    readonly_fields = ["from_status", "to_status", "date", "at", "by", "note"]


class CptsRoleInline(MaillonTabularInline):
    model = CptsRole
    autocomplete_fields = ["user"]


@admin.register(Cpts)
class CptsAdmin(MaillonAdmin):
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
class ApiTokenAdmin(MaillonAdmin):
    list_display = ["name", "user", "kind", "hint", "created_at", "expires_at", "last_used_at", "revoked_at"]
    # Scopes, kind and expiry are chosen by the token's owner on the account page, never here.
    readonly_fields = [
        "user",
        "name",
        "kind",
        "scopes",
        "hint",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "rotated_from",
    ]
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


# The third-party admins, in French (their model and field names: core/third_party.py). Their help
# texts are English model attributes, which a migration would follow: the forms get French ones here,
# and the read-only dates are shown by methods that carry a French name and no help text.
TOTP_HELP_TEXTS = {
    "user": "Le compte à qui appartient cet appareil.",
    "name": "Le nom de l'appareil, lisible par une personne.",
    "confirmed": "L'appareil peut-il servir ?",
    "key": "Clé secrète en hexadécimal, jusqu'à 40 octets.",
    "step": "Durée d'un pas, en secondes.",
    "t0": "Instant Unix à partir duquel les pas sont comptés.",
    "digits": "Nombre de chiffres attendus dans un code.",
    "tolerance": "Nombre de pas acceptés avant ou après l'heure exacte.",
    "drift": "Décalage connu, en pas, entre l'appareil et notre horloge.",
    "throttling_failure_timestamp": "Date du dernier échec de vérification.",
    "throttling_failure_count": "Nombre d'échecs successifs.",
}


class FrenchTOTPDeviceAdmin(FrenchChoicesMixin, TOTPDeviceAdmin):
    list_display = ["user", "name", "created", "last_used", "confirmed"]
    readonly_fields = ["created", "last_used", "qrcode_link"]

    def get_fieldsets(self, request, obj=None):
        configuration = ["step", "t0", "digits", "tolerance"]
        if not (otp_settings.OTP_ADMIN_HIDE_SENSITIVE_DATA and obj):
            configuration = ["key", *configuration]
        fieldsets = [
            ("Identité", {"fields": ["user", "name", "confirmed"]}),
            ("Dates", {"fields": ["created", "last_used"]}),
            ("Configuration", {"fields": configuration}),
            ("État", {"fields": ["drift"]}),
            ("Limitation des essais", {"fields": ["throttling_failure_timestamp", "throttling_failure_count"]}),
        ]
        if not otp_settings.OTP_ADMIN_HIDE_SENSITIVE_DATA and obj:
            fieldsets.append((None, {"fields": ["qrcode_link"]}))
        return fieldsets

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in TOTP_HELP_TEXTS:
            formfield.help_text = TOTP_HELP_TEXTS[db_field.name]
        return formfield

    @admin.display(description="date de création", ordering="created_at")
    def created(self, device):
        return device.created_at

    @admin.display(description="dernière utilisation", ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at

    @admin.display(description="QR code")
    def qrcode_link(self, device):
        return super().qrcode_link(device)


class FrenchDBTaskResultAdmin(FrenchChoicesMixin, DBTaskResultAdmin):
    list_display = ["id", "task", "status", "enqueued_at", "started_at", "finished_at", "priority", "queue_name"]

    @admin.display(description="tâche")
    def task(self, result):
        return result.task_name

    @admin.display(description="trace de l'erreur")
    def formatted_traceback(self, result):
        return super().formatted_traceback(result)

    @admin.display(description="à lancer après")
    def display_run_after(self, result):
        return super().display_run_after(result)


class FrenchDsfrConfigAdmin(FrenchChoicesMixin, DsfrConfigAdmin):
    pass


for model, model_admin in [
    (TOTPDevice, FrenchTOTPDeviceAdmin),
    (DBTaskResult, FrenchDBTaskResultAdmin),
    (DsfrConfig, FrenchDsfrConfigAdmin),
]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
