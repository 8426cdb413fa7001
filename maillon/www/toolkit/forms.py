"""The one base form of the pages and the fields they share.

`MaillonForm`: DSFR markup, French errors that name their field (the error summary sits at
the top of the page) and « — Choisir — » as the empty choice of every select.
`named_field`: any field whose messages start with its label; `text_field`: text of a maximum length.
`choice_field`, `int_choice_field`, `checkboxes_field`: optional selects and checkboxes.
`date_field`, `datetime_field`: a date picked or typed jj/mm/aaaa; `past_date_field`: not in the future.
`mission_field`, `missions_field`: the six missions of a CPTS (labels from core.missions).
`amount_field`, `number_field`: euros and decimal numbers, typed the French way (« 20,50 »).
`PhoneField`: a phone number, written back « 01 23 45 67 89 »; `PatientIdentityForm`: a patient's name
and date of birth."""

from decimal import Decimal
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from dsfr.forms import DsfrBaseForm
from dsfr.utils import dsfr_input_class_attr

from maillon.core.dates import validate_birth_date
from maillon.core.forms import french_empty_choice
from maillon.core.missions import Mission
from maillon.core.phones import normalize_phone

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]

# Django's anonymous default messages, replaced by messages that say their field.
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
    if not field.label:
        return  # a hidden field: nothing to name
    label = str(field.label).replace("%", "%%")
    defaults = default_messages(field)
    templates = dict(NAMED_ERRORS)
    for field_type, message in INVALID_BY_TYPE:
        if isinstance(field, field_type):
            templates["invalid"] = message
            break
    for code, template in templates.items():
        if field.error_messages.get(code, defaults.get(code)) == defaults.get(code):
            field.error_messages[code] = template.format(label=label)


class MaillonForm(DsfrBaseForm):
    """The base of every form of the pages: DSFR markup, French errors that name their field,
    and the empty choice of a select said « — Choisir — » (Django says « --------- »).

    Required fields are marked as django-dsfr marks them (an asterisk, the setting
    DSFR_MARK_OPTIONAL_FIELDS being unset), the same on every page.
    """

    def get_context(self):
        # Skip DsfrBaseForm.get_context: it only adds a transitional warning (an error under
        # `filterwarnings = error`); the markers come from the setting, not from this context.
        return forms.Form.get_context(self)

    def add_field(self, name, field):
        """A field known only at run time, with the DSFR classes DsfrBaseForm gives the others in __init__."""
        self.fields[name] = field
        dsfr_input_class_attr(self[name])

    def __getitem__(self, name):
        # Here rather than in __init__: subclasses set querysets and choices after it. Every
        # rendering of a field goes through its bound field.
        if name in self.fields:
            french_empty_choice(self.fields[name])
        return super().__getitem__(name)

    def full_clean(self):
        # Here rather than in __init__: subclasses add fields and change labels there.
        for field in self.fields.values():
            name_errors(field)
        super().full_clean()


def named_field(field_class, label, errors: dict, *, name="", error_messages=None, **kwargs):
    """A `field_class` whose `errors` (code → message) start with `name` (default: the label);
    `error_messages` are taken as they are."""
    named = {code: f"{name or label} : {message}" for code, message in errors.items()}
    return field_class(label=label, error_messages={**named, **(error_messages or {})}, **kwargs)


DATE_ERRORS = {"required": "indiquez la date.", "invalid": "saisissez une date valide, au format jj/mm/aaaa."}
DATETIME_ERRORS = {
    "required": "indiquez la date et l'heure.",
    "invalid": "saisissez une date et une heure, au format jj/mm/aaaa hh:mm.",
}


def date_field(label, **kwargs):
    """A date, picked in the browser's calendar or typed jj/mm/aaaa; errors name the field."""
    widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    return named_field(forms.DateField, label, DATE_ERRORS, widget=widget, input_formats=DATE_FORMATS, **kwargs)


def datetime_field(label, **kwargs):
    """A date and a time, picked in the browser or typed jj/mm/aaaa hh:mm; errors name the field."""
    widget = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})
    return named_field(
        forms.DateTimeField, label, DATETIME_ERRORS, widget=widget, input_formats=DATETIME_FORMATS, **kwargs
    )


def text_field(label, max_length: int, **kwargs):
    """Text of `max_length` characters at most; its errors name `name` (default: the label)."""
    errors = {"max_length": f"{max_length} caractères au plus."}
    return named_field(forms.CharField, label, errors, max_length=max_length, **kwargs)


def choice_field(label, choices=(), *, invalid_choice: str, field_class=forms.ChoiceField, **kwargs):
    """An optional select; `invalid_choice`: the whole message for a value not offered."""
    errors = {"invalid_choice": invalid_choice}
    return field_class(label=label, choices=choices, required=False, error_messages=errors, **kwargs)


