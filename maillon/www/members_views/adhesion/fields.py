"""Form plumbing of the adhesion pages: French errors that name their field,
identifiers and phone numbers, and the commune picked by search."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from dsfr.utils import dsfr_input_class_attr

from maillon.core.identifiers import compact, validate_adeli, validate_finess, validate_rpps, validate_siret
from maillon.territories.models import Commune

from ...public_views.forms import MaillonForm

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
COMMUNE_SUGGESTIONS = 8

# The error summary sits at the top of the page: each message must say its field.
NAMED_ERRORS = {
    "required": "{label} : ce champ est obligatoire.",
    "invalid_choice": "{label} : choisissez une des valeurs proposées.",
    "invalid_list": "{label} : choisissez parmi les valeurs proposées.",
    "invalid_pk_value": "{label} : choisissez parmi les valeurs proposées.",
    "max_length": "{label} : %(limit_value)d caractères au plus.",
    "min_value": "{label} : la valeur doit être au moins %(limit_value)s.",
    "max_value": "{label} : la valeur doit être au plus %(limit_value)s.",
    "max_digits": "{label} : %(max)s chiffres au plus.",
    "max_decimal_places": "{label} : %(max)s chiffres au plus après la virgule.",
    "max_whole_digits": "{label} : %(max)s chiffres au plus avant la virgule.",
    "invalid": "{label} : la valeur saisie n'est pas valide.",
}
INVALID_BY_TYPE = [
    (forms.DateField, "{label} : saisissez une date valide, au format jj/mm/aaaa."),
    (forms.EmailField, "{label} : saisissez une adresse électronique valide, par exemple nom@exemple.fr."),
    (forms.DecimalField, "{label} : saisissez un montant en euros, par exemple 20 ou 20,50."),
    (forms.IntegerField, "{label} : saisissez un nombre entier."),
]


def default_messages(field) -> dict:
    messages = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


def name_errors(field):
    """Replace Django's anonymous default messages; keep those a field declares itself."""
    label = str(field.label or "").replace("%", "%%")
    defaults = default_messages(field)
    templates = dict(NAMED_ERRORS)
    for field_type, message in INVALID_BY_TYPE:
        if isinstance(field, field_type):
            templates["invalid"] = message
            break
    for code, template in templates.items():
        if field.error_messages.get(code, defaults.get(code)) == defaults.get(code):
            field.error_messages[code] = template.format(label=label)


class AdhesionForm(MaillonForm):
    """DSFR markup and French errors that name their field."""

    def add_field(self, name, field):
        """A field known only at run time, with the DSFR classes DsfrBaseForm gives the others in __init__."""
        self.fields[name] = field
        dsfr_input_class_attr(self[name])

    def full_clean(self):
        # Here rather than in __init__: subclasses add fields and change labels there.
        for field in self.fields.values():
            name_errors(field)
        super().full_clean()


def date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        input_formats=DATE_FORMATS,
        **kwargs,
    )


def not_in_future(value, label):
    if value and value > timezone.localdate():
        raise ValidationError(f"{label} : la date ne peut pas être dans le futur.")
    return value


def clean_identifier(value: str, validator) -> str | None:
    """Spaces and dots removed, then checked; the validators' messages name the register."""
    value = compact(value)
    if not value:
        return None
    validator(value)
    return value


def clean_rpps(value):
    return clean_identifier(value, validate_rpps)


def clean_adeli(value):
    return clean_identifier(value, validate_adeli)


def clean_finess(value):
    return clean_identifier(value, validate_finess)


def clean_siret(value):
    return clean_identifier(value, validate_siret)


def clean_skills(value: str) -> str:
    """One skill per comma, without blanks nor duplicates (case-insensitive)."""
    skills = {}
    for skill in re.split(r"[,;\n]", value or ""):
        skill = " ".join(skill.split())
        if skill:
            skills.setdefault(skill.lower(), skill)
    return ", ".join(skills.values())


def commune_label(commune) -> str:
    return f"{commune.name} ({commune.code})"


def commune_candidates(query: str) -> list:
    query = (query or "").strip()
    return list(Commune.objects.search(query)[:COMMUNE_SUGGESTIONS]) if query else []


class CommunePickForm(AdhesionForm):
    """A commune found by name or postal code, then picked among the matches.

    Without JavaScript the page answers the matches after a submit; with htmx they
    come while typing (see `commune_suggestions`). `cleaned_data["commune_obj"]`
    holds the Commune.
    """

    commune_required = True

    commune_query = forms.CharField(
        label="Commune",
        max_length=100,
        required=False,
        help_text="Nom ou code postal, puis choisissez la commune dans la liste.",
    )
    commune = forms.CharField(label="Choisissez la commune", required=False, widget=forms.RadioSelect)

    def __init__(self, *args, search_url="", initial_commune=None, **kwargs):
        if initial_commune is not None:
            initial = kwargs.setdefault("initial", {})
            initial.setdefault("commune_query", initial_commune.name)
            initial.setdefault("commune", initial_commune.code)
        super().__init__(*args, **kwargs)
        self.candidates = self._candidates(initial_commune)
        self.fields["commune"].widget.choices = [(c.code, commune_label(c)) for c in self.candidates]
        query = self.fields["commune_query"].widget
        query.attrs.update({"autocomplete": "off", "aria-controls": self.choices_id})
        if search_url:
            query.attrs.update(
                {
                    "hx-get": search_url,
                    "hx-trigger": "input changed delay:400ms, search",
                    "hx-target": "#" + self.choices_id,
                    "hx-include": "this",
                    "hx-sync": "this:replace",
                }
            )

    @property
    def choices_id(self) -> str:
        return f"{self['commune'].auto_id}-choices"

    def _candidates(self, initial_commune) -> list:
        """The matches of the typed search, and the commune already ticked if it is not among them."""
        self.matches = []
        if not self.is_bound:
            return [initial_commune] if initial_commune is not None else []
        self.matches = commune_candidates(str(self.data.get(self.add_prefix("commune_query"), ""))[:100])
        code = str(self.data.get(self.add_prefix("commune"), ""))[:5]
        if code and code not in {c.code for c in self.matches}:
            chosen = Commune.objects.filter(code=code).first()
            if chosen is not None:
                return [chosen, *self.matches]
        return self.matches

    def clean(self):
        cleaned = super().clean()
        cleaned["commune_obj"] = self._pick_commune(cleaned.get("commune", ""), cleaned.get("commune_query", ""))
        return cleaned

    def _pick_commune(self, code, query):
        by_code = {c.code: c for c in self.candidates}
        chosen = by_code.get(code)
        if code and chosen is None:
            self.add_error("commune", "Commune : cette commune n'existe pas, cherchez-la à nouveau.")
            return None
        matches = self.matches
        # A commune ticked then a new search typed (without JavaScript): the new search wins.
        if chosen is not None and (not query or chosen.code in {c.code for c in matches}):
            return chosen
        if query and len(matches) == 1:
            return matches[0]
        if query and matches:
            self.add_error("commune", "Commune : plusieurs communes correspondent, choisissez la vôtre dans la liste.")
        elif query:
            self.add_error("commune_query", f"Commune : aucune commune ne correspond à « {query[:40]} ».")
        elif self.commune_required:
            self.add_error("commune_query", "Commune : indiquez le nom ou le code postal de la commune.")
        return None
