"""Forms of the public pages: the commune search, the CPTS filters, the region picked."""

from maillon.core.models import CptsStatus
from maillon.territories.models import Departement

from ..toolkit.forms import MaillonForm, choice_field, text_field

ALL_STATUSES = "all"


class CommuneSearchForm(MaillonForm):
    q = text_field(
        "Nom de la commune ou code postal",
        100,
        required=False,
        error_messages={"max_length": "Le nom de la commune ou le code postal compte au plus 100 caractères."},
    )


class CptsFilterForm(MaillonForm):
    """Filters of the CPTS list; the default shows every CPTS but dissolved ones."""

    status = choice_field(
        "Étape",
        [
            ("", "Toutes sauf les CPTS dissoutes"),
            (ALL_STATUSES, "Toutes, y compris dissoutes"),
            *list(CptsStatus.choices),
        ],
        invalid_choice="Étape : choisissez une des étapes proposées.",
    )
    departement = choice_field("Département", invalid_choice="Département : choisissez un des départements proposés.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [("", "Tous les départements")] + [
            (code, f"{code} — {name}") for code, name in Departement.objects.values_list("code", "name")
        ]

    def statuses(self):
        """None for the default (active CPTS), else the list of statuses to show."""
        status = self.cleaned_data.get("status") if self.is_valid() else ""
        if status == ALL_STATUSES:
            return list(CptsStatus.values)
        return [status] if status else None

    def departement_code(self):
        return (self.cleaned_data.get("departement") if self.is_valid() else "") or None


class RegionChoiceForm(MaillonForm):
    region = choice_field("Région", invalid_choice="Région : choisissez une des régions proposées.")

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Choisir une région"), *list(regions)]
