"""Forms of the crisis plan's editor: one section of the template, a professional's role."""

from django import forms

from maillon.crisis import template
from maillon.crisis.models import ROLE_MAX

from ..toolkit.forms import MaillonForm, checkboxes_field

TYPOLOGY_CHOICES = [(str(typology.number), f"{typology.number} — {typology.title}") for typology in template.TYPOLOGIES]


def section_form_class(section: template.Section):
    """A form with one text field per field of the template's section (all optional here:
    the completeness check says what is still expected)."""
    fields = {}
    for field in section.fields:
        widget = forms.TextInput() if field.short else forms.Textarea(attrs={"rows": 4})
        fields[field.key] = forms.CharField(
            label=field.label,
            help_text=field.help,
            required=False,
            max_length=template.FIELD_MAX_LENGTH,
            widget=widget,
        )
    return type(f"{section.key.title()}Form", (MaillonForm,), fields)


class ProfessionalSearchForm(MaillonForm):
    q = forms.CharField(label="Nom, profession ou commune", required=False, max_length=100)
    skill = forms.CharField(label="Compétence", required=False, max_length=100)


class PlanProfessionalForm(MaillonForm):
    professional = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.CharField(
        label="Rôle dans le plan",
        max_length=ROLE_MAX,
        help_text="Par exemple : renfort de la cellule de crise, vaccinateur, relais pharmacie.",
        error_messages={"required": "Rôle : précisez le rôle dans le plan."},
    )
    skills = forms.CharField(
        label="Compétences utiles en crise",
        required=False,
        max_length=2000,
        help_text="Laissez vide pour reprendre les compétences de l'annuaire.",
    )
    typologies = checkboxes_field("Typologies concernées", TYPOLOGY_CHOICES)
