"""Forms of the reviews of adverse events and of the improvement actions (mission 5)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.models import CptsRole, User
from maillon.members.models import Membership
from maillon.quality.models import CAUSE_CATEGORIES, Consequence, EventCategory

from ..pathways_views.common import professional_adherents
from ..toolkit.forms import MaillonForm, date_field, named_field, past_date_field


def required_text(label, *, max_length=None, rows=None, help_text="", message=""):
    """A required text (a textarea with `rows`); its errors name the field."""
    errors = {"required": message or "ce champ est obligatoire."}
    if max_length:
        errors["max_length"] = f"{max_length} caractères au plus."
    kwargs = {"help_text": help_text}
    if max_length:
        kwargs["max_length"] = max_length
    if rows:
        kwargs["widget"] = forms.Textarea(attrs={"rows": rows})
    return named_field(forms.CharField, label, errors, **kwargs)


def optional_text(label, *, rows=4, help_text=""):
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


class ReportForm(MaillonForm):
    """What a member says of an event: no patient's name, no professional's name, no number."""

    title = required_text(
        "Intitulé",
        max_length=200,
        help_text="Ce qui s'est passé, en quelques mots (par exemple « Sortie d'hospitalisation sans transmission »).",
        message="donnez un intitulé à l'événement.",
    )
    category = forms.ChoiceField(
        label="Nature de l'événement",
        choices=EventCategory.choices,
        error_messages={"required": "Nature de l'événement : choisissez-en une."},
    )
    occurred_on = past_date_field("Date de l'événement")
    consequence = forms.ChoiceField(
        label="Conséquences pour le patient",
        choices=Consequence.choices,
        initial=Consequence.NONE,
        error_messages={"required": "Conséquences pour le patient : choisissez-en une."},
    )
    description = required_text(
        "Description",
        rows=8,
        help_text="Les faits, dans l'ordre : sans nom de patient ni de professionnel, sans numéro.",
        message="décrivez ce qui s'est passé.",
    )


def referent_choices(cpts):
    """Who may run the analysis: the coordinators and the adherents with an account (a role in the CPTS)."""
    return (
        User.objects.filter(pk__in=CptsRole.objects.for_cpts(cpts).values("user_id"), is_active=True)
        .select_related("professional")
        .order_by("last_name", "first_name", "email")
    )


class ReferentChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        professional = getattr(user, "professional", None)
        name = user.get_full_name() or user.email
        return f"{name} — {professional.get_profession_display()}" if professional else name


class ReferentForm(MaillonForm):
    referent = ReferentChoice(
        label="Référent de l'analyse",
        queryset=User.objects.none(),
        error_messages={
            "required": "Référent de l'analyse : choisissez une personne.",
            "invalid_choice": "Référent de l'analyse : choisissez une personne de la liste.",
        },
    )

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referent_choices(cpts)


def cause_field_name(key: str) -> str:
    return f"cause_{key}"


class AnalysisForm(MaillonForm):
    """The referent's analysis: facts, one text per cause category, what protected, lessons.
    Everything may be saved in several goes; deciding the actions asks for it complete."""

    facts = optional_text("Chronologie des faits", rows=6, help_text="Ce qui s'est passé, dans l'ordre, sans nommer.")
    protective_factors = optional_text(
        "Ce qui a protégé", help_text="Ce qui a évité le pire ou l'a limité : une vigilance, un outil, un relais."
    )
    lessons = optional_text("Enseignements", help_text="Ce que l'équipe retient pour ses pratiques.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in CAUSE_CATEGORIES.items():
            self.add_field(cause_field_name(key), optional_text(label, rows=3))

    @classmethod
    def initial_of(cls, review) -> dict:
        initial = {name: getattr(review, name) for name in ("facts", "protective_factors", "lessons")}
        initial |= {cause_field_name(key): text for key, text in (review.causes or {}).items()}
        return initial

    def cause_fields(self):
        return [self[cause_field_name(key)] for key in CAUSE_CATEGORIES]

    def analysis(self) -> dict:
        data = self.cleaned_data
        return {
            "facts": data["facts"],
            "protective_factors": data["protective_factors"],
            "lessons": data["lessons"],
            "causes": {key: data[cause_field_name(key)] for key in CAUSE_CATEGORIES},
        }

    def put_errors(self, error: ValidationError):
        """The model's refusals (« causes.team », « facts »…) on their fields."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.error_dict.items():
            if field.startswith("causes."):
                field = cause_field_name(field.split(".", 1)[1])
            self.add_error(field if field in self.fields else None, messages)


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return str(membership.member)


class ImprovementActionForm(MaillonForm):
    description = required_text(
        "Action d'amélioration", max_length=300, message="décrivez ce qui sera fait (sans nommer de patient)."
    )
    owner = OwnerChoice(
        label="Responsable",
        queryset=Membership.objects.none(),
        error_messages={
            "required": "Responsable : choisissez un adhérent.",
            "invalid_choice": "Responsable : choisissez un adhérent actif de la liste.",
        },
    )
    due_on = date_field("Échéance")

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, prefix="action", **kwargs)
        self.fields["owner"].queryset = professional_adherents(cpts)

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise ValidationError("Échéance : elle ne peut pas être passée.")
        return due_on


class DismissForm(MaillonForm):
    note = required_text(
        "Motif du classement", max_length=300, message="dites pourquoi la revue est classée sans suite."
    )


class ShareForm(MaillonForm):
    summary = required_text(
        "Synthèse anonymisée",
        rows=6,
        help_text="Ce que tous les adhérents liront : ce qui s'est passé, pourquoi, ce qui change. "
        "Sans nom, sans date précise, sans numéro.",
        message="écrivez ce que les adhérents liront.",
    )
