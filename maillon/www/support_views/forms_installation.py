"""Forms of the installation projects (mission 6, point 2): the project, each of its steps, and
how it ends (settled, or abandoned with a reason)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from maillon.core.models import CptsRole, CptsRoleKind
from maillon.members.models import Membership
from maillon.members.professions import Profession

from ..toolkit.communes import CommunePickForm
from ..toolkit.forms import MaillonForm, PhoneField, date_field, named_field, past_date_field, text_field

User = get_user_model()

PROJECT_FIELDS = [
    "first_name",
    "last_name",
    "profession",
    "email",
    "phone",
    "wished_on",
    "membership",
    "referent",
    "notes",
]


def required_text(label, *, max_length: int, message: str, rows=None, **kwargs):
    """A required text of `max_length` characters at most (a textarea with `rows`); errors name the field."""
    errors = {"required": message, "max_length": f"{max_length} caractères au plus."}
    if rows:
        kwargs["widget"] = forms.Textarea(attrs={"rows": rows})
    return named_field(forms.CharField, label, errors, max_length=max_length, **kwargs)


class AdhesionChoice(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        professional = membership.professional
        return f"{professional} — {professional.get_profession_display()} ({membership.get_status_display().lower()})"


class ReferentChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.email


def referents(cpts):
    """Who may follow a project: the coordinators of the CPTS (`policies.can_follow_installation`)."""
    coordinators = CptsRole.objects.for_cpts(cpts).filter(role=CptsRoleKind.COORDINATOR).values("user_id")
    return User.objects.filter(pk__in=coordinators, is_active=True).order_by("last_name", "first_name", "email")


def adhesions(cpts):
    """A professional's adhesion open in the CPTS (requested or active): the newcomer, once adherent."""
    return (
        Membership.objects.for_cpts(cpts)
        .open()
        .filter(professional__isnull=False)
        .select_related("professional")
        .order_by("professional__last_name", "professional__first_name", "pk")
    )


class InstallationForm(CommunePickForm):
    """A professional's installation project: who, which profession, where and when they wish to settle."""

    commune_required = False

    first_name = required_text("Prénom", max_length=100, message="indiquez le prénom.")
    last_name = required_text("Nom", max_length=100, message="indiquez le nom.")
    profession = forms.ChoiceField(
        label="Profession",
        choices=Profession.choices,
        error_messages={
            "required": "Profession : choisissez la profession.",
            "invalid_choice": "Profession : choisissez une des professions proposées.",
        },
    )
    email = forms.EmailField(label="Courriel", required=False, max_length=254)
    phone = PhoneField()
    wished_on = date_field("Installation souhaitée le", required=False, help_text="Facultatif : la date visée.")
    membership = AdhesionChoice(
        label="Adhésion à la CPTS",
        queryset=Membership.objects.none(),
        required=False,
        help_text="Si le professionnel a déjà demandé à adhérer : il verra alors son projet.",
        error_messages={"invalid_choice": "Adhésion à la CPTS : choisissez une adhésion de la liste."},
    )
    referent = ReferentChoice(
        label="Suivi par",
        queryset=User.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Suivi par : choisissez une personne de la coordination."},
    )
    notes = forms.CharField(label="Notes de suivi", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune_query"].label = "Commune envisagée"
        self.fields["commune_query"].help_text = "Facultatif. Nom ou code postal, puis choisissez la commune."
        self.fields["membership"].queryset = adhesions(cpts)
        self.fields["referent"].queryset = referents(cpts)

    def project_fields(self) -> dict:
        data = self.cleaned_data
        return {**{name: data[name] for name in PROJECT_FIELDS}, "commune": data.get("commune_obj")}


class StepForm(MaillonForm):
    """One step of a project: done on a date (empty: still to do), and what was done."""

    done_on = past_date_field("Faite le", required=False, help_text="Vide tant que l'étape reste à faire.")
    note = text_field("Où en est-on", 2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SettleForm(MaillonForm):
    settled_on = past_date_field(
        "Installé le", required=False, initial=timezone.localdate, help_text="Aujourd'hui si vide."
    )


class AbandonForm(MaillonForm):
    note = required_text("Motif de l'abandon", max_length=200, message="dites pourquoi le projet est abandonné.")
