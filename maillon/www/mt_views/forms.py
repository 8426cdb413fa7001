"""Forms of the médecin traitant desk: the registration (public or on someone's behalf),
the priority weights and a doctor's offer. Every error names its field."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from maillon.mt.models import Criterion, OfferStatus, Trait, Weekday, compact_nir, validate_nir
from maillon.territories.models import Commune

from ..public_views.public_request import RobotTrap
from ..toolkit.communes import CommunePickForm
from ..toolkit.forms import MaillonForm, PatientIdentityForm, PhoneField, checkboxes_field, text_field

# What the patient declares, in plain words: the public form speaks to the patient,
# the coordinator's and the partners' form about them.
CRITERIA_FOR_SELF = [
    ("ald", "J'ai une affection de longue durée (ALD) reconnue par l'Assurance Maladie"),
    ("c2s", "Je bénéficie de la complémentaire santé solidaire (C2S)"),
    ("pregnancy", "Je suis enceinte"),
    ("disability", "Je suis en situation de handicap"),
    ("mt_retired", "Mon médecin traitant est parti (retraite, déménagement) et je n'en ai pas retrouvé"),
]
CRITERIA_FOR_OTHER = [
    ("ald", "Affection de longue durée (ALD) reconnue par l'Assurance Maladie"),
    ("c2s", "Bénéficiaire de la complémentaire santé solidaire (C2S)"),
    ("pregnancy", "Grossesse en cours"),
    ("disability", "Situation de handicap"),
    ("mt_retired", "Sans médecin traitant depuis le départ de son médecin (retraite, déménagement)"),
]
CRITERIA_FIELDS = [name for name, _ in CRITERIA_FOR_SELF]


def consent_text(cpts, *, for_self: bool) -> str:
    days = settings.MAILLON_MT_RETENTION_DAYS
    who = "J'accepte" if for_self else "Le patient accepte, et me l'a dit,"
    return (
        f"{who} que la {cpts.name} conserve ces informations (identité, date de naissance, commune, "
        "coordonnées, NIR s'il est donné, situations déclarées) pour lui trouver un médecin traitant. "
        "Seuls la coordination de la CPTS, le professionnel qui a fait l'inscription et le médecin à qui "
        "elle est proposée les voient. Elles sont supprimées "
        f"{days} jours après la clôture de la demande (médecin traitant déclaré ou désinscription)."
    )


class PatientForm(PatientIdentityForm, CommunePickForm, RobotTrap):
    """A registration: identity, commune, contact, NIR (optional), criteria and consent."""

    field_order = [
        "last_name",
        "first_name",
        "birth_date",
        "commune_query",
        "commune",
        "email",
        "phone",
        "nir",
        "criteria",
        "consent",
        "website",
    ]

    email = forms.EmailField(
        label="Courriel", required=False, help_text="Pour recevoir l'accusé de réception et le lien de suivi."
    )
    phone = PhoneField(max_length=30)
    nir = text_field(
        "Numéro de sécurité sociale (NIR)",
        30,
        required=False,
        help_text="Facultatif : les 15 chiffres de la carte Vitale.",
    )
    criteria = checkboxes_field(
        "Situations à prendre en compte",
        CRITERIA_FOR_SELF,
        help_text="Facultatif : elles rendent la demande prioritaire.",
    )
    consent = forms.BooleanField(
        label="Consentement",
        error_messages={
            "required": "Consentement : cochez la case ; sans elle, la demande ne peut pas être enregistrée."
        },
    )

    def __init__(self, *args, cpts, for_self=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.cpts = cpts
        self.for_self = for_self
        self.fields["consent"].label = consent_text(cpts, for_self=for_self)
        if not for_self:
            del self.fields["website"]
            self.fields["criteria"].choices = CRITERIA_FOR_OTHER
            self.fields["email"].help_text = "Le patient y reçoit l'accusé de réception et son lien de suivi."
        # DsfrBaseForm's __init__ already built the bound fields, with the class's labels.
        self._bound_fields_cache.clear()

    def clean_nir(self):
        nir = compact_nir(self.cleaned_data.get("nir", "").replace(".", ""))
        if nir:
            validate_nir(nir)
        return nir

    def clean(self):
        cleaned = super().clean()
        reachable = cleaned.get("email") or cleaned.get("phone") or self.has_error("email") or self.has_error("phone")
        if not reachable:
            self.add_error("email", "Courriel : indiquez un courriel ou un téléphone pour être recontacté.")
        return cleaned

    def patient_data(self) -> dict:
        cleaned = self.cleaned_data
        data = {name: cleaned[name] for name in ("first_name", "last_name", "birth_date", "email", "phone", "nir")}
        data["commune"] = cleaned["commune_obj"]
        for name in CRITERIA_FIELDS:
            data[name] = name in cleaned.get("criteria", [])
        return data


class WeightsForm(MaillonForm):
    """The points of each priority criterion."""

    def __init__(self, *args, weights: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in Criterion:
            self.add_field(
                criterion.value,
                forms.IntegerField(
                    label=criterion.label, min_value=0, max_value=1000, initial=weights.get(criterion.value, 0)
                ),
            )


class OfferForm(MaillonForm):
    """A doctor's offer: places per month, where from, which patients not, and its state."""

    places_per_month = forms.IntegerField(label="Nouveaux patients par mois", min_value=1, max_value=200)
    communes = forms.CharField(
        label="Communes desservies",
        required=False,
        max_length=2000,
        help_text="Codes INSEE séparés par des virgules ou des espaces, par exemple : 78646, 78498. "
        "Laissez vide pour prendre le rayon ou tout le territoire.",
    )
    radius_km = forms.IntegerField(
        label="Rayon autour de votre lieu d'exercice (km)", required=False, min_value=1, max_value=200
    )
    refuses = checkboxes_field("Patients que vous ne pouvez pas accueillir", Trait.choices)
    status = forms.ChoiceField(label="État de l'offre", choices=OfferStatus.choices, widget=forms.RadioSelect)

    def __init__(self, *args, has_practice_place: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_practice_place = has_practice_place

    def clean_communes(self):
        codes = [code.upper() for code in re.split(r"[\s,;]+", self.cleaned_data.get("communes", "")) if code]
        if not codes:
            return []
        found = {commune.code: commune for commune in Commune.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise ValidationError(f"Communes desservies : code INSEE inconnu ({', '.join(unknown[:5])[:60]}).")
        return list(dict.fromkeys(found[code] for code in codes))

    def clean(self):
        cleaned = super().clean()
        if not self.has_practice_place and not cleaned.get("communes") and not self.has_error("communes"):
            self.add_error(
                "communes",
                "Communes desservies : indiquez-en au moins une, car votre fiche n'a pas de lieu d'exercice.",
            )
        return cleaned


class ScheduleForm(MaillonForm):
    """Whether the engine proposes doctors by itself, and on which weekdays."""

    automatic = forms.BooleanField(label="Calculer les propositions automatiquement", required=False)
    weekdays = checkboxes_field(
        "Jours du calcul automatique",
        Weekday.choices,
        coerce=int,
        help_text="Le calcul a lieu tôt le matin des jours cochés, une fois par jour au plus.",
    )

    def clean(self):
        data = super().clean()
        if data.get("automatic") and not data.get("weekdays"):
            self.add_error("weekdays", "Jours : choisissez au moins un jour pour le calcul automatique.")
        return data
