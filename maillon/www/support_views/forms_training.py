"""Forms of the training pages of mission 6: supervisors, placements and their applications,
housing and its bookings, and the public application form (« Faire son stage ici »)."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from maillon.members.models import Membership
from maillon.support.models import Placement, PlacementStatus, Supervisor, TraineeLevel

from ..pathways_views.common import professional_adherents
from ..public_views.public_request import RobotTrap
from ..toolkit.communes import CommunePickForm
from ..toolkit.dates import day_label
from ..toolkit.forms import (
    MaillonForm,
    PhoneField,
    amount_field,
    checkboxes_field,
    date_field,
    named_field,
    text_field,
)

LEVEL_CHOICE = "Niveau : choisissez un des niveaux proposés."


def required_text(label, max_length, message, **kwargs):
    """A required text of `max_length` characters; its errors name the field."""
    errors = {"required": message, "max_length": f"{max_length} caractères au plus."}
    return named_field(forms.CharField, label, errors, max_length=max_length, **kwargs)


def optional_text(label, max_length, **kwargs):
    return text_field(label, max_length, required=False, **kwargs)


def note_field(label="Motif"):
    return optional_text(label, 300, help_text="Facultatif.")


def period_label(starts_on, ends_on) -> str:
    """« du 2 novembre 2026 au 30 avril 2027 »."""
    return f"du {day_label(starts_on)} au {day_label(ends_on)}"


def check_period(form, start: str, end: str, end_label: str):
    """For a form's clean(): the end is not before the start (the error on the end field)."""
    starts_on, ends_on = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if starts_on and ends_on and ends_on < starts_on:
        form.add_error(end, f"{end_label} : la date doit suivre celle du début.")


# --- Supervisors ---------------------------------------------------------------------------------


