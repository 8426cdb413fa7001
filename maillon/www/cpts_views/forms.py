from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.models import LIFECYCLE_ORDER, CptsStatus

from ..toolkit.communes import clean_commune_code
from ..toolkit.forms import MaillonForm, date_field, not_in_future

MAX_COMMUNES = 2000


class CommuneCodesField(forms.Field):
    """The communes of a draft territory, carried as repeated hidden inputs."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        codes = [clean_commune_code(str(item)) for item in values if str(item).strip()]
        if len(codes) > MAX_COMMUNES:
            raise ValidationError(f"Communes : un territoire compte au plus {MAX_COMMUNES} communes.")
        return list(dict.fromkeys(codes))  # without duplicates, order kept


class OptionalCommuneCodeField(forms.CharField):
    widget = forms.HiddenInput

    def clean(self, value):
        value = super().clean(value)
        return clean_commune_code(value) if value else ""


class TerritoryForm(MaillonForm):
    """The whole draft: its communes, the pending add or remove, and the date of the change."""

    communes = CommuneCodesField(required=False)
    add = OptionalCommuneCodeField(required=False)
    remove = OptionalCommuneCodeField(required=False)
    q = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)  # rendered by hand
    effective_date = date_field(
        "Date d'effet du changement",
        help_text="Les communes ajoutées entrent dans le territoire à cette date, les communes retirées en sortent.",
        error_messages={
            "required": "Date d'effet : indiquez la date du changement de territoire.",
            "invalid": "Date d'effet : saisissez une date valide, au format jj/mm/aaaa.",
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("effective_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        # Only the date is validated on a simple add, remove or search.
        self.fields["effective_date"].required = False

    def clean_effective_date(self):
        return not_in_future(self.cleaned_data.get("effective_date"), "Date d'effet")

    def require_date(self):
        """Saving needs the date; call after is_valid()."""
        if not self.cleaned_data.get("effective_date") and "effective_date" not in self.errors:
            self.add_error("effective_date", self.fields["effective_date"].error_messages["required"])
        return not self.errors


def next_statuses(cpts, *, every_step: bool = True) -> list[CptsStatus]:
    """The later lifecycle steps (steps may be skipped), then dissolution. The status moves
    through the decisions recorded in the product (the letter accepted, the projet de santé
    submitted and validated, the negotiation opened, the ACI recorded): by hand, coordinators
    record only the dissolution (`every_step=False`); the platform admin keeps every step, to
    enter the history of a CPTS that existed before joining Maillon."""
    every = [*LIFECYCLE_ORDER, CptsStatus.DISSOLVED]
    if cpts.is_first_step(CptsStatus.LETTER_OF_INTENT):
        # A new CPTS starts at the lettre d'intention: its date is recorded first.
        targets = every
    else:
        targets = [status for status in every if status in cpts.workflow.targets_from(cpts.status)]
    if not every_step:
        return [status for status in targets if status == CptsStatus.DISSOLVED]
    return targets


class LifecycleStepForm(MaillonForm):
    status = forms.ChoiceField(
        label="Nouvelle étape",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Nouvelle étape : choisissez l'étape à enregistrer.",
            "invalid_choice": "Nouvelle étape : cette étape ne peut pas suivre l'étape actuelle.",
        },
    )
    date = date_field(
        "Date de l'étape", help_text="Par exemple la date de dépôt du projet de santé ou de signature de l'ACI."
    )
    confirm_dissolution = forms.BooleanField(
        label="Je confirme la dissolution : les communes du territoire seront libérées à cette date.",
        required=False,
    )

    def __init__(self, *args, cpts, last_date=None, every_step=True, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.last_date = last_date
        statuses = next_statuses(cpts, every_step=every_step)
        self.fields["status"].choices = [(status.value, status.label) for status in statuses]
        if not every_step:
            self.fields["status"].error_messages["invalid_choice"] = (
                "Nouvelle étape : la coordination n'enregistre ici que la dissolution ; les autres étapes "
                "suivent les décisions enregistrées dans Maillon (projet de santé, ACI)."
            )
            if statuses:
                self.initial.setdefault("status", CptsStatus.DISSOLVED.value)

    def clean_date(self):
        date = not_in_future(self.cleaned_data["date"], "Date de l'étape")
        if self.last_date and date < self.last_date:
            previous = f"{self.last_date:%d/%m/%Y}"
            raise ValidationError(f"Date de l'étape : la date ne peut pas précéder l'étape précédente ({previous}).")
        return date

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == CptsStatus.DISSOLVED and not cleaned.get("confirm_dissolution"):
            self.add_error("confirm_dissolution", "Confirmation : cochez la case pour confirmer la dissolution.")
        return cleaned
