"""Forms of the governance pages."""

from django import forms
from django.core.exceptions import ValidationError

from maillon.governance.models import AssemblyKind, Body, DocumentKind, MandateRole, validate_document_file
from maillon.members.models import College, Membership

from ..toolkit.forms import MaillonForm, date_field, datetime_field, document_file_field, named_field
from .common import member_label


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return member_label(obj)


class MembershipMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return member_label(obj)


def membership_field(label, name=""):
    """An adherent picked in a select; the form sets the queryset, the errors name `name` (default: the label)."""
    errors = {"required": "choisissez un adhérent.", "invalid_choice": "choix invalide."}
    return named_field(MembershipChoiceField, label, errors, name=name, queryset=Membership.objects.none())


def active_memberships(cpts):
    return Membership.objects.for_cpts(cpts).active().select_related("professional", "structure")


class ElectionForm(MaillonForm):
    college = forms.ModelChoiceField(
        label="Collège",
        queryset=College.objects.none(),
        error_messages={
            "required": "Collège : choisissez le collège qui élit.",
            "invalid_choice": "Collège : choix invalide.",
        },
    )
    title = forms.CharField(
        label="Intitulé", max_length=200, error_messages={"required": "Intitulé : indiquez l'intitulé de l'élection."}
    )
    seats = forms.IntegerField(
        label="Sièges à pourvoir",
        min_value=1,
        max_value=100,
        initial=1,
        error_messages={"required": "Sièges : indiquez le nombre de sièges.", "min_value": "Sièges : au moins 1."},
    )
    opens_at = datetime_field("Ouverture du scrutin")
    closes_at = datetime_field("Clôture du scrutin")
    quorum_percent = forms.IntegerField(
        label="Quorum (% des adhérents actifs du collège)",
        min_value=0,
        max_value=100,
        initial=0,
        error_messages={
            "required": "Quorum : indiquez un pourcentage (0 pour aucun).",
            "min_value": "Quorum : un pourcentage entre 0 et 100.",
            "max_value": "Quorum : un pourcentage entre 0 et 100.",
        },
    )

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].queryset = College.objects.for_cpts(cpts)

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "Clôture du scrutin : elle doit suivre l'ouverture.")
        return data


class CandidateForm(MaillonForm):
    membership = membership_field("Candidat (adhérent actif du collège)", name="Candidat")
    statement = forms.CharField(label="Profession de foi", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, election, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = election.eligible_memberships().select_related("professional", "structure")


class CandidateMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return member_label(obj.membership)


class VoteForm(MaillonForm):
    candidates = CandidateMultipleChoiceField(
        label="Vos choix",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Vos choix : choisissez parmi les candidats."},
    )

    def __init__(self, *args, election, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats = election.seats
        field = self.fields["candidates"]
        field.queryset = election.candidates.select_related("membership__professional", "membership__structure")
        field.help_text = f"Cochez au plus {election.seats} candidat(s). Sans case cochée, votre vote est blanc."

    def clean_candidates(self):
        chosen = self.cleaned_data["candidates"]
        if len(chosen) > self.seats:
            raise ValidationError(f"Vos choix : au plus {self.seats} candidat(s).")
        return chosen


class MandateForm(MaillonForm):
    membership = membership_field("Adhérent")
    body = forms.ChoiceField(label="Instance", choices=Body.choices)
    role = forms.ChoiceField(label="Fonction", choices=MandateRole.choices, initial=MandateRole.MEMBER)
    starts_on = date_field("Début du mandat")
    ends_on = date_field("Fin du mandat", required=False)

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = active_memberships(cpts)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "Fin du mandat : elle ne peut pas précéder le début.")
        return data


class StartDateForm(MaillonForm):
    starts_on = date_field("Début du mandat")


class AssemblyForm(MaillonForm):
    date = date_field("Date")
    kind = forms.ChoiceField(label="Type", choices=AssemblyKind.choices)
    place = forms.CharField(label="Lieu", max_length=200, required=False)
    agenda = forms.CharField(label="Ordre du jour", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.CharField(label="Procès-verbal", required=False, widget=forms.Textarea(attrs={"rows": 6}))


class AttendanceForm(MaillonForm):
    present = MembershipMultipleChoiceField(
        label="Adhérents présents",
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Présents : cochez des adhérents à la date de l'assemblée."},
    )

    def __init__(self, *args, assembly, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = (
            assembly.members_on_the_day().select_related("professional", "structure").order_by("pk")
        )


class DocumentForm(MaillonForm):
    kind = forms.ChoiceField(label="Type de document", choices=DocumentKind.choices)
    title = forms.CharField(
        label="Titre", max_length=200, error_messages={"required": "Titre : indiquez le titre du document."}
    )


class VersionForm(MaillonForm):
    file = document_file_field()
    adopted_on = date_field("Adoptée le")
    note = forms.CharField(label="Note", max_length=300, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_document_file(upload)
        return upload
