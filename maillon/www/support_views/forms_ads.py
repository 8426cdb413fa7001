"""Forms of the ads (mission 6): writing an ad (members and coordinators), refusing one (the
coordinators), the public search of ads (its criteria in the query string) and the texts of
the CPTS's public page. Every error names its field."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.members.professions import Profession
from maillon.support.models import MAX_AD_DAYS, AdKind
from maillon.territories.models import Departement

from ..members_views.directory.forms import resolve_commune
from ..toolkit.communes import CommunePickForm, commune_label
from ..toolkit.forms import MaillonForm, PhoneField, choice_field, date_field, named_field, text_field

# How long an ad stays online unless its author says otherwise.
DEFAULT_AD_DAYS = 90
RADIUS_CHOICES = [
    ("", "Dans la commune même"),
    ("10", "À moins de 10 km"),
    ("20", "À moins de 20 km"),
    ("30", "À moins de 30 km"),
    ("50", "À moins de 50 km"),
    ("100", "À moins de 100 km"),
]


def required_text(label, max_length, message, **kwargs):
    """A required text of `max_length` characters; its errors name the field."""
    errors = {"required": message, "max_length": f"{max_length} caractères au plus."}
    return named_field(forms.CharField, label, errors, max_length=max_length, **kwargs)


# --- Writing an ad ---------------------------------------------------------------------------


class AdForm(CommunePickForm):
    """An ad as its author writes it; `ad_fields()` is what `services.submit_ad` / `edit_ad` take."""

    field_order = [
        "kind",
        "title",
        "profession",
        "commune_query",
        "commune",
        "description",
        "starts_on",
        "ends_on",
        "contact_name",
        "contact_email",
        "contact_phone",
        "expires_on",
    ]
    FIELDS = (
        "kind",
        "title",
        "description",
        "profession",
        "starts_on",
        "ends_on",
        "contact_name",
        "contact_email",
        "contact_phone",
        "expires_on",
    )

    kind = forms.ChoiceField(
        label="Type d'annonce",
        choices=AdKind.choices,
        error_messages={"required": "Type d'annonce : choisissez-en un."},
    )
    title = required_text(
        "Titre",
        120,
        "donnez un titre à l'annonce.",
        help_text="Par exemple « Cabinet de kinésithérapie à céder en centre-bourg ».",
    )
    profession = forms.ChoiceField(
        label="Profession concernée",
        choices=Profession.choices,
        error_messages={"required": "Profession concernée : choisissez-en une."},
    )
    description = required_text(
        "Description",
        5000,
        "décrivez l'offre.",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="L'activité, le lieu, les conditions. Pas de donnée de patient.",
    )
    starts_on = date_field("À partir du", required=False, help_text="Facultatif.")
    ends_on = date_field("Jusqu'au", required=False, help_text="Facultatif.")
    contact_name = required_text("Contact", 200, "indiquez qui répond aux candidats.", help_text="Nom ou cabinet.")
    contact_email = forms.EmailField(label="Courriel de contact", required=False)
    contact_phone = PhoneField("Téléphone de contact", max_length=30)
    expires_on = date_field(
        "Expire le",
        help_text=f"L'annonce n'est plus montrée après cette date ({MAX_AD_DAYS} jours au plus).",
    )

    def __init__(self, *args, ad=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if ad is not None:
            initial.update({name: getattr(ad, name) for name in self.FIELDS})
            kwargs["initial_commune"] = ad.commune
        else:
            initial.setdefault("expires_on", timezone.localdate() + datetime.timedelta(days=DEFAULT_AD_DAYS))
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "Jusqu'au : la date doit suivre celle du début.")
        if not cleaned.get("contact_email") and not cleaned.get("contact_phone") and "contact_email" not in self.errors:
            self.add_error("contact_email", "Courriel de contact : donnez un courriel ou un téléphone.")
        return cleaned

    def ad_fields(self) -> dict:
        data = self.cleaned_data
        return {**{name: data[name] for name in self.FIELDS}, "commune": data["commune_obj"]}


class RefuseForm(MaillonForm):
    """Why the coordination refuses an ad: the author reads it."""

    note = required_text(
        "Motif du refus",
        300,
        "dites à l'auteur pourquoi l'annonce est refusée.",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="L'auteur le reçoit par courriel et le lit sur son annonce.",
    )


# --- The public search -----------------------------------------------------------------------


class AdSearchForm(MaillonForm):
    """The criteria of the public search (GET): profession, type, and a département or a
    commune with a distance around it."""

    profession = choice_field(
        "Profession",
        [("", "Toutes les professions"), *Profession.choices],
        invalid_choice="Profession : choisissez une des professions proposées.",
    )
    kind = choice_field(
        "Type d'annonce",
        [("", "Tous les types"), *AdKind.choices],
        invalid_choice="Type d'annonce : choisissez un des types proposés.",
    )
    departement = choice_field("Département", invalid_choice="Département : choisissez un des départements proposés.")
    commune = text_field(
        "Commune",
        100,
        help_text="Nom ou code postal, par exemple « Versailles » ou « 78000 ».",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "commune-options"}),
    )
    rayon = choice_field(
        "Distance", RADIUS_CHOICES, invalid_choice="Distance : choisissez une des distances proposées."
    )

    def __init__(self, *args, suggest_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.commune_obj = None
        self.commune_candidates = []
        self.fields["departement"].choices = [
            ("", "Tous les départements"),
            *(
                (code, f"{name} ({code})")
                for code, name in Departement.objects.order_by("code").values_list("code", "name")
            ),
        ]
        if suggest_url:
            # htmx fills the <datalist> while the user types; a plain submit works without it.
            self.fields["commune"].widget.attrs.update(
                {
                    "hx-get": suggest_url,
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#commune-options",
                    "hx-sync": "this:replace",
                    "hx-push-url": "false",
                }
            )

    def clean_commune(self):
        text = self.cleaned_data["commune"].strip()
        if not text:
            return ""
        commune, candidates = resolve_commune(text)
        if commune is None:
            self.commune_candidates = candidates
            if candidates:
                raise ValidationError(f"Commune : plusieurs communes correspondent à « {text} », choisissez-en une.")
            raise ValidationError(f"Commune : aucune commune ne correspond à « {text} ».")
        self.commune_obj = commune
        # Show the commune found (« Versailles (78646) ») in the field, not what was typed.
        self.data = self.data.copy()
        self.data["commune"] = commune_label(commune)
        return commune_label(commune)

    def clean(self):
        cleaned = super().clean()
        has_commune = bool(str(self.data.get("commune", "")).strip())
        if cleaned.get("rayon") and not has_commune:
            self.add_error("rayon", "Distance : indiquez aussi la commune autour de laquelle chercher.")
        if cleaned.get("departement") and has_commune:
            self.add_error("departement", "Département : cherchez par département ou par commune, pas les deux.")
        return cleaned

    def filters(self) -> dict:
        """The criteria as `selectors.public_ads` takes them; after is_valid() returned True."""
        data = self.cleaned_data
        return {
            "profession": data["profession"],
            "kind": data["kind"],
            "departement": data["departement"],
            "commune": self.commune_obj.code if self.commune_obj else "",
            "radius_km": int(data["rayon"]) if data["rayon"] and self.commune_obj else None,
        }

    def where(self) -> str:
        """Where the search looks, in words (« à moins de 20 km de Versailles (78646) »)."""
        if self.commune_obj is not None:
            label = commune_label(self.commune_obj)
            rayon = self.cleaned_data.get("rayon")
            return f"à moins de {rayon} km de {label}" if rayon else f"à {label}"
        departement = self.cleaned_data.get("departement")
        if departement:
            return f"dans le département {dict(self.fields['departement'].choices).get(departement, departement)}"
        return ""


# --- The public page of the CPTS -------------------------------------------------------------


class SiteForm(MaillonForm):
    """What the coordinator writes on the CPTS's public page."""

    FIELDS = ("intro", "patient_phone", "patient_email", "patient_hours", "join_text", "show_ads")

    intro = text_field(
        "Présentation de la CPTS",
        3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="En tête de la page publique : qui vous êtes, ce que vous faites pour le territoire.",
    )
    patient_phone = PhoneField(
        "Numéro pour les patients", max_length=30, help_text="Le numéro unique de la CPTS, s'il existe."
    )
    patient_email = forms.EmailField(label="Courriel pour les patients", required=False)
    patient_hours = text_field(
        "Horaires", 200, required=False, help_text="Par exemple « Du lundi au vendredi, de 9 h à 17 h »."
    )
    join_text = text_field(
        "Comment adhérer",
        2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Qui peut adhérer, la cotisation, ce que la CPTS apporte ; le lien vers la demande d'adhésion suit.",
    )
    show_ads = forms.BooleanField(label="Montrer les annonces de la CPTS sur la page", required=False)

    def __init__(self, *args, site, **kwargs):
        kwargs.setdefault("initial", {}).update({name: getattr(site, name) for name in self.FIELDS})
        super().__init__(*args, **kwargs)
