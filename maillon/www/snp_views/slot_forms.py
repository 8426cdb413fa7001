"""Forms of the SNP slot pages: one slot, a weekly series, its exceptions, an .ics import,
an agenda's settings and the professions open to SNP. Every error names its field."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError

from maillon.members.professions import Profession
from maillon.snp.models import Audience
from maillon.snp.slots import MAX_ICS_BYTES, WEEKDAY_NAMES

from ..toolkit.forms import DATE_FORMATS, MaillonForm, checkboxes_field, date_field, named_field

SAS_HELP = (
    "Votre choix : un créneau partagé est visible par la régulation du SAS (plateforme nationale). "
    "Rien n'est partagé sans votre accord."
)


def time_field(label, **kwargs):
    widget = forms.TimeInput(format="%H:%M", attrs={"type": "time"})
    errors = {"invalid": "saisissez une heure, par exemple 17:00."}
    return named_field(
        forms.TimeField, label, errors, widget=widget, input_formats=["%H:%M", "%Hh%M", "%H:%M:%S"], **kwargs
    )


def audience_field():
    return forms.ChoiceField(
        label="Pour qui",
        choices=Audience.choices,
        initial=Audience.PUBLIC,
        widget=forms.RadioSelect,
        help_text="Tout public ; régulation SAS seulement ; professionnels de santé ; membres de la CPTS seulement.",
    )


def sas_field():
    return forms.BooleanField(label="Partager avec le SAS", required=False, help_text=SAS_HELP)


def parse_dates(text: str, label: str) -> list[datetime.date]:
    """Dates written jj/mm/aaaa (or aaaa-mm-jj), separated by commas, spaces or lines."""
    dates = []
    for word in (part for part in re.split(r"[\s,;]+", text or "") if part):
        for pattern in DATE_FORMATS:
            try:
                dates.append(datetime.datetime.strptime(word, pattern).date())
                break
            except ValueError:
                continue
        else:
            raise ValidationError(f"{label} : « {word[:12]} » n'est pas une date au format jj/mm/aaaa.")
    return sorted(set(dates))


class PlaceForm(MaillonForm):
    """A form with the member's practice place (their agenda there)."""

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {str(place.pk): place for place in places}
        self.add_field(
            "practice_place",
            forms.ChoiceField(label="Lieu d'exercice", choices=[(pk, str(place)) for pk, place in self.places.items()]),
        )
        self.order_fields(["practice_place"])
        if len(self.places) == 1:
            self.initial.setdefault("practice_place", next(iter(self.places)))

    def clean_practice_place(self):
        return self.places[self.cleaned_data["practice_place"]]


class SlotForm(PlaceForm):
    date = date_field("Date")
    start_time = time_field("Heure de début")
    duration_minutes = forms.IntegerField(label="Durée (minutes)", min_value=5, max_value=720, initial=20)
    audience = audience_field()
    shared_with_sas = sas_field()


class SeriesForm(PlaceForm):
    weekdays = forms.TypedMultipleChoiceField(
        label="Jours",
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    start_time = time_field("Heure du premier créneau")
    duration_minutes = forms.IntegerField(label="Durée d'un créneau (minutes)", min_value=5, max_value=720, initial=20)
    count_per_day = forms.IntegerField(label="Créneaux à la suite chaque jour", min_value=1, max_value=48, initial=1)
    first_date = date_field("Du")
    last_date = date_field("Au", help_text="12 mois au plus après aujourd'hui.")
    exceptions = forms.CharField(
        label="Sauf les",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Dates sans créneau (congés, jours fériés), au format jj/mm/aaaa, séparées par des virgules.",
    )
    audience = audience_field()
    shared_with_sas = sas_field()

    def clean_exceptions(self):
        return parse_dates(self.cleaned_data.get("exceptions", ""), "Sauf les")


class ExceptionsForm(MaillonForm):
    exceptions = forms.CharField(
        label="Sauf les",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Dates sans créneau, au format jj/mm/aaaa, séparées par des virgules. Une date ajoutée annule "
        "les créneaux libres de ce jour ; une date retirée les remet.",
    )

    def clean_exceptions(self):
        return parse_dates(self.cleaned_data.get("exceptions", ""), "Sauf les")


class IcsImportForm(PlaceForm):
    file = forms.FileField(
        label="Fichier iCalendar (.ics)",
        help_text=f"Exporté de votre agenda ; {MAX_ICS_BYTES // 1024} Ko au plus. Chaque événement devient un "
        "créneau ; les répétitions (RRULE) et leurs exceptions (EXDATE) sont prises en compte sur 12 mois.",
    )
    audience = audience_field()
    shared_with_sas = sas_field()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ICS_BYTES:
            raise ValidationError(f"Fichier : {upload.size // 1024} Ko, au plus {MAX_ICS_BYTES // 1024} Ko.")
        return upload


class AgendaSharingForm(MaillonForm):
    shares_with_sas = forms.BooleanField(
        label="Partager par défaut mes nouveaux créneaux avec le SAS", required=False, help_text=SAS_HELP
    )
    apply_to_free_slots = forms.BooleanField(
        label="Appliquer aussi ce choix à mes créneaux libres à venir de cet agenda", required=False
    )


class SnpSetupForm(MaillonForm):
    professions = checkboxes_field(
        "Professions ouvertes aux soins non programmés",
        Profession.choices,
        help_text="Leurs membres adhérents publient des créneaux. Les médecins le sont toujours.",
    )
