"""Forms of the practice-analysis groups and their sessions (mission 5)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from maillon.members.models import Membership
from maillon.quality.models import CaseConference, ConferenceStatus, IncidentReview

from ..meetings_views.forms import parse_slot
from ..pathways_views.common import professional_adherents
from ..toolkit.forms import MaillonForm, named_field
from .forms_reviews import OwnerChoice, required_text


class MembersChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, membership):
        professional = membership.professional
        return f"{professional} — {professional.get_profession_display()}"


class GroupForm(MaillonForm):
    name = required_text("Nom du groupe", max_length=200, message="donnez un nom au groupe.")
    themes = required_text(
        "Thèmes",
        max_length=300,
        help_text="Séparés par des virgules (par exemple : chutes, iatrogénie, fin de vie).",
        message="indiquez au moins un thème.",
    )
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    facilitator = OwnerChoice(
        label="Animateur ou animatrice",
        queryset=Membership.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Animateur ou animatrice : choisissez un adhérent actif de la liste."},
    )
    members = MembersChoice(
        label="Membres du groupe",
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les adhérents actifs de la CPTS ; l'animateur en fait partie d'office.",
        error_messages={
            "invalid_choice": "Membres du groupe : choisissez parmi les adhérents actifs de la liste.",
            "invalid_pk_value": "Membres du groupe : choisissez parmi les adhérents actifs de la liste.",
        },
    )

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = professional_adherents(cpts)
        self.fields["members"].queryset = professional_adherents(cpts)

    def group_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("name", "themes", "description", "facilitator")}

    def chosen_members(self) -> list:
        """The members ticked, and the facilitator with them."""
        members = list(self.cleaned_data["members"])
        facilitator = self.cleaned_data["facilitator"]
        if facilitator is not None and facilitator not in members:
            members.append(facilitator)
        return members


class MaterialChoice(forms.ModelChoiceField):
    def label_from_instance(self, material):
        if isinstance(material, CaseConference):
            held = f", tenue le {material.held_on:%d/%m/%Y}" if material.held_on else ""
            return f"{material.case_label}{held}"
        return f"Revue n° {material.pk} — {material.title}"


class SessionForm(MaillonForm):
    """A session: its theme, the dates proposed to the group's members (a poll, as a meeting's),
    where it takes place, and its material (a held conference's case or a shared review)."""

    theme = required_text("Thème de la séance", max_length=200, message="dites sur quoi porte la séance.")
    slots = required_text(
        "Dates proposées",
        rows=4,
        help_text="Une par ligne, au format JJ/MM/AAAA HH:MM (par exemple 12/01/2027 18:30). "
        "Les membres du groupe indiquent leurs disponibilités, puis la date est fixée depuis la réunion.",
        message="proposez au moins une date.",
    )
    duration = named_field(
        forms.IntegerField,
        "Durée (minutes)",
        {
            "required": "indiquez la durée en minutes.",
            "min_value": "au moins 15 minutes.",
            "max_value": "au plus 24 heures.",
            "invalid": "saisissez un nombre entier de minutes.",
        },
        min_value=15,
        max_value=24 * 60,
        initial=120,
    )
    visio_url = forms.URLField(
        label="Lien de visioconférence",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Lien de visioconférence : adresse invalide."},
    )
    place = forms.CharField(label="Lieu", max_length=300, required=False)
    conference = MaterialChoice(
        label="Cas étudié (une concertation tenue)",
        queryset=CaseConference.objects.none(),
        required=False,
        help_text="Présenté par son pseudonyme, sans le nom du patient.",
        error_messages={"invalid_choice": "Cas étudié : choisissez une concertation tenue de la liste."},
    )
    review = MaterialChoice(
        label="Revue étudiée (une synthèse partagée)",
        queryset=IncidentReview.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Revue étudiée : choisissez une revue partagée de la liste."},
    )

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = (
            CaseConference.objects.for_cpts(cpts).filter(status=ConferenceStatus.HELD).order_by("-held_on", "-pk")
        )
        self.fields["review"].queryset = IncidentReview.objects.for_cpts(cpts).shared().order_by("-shared_at", "-pk")

    def clean_slots(self):
        lines = [line for line in self.cleaned_data["slots"].splitlines() if line.strip()]
        starts = [parse_slot(line) for line in lines]
        if not starts or None in starts:
            raise ValidationError("Dates proposées : une date par ligne, au format JJ/MM/AAAA HH:MM.")
        return starts

    def clean(self):
        data = super().clean()
        if data.get("conference") and data.get("review"):
            self.add_error("review", "Revue étudiée : choisissez un cas ou une revue, pas les deux.")
        return data

    def session_fields(self) -> dict:
        data = self.cleaned_data
        length = datetime.timedelta(minutes=data["duration"])
        return {
            "theme": data["theme"],
            "slots": [(start, start + length) for start in data["slots"]],
            "visio_url": data["visio_url"],
            "place": data["place"],
            "conference": data["conference"],
            "review": data["review"],
        }
