"""Forms of the meetings pages."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.meetings.models import compact_iban, validate_iban, validate_quarter_hours
from maillon.members.models import College, Involvement
from maillon.members.professions import Profession

from ..toolkit.forms import MaillonForm, amount_field, checkboxes_field, date_field, mission_field, missions_field

SLOT_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]


def parse_slot(line: str):
    for fmt in SLOT_FORMATS:
        try:
            return timezone.make_aware(datetime.datetime.strptime(line.strip(), fmt))
        except ValueError:
            continue
    return None


class MeetingDetailsForm(MaillonForm):
    """What the coordinator may change while the meeting is a poll or scheduled."""

    title = forms.CharField(
        label="Intitulé", max_length=200, error_messages={"required": "Intitulé : indiquez l'intitulé de la réunion."}
    )
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    place = forms.CharField(label="Lieu", max_length=300, required=False)
    visio_url = forms.URLField(
        label="Lien de visioconférence",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Lien de visioconférence : adresse invalide."},
    )
    mission = mission_field(empty_label="Aucune mission en particulier")

    def meeting_fields(self):
        return {name: self.cleaned_data[name] for name in ("title", "description", "place", "visio_url", "mission")}


class SelectionForm(MaillonForm):
    """Who to invite: collèges, professions, missions, involvement levels (none: all)."""

    colleges = forms.ModelMultipleChoiceField(
        label="Collèges invités (aucun : tous)",
        queryset=College.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    professions = checkboxes_field("Professions invitées (aucune : toutes)", Profession.choices)
    missions = missions_field("Participants aux missions (aucune : tous)", name="Missions")
    involvements = checkboxes_field("Niveaux d'implication invités (aucun : tous)", Involvement.choices)

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleges"].queryset = College.objects.for_cpts(cpts)

    def criteria(self):
        return {
            "colleges": [college.pk for college in self.cleaned_data["colleges"]],
            "professions": self.cleaned_data["professions"],
            "missions": self.cleaned_data["missions"],
            "involvements": self.cleaned_data["involvements"],
        }


class MeetingForm(MeetingDetailsForm, SelectionForm):
    slots = forms.CharField(
        label="Dates proposées",
        help_text="Une par ligne, au format JJ/MM/AAAA HH:MM (par exemple 12/01/2027 18:30).",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Dates proposées : proposez au moins une date."},
    )
    duration = forms.IntegerField(
        label="Durée (minutes)",
        min_value=15,
        max_value=24 * 60,
        initial=120,
        error_messages={
            "required": "Durée : indiquez la durée en minutes.",
            "min_value": "Durée : au moins 15 minutes.",
            "max_value": "Durée : au plus 24 heures.",
        },
    )

    def clean_slots(self):
        lines = [line for line in self.cleaned_data["slots"].splitlines() if line.strip()]
        starts = [parse_slot(line) for line in lines]
        if not starts or None in starts:
            raise ValidationError("Dates proposées : une date par ligne, au format JJ/MM/AAAA HH:MM.")
        return starts

    def slot_pairs(self):
        length = datetime.timedelta(minutes=self.cleaned_data["duration"])
        return [(start, start + length) for start in self.cleaned_data["slots"]]


class RejectForm(MaillonForm):
    reason = forms.CharField(
        label="Motif du refus",
        max_length=300,
        error_messages={
            "required": "Motif : indiquez pourquoi ce temps est refusé.",
            "max_length": "Motif : 300 caractères au plus.",
        },
    )


class TimeForm(MaillonForm):
    date = date_field("Date")
    hours = forms.DecimalField(
        label="Heures",
        max_digits=5,
        decimal_places=2,
        help_text="Par quarts d'heure : 0,25 ; 0,5 ; 1,75…",
        localize=True,
        error_messages={"required": "Heures : indiquez la durée.", "invalid": "Heures : un nombre, par exemple 1,5."},
        validators=[validate_quarter_hours],
    )
    mission = mission_field(empty_label="Aucune mission en particulier")
    note = forms.CharField(label="Ce qui a été fait", max_length=300, required=False)


class RateForm(MaillonForm):
    year = forms.IntegerField(
        label="Année",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Année : indiquez l'année.",
            "min_value": "Année invalide.",
            "max_value": "Année invalide.",
        },
    )
    amount = amount_field("Taux horaire (€)", min_value=Decimal(0), max_digits=7)


class BankDetailsForm(MaillonForm):
    iban = forms.CharField(
        label="IBAN", max_length=50, error_messages={"required": "IBAN : indiquez le numéro de votre compte."}
    )
    holder_name = forms.CharField(
        label="Titulaire du compte",
        max_length=200,
        error_messages={"required": "Titulaire du compte : indiquez le nom du titulaire."},
    )

    def clean_iban(self):
        value = compact_iban(self.cleaned_data["iban"])
        validate_iban(value)
        return value
