"""The public registration form of a prevention session: who registers, how to reach them,
two optional answers for the mission's counts (age band, sex), and the consent to keep these
data until the purge."""

from django import forms
from django.conf import settings

from maillon.prevention.models import AgeBand, Sex

from ..public_views.public_request import RobotTrap
from ..toolkit.forms import MaillonForm, PhoneField, choice_field, named_field


def consent_text(cpts) -> str:
    days = settings.MAILLON_PREVENTION_REGISTRANT_RETENTION_DAYS
    return (
        f"J'accepte que la {cpts.name} conserve ces informations pour gérer mon inscription "
        "(confirmation, rappel la veille, liste d'attente). Seuls la coordination de la CPTS et "
        "le responsable de l'action les voient. Mes nom, prénom, courriel et téléphone sont effacés "
        f"{days} jours après la séance ; la tranche d'âge et le sexe restent, sans mon nom, pour les "
        "statistiques de la CPTS."
    )


class RegistrationForm(MaillonForm, RobotTrap):
    field_order = ["first_name", "last_name", "email", "phone", "age_band", "sex", "consent", "website"]

    first_name = named_field(forms.CharField, "Prénom", {"max_length": "100 caractères au plus."}, max_length=100)
    last_name = named_field(forms.CharField, "Nom", {"max_length": "100 caractères au plus."}, max_length=100)
    email = forms.EmailField(
        label="Courriel",
        max_length=254,
        help_text="Pour recevoir la confirmation, le rappel la veille et le lien pour annuler.",
    )
    phone = PhoneField(help_text="Facultatif : pour vous prévenir d'un changement de dernière minute.")
    age_band = choice_field(
        "Tranche d'âge",
        AgeBand.choices,
        invalid_choice="Tranche d'âge : choisissez une des tranches proposées.",
        initial=AgeBand.UNKNOWN,
        help_text="Facultatif : sert seulement à compter qui vient, sans votre nom.",
    )
    sex = choice_field(
        "Sexe",
        Sex.choices,
        invalid_choice="Sexe : choisissez une des réponses proposées.",
        initial=Sex.UNKNOWN,
        help_text="Facultatif : sert seulement à compter qui vient, sans votre nom.",
    )
    consent = forms.BooleanField(
        label="Consentement",
        error_messages={"required": "Consentement : cochez la case ; sans elle, l'inscription ne peut pas être faite."},
    )

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_text(cpts)
        # DsfrBaseForm's __init__ already built the bound fields, with the class's labels.
        self._bound_fields_cache.clear()

    def clean_age_band(self):
        return self.cleaned_data.get("age_band") or AgeBand.UNKNOWN

    def clean_sex(self):
        return self.cleaned_data.get("sex") or Sex.UNKNOWN

    def registrant(self) -> dict:
        """The keyword arguments of `services.register`."""
        data = self.cleaned_data
        return {name: data[name] for name in ("first_name", "last_name", "email", "phone", "age_band", "sex")}
