"""Forms of the same-day care requests: a new request, a volunteer's answer, an outcome.
Every error names its field."""

from django import forms
from django.utils import timezone

from maillon.members.professions import Profession, Specialty
from maillon.snp.models import Outcome, Urgency
from maillon.snp.outcomes import FINAL_OUTCOMES

from ..toolkit.communes import CommunePickForm
from ..toolkit.forms import MaillonForm, PatientIdentityForm, datetime_field, not_in_future


class CareRequestForm(PatientIdentityForm, CommunePickForm):
    """The minimum to be received: identity, phone, commune, reason, urgency, profession."""

    field_order = [
        "last_name",
        "first_name",
        "birth_date",
        "phone",
        "commune_query",
        "commune",
        "reason",
        "urgency",
        "profession",
        "specialty",
    ]

    phone = forms.CharField(label="Téléphone", max_length=20, help_text="Pour que le professionnel joigne le patient.")
    reason = forms.CharField(label="Motif", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    urgency = forms.ChoiceField(label="Urgence", choices=Urgency.choices, initial=Urgency.WITHIN_24H)
    profession = forms.ChoiceField(label="Profession demandée", choices=Profession.choices, initial=Profession.MEDECIN)
    specialty = forms.ChoiceField(
        label="Spécialité", choices=[("", "Indifférente"), *Specialty.choices], required=False
    )

    def clean_birth_date(self):
        return not_in_future(self.cleaned_data.get("birth_date"), "Date de naissance")

    def request_data(self) -> dict:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "birth_date": data["birth_date"],
            "phone": data["phone"].strip(),
            "commune": data["commune_obj"],
            "reason": data["reason"].strip(),
            "urgency": data["urgency"],
            "profession": data["profession"],
            "specialty": data.get("specialty") or "",
        }


class AcceptForm(MaillonForm):
    """The volunteer who takes a request gives the time and the place of the appointment."""

    appointment_at = datetime_field("Rendez-vous le")
    practice_place = forms.ChoiceField(label="Lieu")

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {str(place.pk): place for place in places}
        self.fields["practice_place"].choices = [(str(place.pk), str(place)) for place in places]

    def clean_appointment_at(self):
        value = self.cleaned_data["appointment_at"]
        if value < timezone.now():
            raise forms.ValidationError("Rendez-vous le : l'heure doit être à venir.")
        return value

    def place(self):
        return self.places.get(self.cleaned_data.get("practice_place", ""))


class OutcomeForm(MaillonForm):
    outcome = forms.ChoiceField(
        label="Issue du rendez-vous",
        choices=[(value, Outcome(value).label) for value in FINAL_OUTCOMES],
        widget=forms.RadioSelect,
    )