class AdherentChoice(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        professional = membership.professional
        return f"{professional} — {professional.get_profession_display()}"


class SupervisorForm(MaillonForm):
    """A training supervisor (« maître de stage ») among the CPTS's professional adherents: the
    levels they host, their places per semester and their accreditation. The adherent is chosen
    once; an edit changes the rest."""

    membership = AdherentChoice(
        label="Professionnel adhérent",
        queryset=None,
        error_messages={
            "required": "Professionnel adhérent : choisissez le maître de stage parmi les adhérents.",
            "invalid_choice": "Professionnel adhérent : choisissez un adhérent actif de la liste.",
        },
    )
    levels = checkboxes_field(
        "Niveaux accueillis",
        TraineeLevel.choices,
        help_text="Au moins un.",
        error_messages={"invalid_choice": "Niveaux accueillis : choisissez parmi les niveaux proposés."},
    )
    capacity = named_field(
        forms.IntegerField,
        "Places par semestre",
        {
            "required": "indiquez le nombre de stagiaires accueillis en même temps.",
            "min_value": "au moins 1.",
            "max_value": "au plus 6.",
            "invalid": "saisissez un nombre entier.",
        },
        min_value=1,
        max_value=6,
        initial=1,
        help_text="Stagiaires accueillis en même temps, de 1 à 6.",
    )
    accreditation_number = optional_text("Numéro d'agrément", 50)
    accredited_by = optional_text(
        "Agréé par", 200, help_text="Par exemple : faculté de médecine, ARS, institut de formation."
    )
    accredited_until = date_field("Agrément valable jusqu'au", required=False)
    active = forms.BooleanField(
        label="Accueille des stagiaires", required=False, initial=True, help_text="Décochez pour une pause."
    )

    FIELDS = ("levels", "capacity", "accreditation_number", "accredited_by", "accredited_until", "active")

    def __init__(self, *args, cpts, supervisor=None, **kwargs):
        if supervisor is not None:
            kwargs.setdefault("initial", {}).update(
                {"membership": supervisor.membership_id, **{name: getattr(supervisor, name) for name in self.FIELDS}}
            )
        super().__init__(*args, **kwargs)
        adherents = professional_adherents(cpts)
        if supervisor is None:
            adherents = adherents.exclude(pk__in=Supervisor.objects.for_cpts(cpts).values("membership"))
        else:
            adherents = Membership.objects.filter(pk=supervisor.membership_id).select_related("professional")
            self.fields["membership"].disabled = True
        self.fields["membership"].queryset = adherents

    def clean_levels(self):
        levels = self.cleaned_data["levels"]
        if not levels:
            raise ValidationError("Niveaux accueillis : cochez au moins un niveau.")
        return levels

    def supervisor_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


# --- Placements and applications ----------------------------------------------------------------


class SupervisorChoice(forms.ModelChoiceField):
    def label_from_instance(self, supervisor):
        return f"{supervisor.name} — {supervisor.profession_label}"


class PlacementForm(MaillonForm):
    supervisor = SupervisorChoice(
        label="Maître de stage",
        queryset=None,
        error_messages={
            "required": "Maître de stage : choisissez qui accueille le stagiaire.",
            "invalid_choice": "Maître de stage : choisissez un maître de stage actif de la liste.",
        },
    )
    level = forms.ChoiceField(
        label="Niveau",
        choices=TraineeLevel.choices,
        error_messages={"required": "Niveau : choisissez le niveau du stage.", "invalid_choice": LEVEL_CHOICE},
    )
    starts_on = date_field("Début du stage")
    ends_on = date_field("Fin du stage")
    description = forms.CharField(
        label="Présentation",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Publiée sur la page « Faire son stage ici » : le lieu, l'activité, ce que le stage apporte.",
    )

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = (
            Supervisor.objects.for_cpts(cpts)
            .available()
            .select_related("membership__professional")
            .order_by("membership__professional__last_name", "membership__professional__first_name", "pk")
        )

    def clean(self):
        cleaned = super().clean()
        check_period(self, "starts_on", "ends_on", "Fin du stage")
        return cleaned


class FillForm(MaillonForm):
    """The trainee of a placement, when they come through the faculty rather than an application."""

    trainee_name = required_text("Nom du stagiaire", 200, "indiquez le prénom et le nom du stagiaire.")
    trainee_school = optional_text("Faculté ou école", 200)
    trainee_email = forms.EmailField(label="Courriel du stagiaire", required=False, max_length=254)


class NoteForm(MaillonForm):
    note = note_field()


def placement_choice_label(placement) -> str:
    """« Interne chez Claire Martin, du 2 novembre 2026 au 30 avril 2027 »."""
    period = period_label(placement.starts_on, placement.ends_on)
    return f"{placement.get_level_display()} chez {placement.supervisor.name}, {period}"


def public_placement_label(placement) -> str:
    """« Interne — Médecin à Buc, du 2 novembre 2026 au 30 avril 2027 »: without the supervisor's name
    (`commune_name` and `profession` as `internships_public.placement_rows` sets them)."""
    where = f" à {placement.commune_name}" if getattr(placement, "commune_name", "") else ""
    who = getattr(placement, "profession", "") or placement.supervisor.profession_label
    return f"{placement.get_level_display()} — {who}{where}, {period_label(placement.starts_on, placement.ends_on)}"


class PlacementChoice(forms.ModelChoiceField):
    def label_from_instance(self, placement):
        return placement_choice_label(placement)


def open_placements(cpts):
    return (
        Placement.objects.for_cpts(cpts)
        .open_to_applications()
        .select_related("supervisor__membership__professional")
        .order_by("starts_on", "pk")
    )


class AcceptForm(MaillonForm):
    """Accepting a spontaneous application: the open placement it fills."""

    placement = PlacementChoice(
        label="Stage pourvu",
        queryset=None,
        error_messages={
            "required": "Stage pourvu : choisissez le stage que cette candidature pourvoit.",
            "invalid_choice": "Stage pourvu : choisissez un stage ouvert de la liste.",
        },
    )

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = open_placements(cpts)


# --- Housing -------------------------------------------------------------------------------------


class HousingForm(CommunePickForm):
    field_order = [
        "name",
        "commune_query",
        "commune",
        "address",
        "rooms",
        "monthly_rent",
        "description",
        "host",
        "contact",
        "active",
    ]

    name = required_text("Nom du logement", 200, "donnez un nom au logement (par exemple « Studio de la mairie »).")
    address = optional_text("Adresse", 300, help_text="Montrée aux seuls membres de la CPTS.")
    rooms = named_field(
        forms.IntegerField,
        "Chambres",
        {
            "required": "indiquez le nombre de chambres.",
            "min_value": "au moins 1.",
            "max_value": "au plus 20.",
            "invalid": "saisissez un nombre entier.",
        },
        min_value=1,
        max_value=20,
        initial=1,
        help_text="Autant de stagiaires peuvent y dormir la même nuit.",
    )
    monthly_rent = amount_field("Loyer mensuel (euros)", required=False, min_value=0, help_text="Vide : gratuit.")
    description = forms.CharField(
        label="Description", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    host = optional_text("Mis à disposition par", 200, help_text="Une commune, un hôpital, un particulier…")
    contact = optional_text("Contact pour les clés", 200, help_text="Montré aux seuls membres de la CPTS.")
    active = forms.BooleanField(label="Proposé aux stagiaires", required=False, initial=True)

    FIELDS = ("name", "address", "rooms", "monthly_rent", "description", "host", "contact", "active")

    def __init__(self, *args, housing=None, **kwargs):
        if housing is not None:
            kwargs.setdefault("initial", {}).update({name: getattr(housing, name) for name in self.FIELDS})
            kwargs["initial_commune"] = housing.commune
        super().__init__(*args, **kwargs)

    def housing_fields(self) -> dict:
        return {**{name: self.cleaned_data[name] for name in self.FIELDS}, "commune": self.cleaned_data["commune_obj"]}


class BookedPlacementChoice(PlacementChoice):
    def label_from_instance(self, placement):
        who = f" — {placement.trainee_name}" if placement.trainee_name else ""
        return f"{super().label_from_instance(placement)}{who}"


class HousingBookingForm(MaillonForm):
    arrives_on = date_field("Arrivée")
    leaves_on = date_field("Départ", help_text="Le jour où la chambre se libère : la dernière nuit est la veille.")
    occupant_name = required_text("Occupant", 200, "indiquez qui dort dans le logement.")
    placement = BookedPlacementChoice(
        label="Stage",
        queryset=None,
        required=False,
        help_text="Facultatif : le stage pour lequel le stagiaire est logé.",
        error_messages={"invalid_choice": "Stage : choisissez un stage de la liste."},
    )
    note = optional_text("Note", 300)

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = (
            Placement.objects.for_cpts(cpts)
            .exclude(status=PlacementStatus.CANCELLED)
            .select_related("supervisor__membership__professional")
            .order_by("-starts_on", "pk")
        )

    def clean(self):
        cleaned = super().clean()
        arrives_on, leaves_on = cleaned.get("arrives_on"), cleaned.get("leaves_on")
        if arrives_on and leaves_on and leaves_on <= arrives_on:
            self.add_error("leaves_on", "Départ : la date doit suivre celle de l'arrivée (une nuit au moins).")
        return cleaned


# --- The public application ----------------------------------------------------------------------

SPONTANEOUS = "spontanee"


class ApplicationForm(MaillonForm, RobotTrap):
    """An application without an account: to an open placement, or spontaneous."""

    field_order = [
        "placement",
        "last_name",
        "first_name",
        "email",
        "phone",
        "school",
        "level",
        "wished_period",
        "message",
        "consent",
        "website",
    ]

    placement = forms.ChoiceField(
        label="Stage demandé",
        error_messages={
            "required": "Stage demandé : choisissez un stage, ou « Candidature spontanée ».",
            "invalid_choice": "Stage demandé : ce stage n'est plus ouvert, choisissez-en un de la liste.",
        },
    )
    last_name = required_text("Nom", 100, "indiquez votre nom.")
    first_name = required_text("Prénom", 100, "indiquez votre prénom.")
    email = forms.EmailField(
        label="Courriel",
        max_length=254,
        help_text="La coordination vous répond à cette adresse.",
        error_messages={"required": "Courriel : indiquez l'adresse où vous répondre."},
    )
    phone = PhoneField()
    school = required_text("Faculté ou école", 200, "indiquez votre faculté ou votre école.")
    level = forms.ChoiceField(
        label="Niveau",
        choices=TraineeLevel.choices,
        error_messages={"required": "Niveau : choisissez votre niveau d'études.", "invalid_choice": LEVEL_CHOICE},
    )
    wished_period = optional_text(
        "Période souhaitée", 200, help_text="Pour une candidature spontanée : par exemple « semestre de mai 2027 »."
    )
    message = forms.CharField(
        label="Message",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "Message : 3000 caractères au plus."},
    )
    consent = forms.BooleanField(
        label="J'accepte que la CPTS conserve ces informations pour étudier ma candidature.",
        error_messages={
            "required": "Consentement : cochez la case pour accepter le traitement de vos données ; "
            "sans elle, la candidature ne peut pas être enregistrée."
        },
    )

    def __init__(self, *args, cpts, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.placements = {str(placement.pk): placement for placement in placements}
        choices = [(key, public_placement_label(p)) for key, p in self.placements.items()]
        self.fields["placement"].choices = [("", "— Choisir —"), *choices, (SPONTANEOUS, "Candidature spontanée")]
        consent = self.fields["consent"]
        consent.label = consent.label.replace("la CPTS", f"la {cpts.name}")
        consent.help_text = format_html(
            'Seules la coordination de la CPTS et le maître de stage la lisent. Vos droits : <a href="{}" '
            'target="_blank" rel="noopener" title="Données personnelles — nouvelle fenêtre">Données personnelles</a>.',
            reverse("privacy"),
        )
        # DsfrBaseForm's __init__ already built the bound field, with the class's label.
        self._bound_fields_cache.pop("consent", None)

    def application_fields(self) -> dict:
        data = self.cleaned_data
        names = ("first_name", "last_name", "email", "phone", "school", "level", "wished_period", "message")
        return {"placement": self.placements.get(data["placement"]), **{name: data[name] for name in names}}
