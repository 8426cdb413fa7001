"""Forms of the peer help (mission 6, point 4): tutoring pairs, cross-trainings (a meeting polled
among the audience's adherents) and shared equipment with its bookings."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.members.models import Membership
from maillon.members.professions import Profession
from maillon.support.models import EquipmentKind, InstallationProject, Placement

from ..meetings_views.forms import parse_slot
from ..toolkit.forms import MaillonForm, checkboxes_field, date_field, datetime_field, named_field, text_field
from .forms_installation import required_text


def professional_adherents(cpts):
    """The active adhesions of professionals of the CPTS: tutors, trainers, borrowers, holders."""
    return (
        Membership.objects.for_cpts(cpts)
        .active()
        .filter(professional__isnull=False)
        .select_related("professional")
        .order_by("professional__last_name", "professional__first_name", "pk")
    )


class AdherentChoice(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        professional = membership.professional
        return f"{professional} — {professional.get_profession_display()}"


def adherent_field(label, *, required=True, **kwargs):
    return AdherentChoice(
        label=label,
        queryset=Membership.objects.none(),
        required=required,
        error_messages={
            "required": f"{label} : choisissez un adhérent de la liste.",
            "invalid_choice": f"{label} : choisissez un adhérent actif de la liste.",
        },
        **kwargs,
    )


class PlacementChoice(forms.ModelChoiceField):
    def label_from_instance(self, placement):
        who = placement.trainee_name or placement.get_status_display().lower()
        return f"Stage du {placement.starts_on:%d/%m/%Y} au {placement.ends_on:%d/%m/%Y} — {who}"


class InstallationChoice(forms.ModelChoiceField):
    def label_from_instance(self, project):
        return f"{project.first_name} {project.last_name} — {project.get_profession_display()}"


# --- Tutoring ------------------------------------------------------------------------------------


class TutoringForm(MaillonForm):
    """A pair: an experienced adherent and a newcomer — an adherent, a trainee of a placement or a
    professional whose installation the CPTS follows, or simply named."""

    tutor = adherent_field("Tuteur ou tutrice")
    tutee_membership = adherent_field(
        "Professionnel accompagné (adhérent)", required=False, help_text="Si le nouvel arrivant adhère déjà."
    )
    tutee_name = text_field(
        "Nom de la personne accompagnée",
        200,
        required=False,
        help_text="Sinon : le nom du stagiaire ou du professionnel qui s'installe.",
    )
    placement = PlacementChoice(
        label="Stage",
        queryset=Placement.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Stage : choisissez un stage de la liste."},
    )
    installation = InstallationChoice(
        label="Projet d'installation",
        queryset=InstallationProject.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Projet d'installation : choisissez un projet de la liste."},
    )
    topic = required_text(
        "Objet du tutorat",
        max_length=300,
        message="dites sur quoi porte le tutorat.",
        help_text="Par exemple : premiers mois d'exercice, cotation des actes.",
    )
    started_on = date_field("Début", initial=timezone.localdate)

    def __init__(self, *args, cpts, placements, installations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = professional_adherents(cpts)
        self.fields["tutee_membership"].queryset = professional_adherents(cpts)
        self.fields["placement"].queryset = placements
        self.fields["installation"].queryset = installations

    def clean(self):
        data = super().clean()
        if not data.get("tutee_membership") and not data.get("tutee_name"):
            data["tutee_name"] = self.tutee_from_link(data)
        if not data.get("tutee_membership") and not data.get("tutee_name") and not self.has_error("tutee_membership"):
            self.add_error(
                "tutee_name",
                "Nom de la personne accompagnée : choisissez un adhérent, un stage pourvu ou un projet "
                "d'installation, ou écrivez son nom.",
            )
        tutor, tutee = data.get("tutor"), data.get("tutee_membership")
        if tutor is not None and tutor == tutee:
            self.add_error(
                "tutee_membership", "Professionnel accompagné (adhérent) : le tuteur ne s'accompagne pas lui-même."
            )
        return data

    @staticmethod
    def tutee_from_link(data) -> str:
        """Without an adherent nor a name: the trainee of the placement, or the professional settling."""
        placement, installation = data.get("placement"), data.get("installation")
        if placement is not None and placement.trainee_name:
            return placement.trainee_name
        if installation is not None:
            return installation.name
        return ""

    def tutoring_fields(self) -> dict:
        names = ("tutor", "tutee_membership", "tutee_name", "placement", "installation", "topic", "started_on")
        return {name: self.cleaned_data[name] for name in names}


class EndForm(MaillonForm):
    ended_on = date_field("Terminé le", required=False, help_text="Aujourd'hui si vide.")


# --- Cross-trainings -----------------------------------------------------------------------------


class CrossTrainingForm(MaillonForm):
    """A training given by an adherent to other professions: a meeting polled among the adherents
    of the professions of its audience."""

    title = required_text("Intitulé", max_length=200, message="indiquez l'intitulé de la formation.")
    description = forms.CharField(label="Contenu", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    trainer = adherent_field("Formateur ou formatrice")
    audience = checkboxes_field(
        "Professions invitées",
        Profession.choices,
        error_messages={"invalid_choice": "Professions invitées : choisissez parmi les professions proposées."},
        help_text="Les adhérents actifs de ces professions reçoivent le sondage de dates.",
    )
    slots = required_text(
        "Dates proposées",
        max_length=2000,
        rows=4,
        message="proposez au moins une date.",
        help_text="Une par ligne, au format JJ/MM/AAAA HH:MM (par exemple 12/01/2027 18:30).",
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
    place = text_field("Lieu", 300, required=False)
    visio_url = forms.URLField(
        label="Lien de visioconférence",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Lien de visioconférence : adresse invalide."},
    )

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = professional_adherents(cpts)

    def clean_audience(self):
        audience = self.cleaned_data["audience"]
        if not audience:
            raise ValidationError("Professions invitées : choisissez au moins une profession.")
        return audience

    def clean_slots(self):
        lines = [line for line in self.cleaned_data["slots"].splitlines() if line.strip()]
        starts = [parse_slot(line) for line in lines]
        if not starts or None in starts:
            raise ValidationError("Dates proposées : une date par ligne, au format JJ/MM/AAAA HH:MM.")
        return starts

    def training_fields(self) -> dict:
        data = self.cleaned_data
        length = datetime.timedelta(minutes=data["duration"])
        return {
            "title": data["title"],
            "description": data["description"],
            "trainer": data["trainer"],
            "audience": data["audience"],
            "slots": [(start, start + length) for start in data["slots"]],
            "place": data["place"],
            "visio_url": data["visio_url"],
        }


# --- Shared equipment ----------------------------------------------------------------------------


class EquipmentForm(MaillonForm):
    name = required_text("Nom", max_length=200, message="nommez le matériel (par exemple : ECG portable).")
    kind = forms.ChoiceField(
        label="Type",
        choices=EquipmentKind.choices,
        error_messages={
            "required": "Type : choisissez le type de matériel.",
            "invalid_choice": "Type : choisissez un des types proposés.",
        },
    )
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    location = text_field(
        "Où le trouver", 300, required=False, help_text="Le cabinet ou la maison de santé qui le garde."
    )
    holder = adherent_field("Détenteur", required=False, help_text="L'adhérent qui le garde et le remet.")

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = professional_adherents(cpts)

    def equipment_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("name", "kind", "description", "location", "holder")}


class BookingForm(MaillonForm):
    """A booking of the equipment: from, until, what for; the coordination books for an adherent."""

    membership = adherent_field("Pour l'adhérent")
    starts_at = datetime_field("Du")
    ends_at = datetime_field("Au")
    purpose = text_field("Pour quoi faire", 300, required=False, help_text="Facultatif, sans nom de patient.")

    def __init__(self, *args, cpts, for_adherent: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if for_adherent:
            self.fields["membership"].queryset = professional_adherents(cpts)
        else:
            del self.fields["membership"]

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "Au : la fin doit venir après le début.")
        return data

    def booking_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("starts_at", "ends_at", "purpose")}