def int_choice_field(label, choices=(), *, invalid_choice: str, **kwargs):
    """An optional select of whole numbers: the cleaned value is an int, or None when left empty."""
    typed = {"field_class": forms.TypedChoiceField, "coerce": int, "empty_value": None}
    return choice_field(label, choices, invalid_choice=invalid_choice, **typed, **kwargs)


def checkboxes_field(label, choices=(), *, widget=forms.CheckboxSelectMultiple, **kwargs):
    """Choices as checkboxes, none required; with `coerce` (e.g. int) the values are of that type."""
    field_class = forms.TypedMultipleChoiceField if "coerce" in kwargs else forms.MultipleChoiceField
    return field_class(label=label, choices=choices, required=False, widget=widget, **kwargs)


class PhoneField(forms.CharField):
    """A phone number, optional: French numbers written « 01 23 45 67 89 », others in international
    form; the error names the field."""

    def __init__(self, label="Téléphone", *, max_length=20, **kwargs):
        super().__init__(label=label, max_length=max_length, required=False, **kwargs)

    def clean(self, value):
        return normalize_phone(super().clean(value), self.label)


def birth_date_field(label="Date de naissance", **kwargs):
    """A birth date: between 1900-01-01 and today (maillon.core.dates, as the API and the models)."""
    return date_field(label, validators=[partial(validate_birth_date, label=label)], **kwargs)


class PatientIdentityForm(MaillonForm):
    """A patient's name and date of birth, as the forms that register a patient ask them."""

    last_name = forms.CharField(label="Nom", max_length=100)
    first_name = forms.CharField(label="Prénom", max_length=100)
    birth_date = birth_date_field()


def not_in_future(value, label):
    """For a form's clean_<date>(): a date that has not come yet is refused."""
    if value and value > timezone.localdate():
        raise ValidationError(f"{label} : la date ne peut pas être dans le futur.")
    return value


def past_date_field(label, **kwargs):
    """A date that has come already (today at the latest)."""
    return date_field(label, validators=[partial(not_in_future, label=label)], **kwargs)


def mission_field(*, empty_label: str, label="Mission", **kwargs):
    """One mission or none (`empty_label`), as a select; the cleaned value is an int or None."""
    choices = [("", empty_label), *Mission.choices]
    return int_choice_field(label, choices, invalid_choice="Mission : choisissez une des missions proposées.", **kwargs)


def missions_field(label="Missions", *, name="", **kwargs):
    """Missions of the CPTS (1 to 6) as checkboxes; the error names `name` (default: the label)."""
    errors = {"invalid_choice": f"{name or label} : choisissez parmi les missions 1 à 6."}
    return checkboxes_field(label, Mission.choices, coerce=int, error_messages=errors, **kwargs)


AMOUNT_ERRORS = {
    "required": "indiquez le montant.",
    "invalid": "saisissez un montant en euros, par exemple 20 ou 20,50.",
    "min_value": "le montant doit être positif.",
    "max_digits": "montant trop grand.",
    "max_whole_digits": "montant trop grand.",
    "max_decimal_places": "deux décimales au plus.",
}
NUMBER_ERRORS = {
    "required": "indiquez une valeur.",
    "invalid": "un nombre est attendu.",
    "max_digits": "nombre trop grand.",
    "max_whole_digits": "nombre trop grand.",
    "max_decimal_places": "deux décimales au plus.",
}


def decimal_field(label, *, errors: dict, required: bool, max_digits: int, **kwargs):
    """A number with two decimals, « 1500,50 » as well as « 1500.50 »; errors name the field."""
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=max_digits,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={code: f"{label} : {message}" for code, message in errors.items()},
        **kwargs,
    )


def amount_field(label, *, required=True, min_value=Decimal("0.01"), max_digits=12, **kwargs):
    """Euros and cents (positive by default; `min_value=0` admits nothing owed)."""
    errors = AMOUNT_ERRORS if min_value else {**AMOUNT_ERRORS, "min_value": "le montant ne peut pas être négatif."}
    return decimal_field(label, errors=errors, required=required, max_digits=max_digits, min_value=min_value, **kwargs)


def number_field(label, *, required=False, max_digits=14, **kwargs):
    """A value with up to two decimals (an indicator's value, a tier's bound)."""
    return decimal_field(label, errors=NUMBER_ERRORS, required=required, max_digits=max_digits, **kwargs)


def document_file_field(label="Fichier"):
    """A founding or working document to upload: PDF, ODT or DOCX, checked again by the model's
    `validate_document_file` (first bytes, 10 Mo)."""
    return forms.FileField(
        label=label,
        help_text="PDF, ODT ou DOCX, 10 Mo au plus.",
        allow_empty_file=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.odt,.docx"}),
        error_messages={
            "required": f"{label} : choisissez le fichier à déposer.",
            "empty": f"{label} : le fichier est vide.",
            "invalid": f"{label} : le fichier n'a pas pu être lu ; déposez-le à nouveau.",
        },
    )
