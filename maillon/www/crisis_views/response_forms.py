"""Forms of the crisis response: the chain, activation, the board, the RETEX, the answer
from the acknowledgement link. Every error names its field."""

from django import forms

from maillon.crisis_response.models import Answer, LogKind, Typology

from ..toolkit.forms import MaillonForm, datetime_field


class LevelForm(MaillonForm):
    name = forms.CharField(label="Nom du niveau", max_length=100)
    wait_minutes = forms.IntegerField(
        label="Délai avant le niveau suivant (minutes)",
        help_text="Le niveau suivant est alerté si un membre de ce niveau n'a pas répondu « disponible » à temps.",
        min_value=1,
        max_value=1440,
        initial=15,
        error_messages={
            "required": "Délai : ce champ est obligatoire.",
            "min_value": "Délai : au moins 1 minute.",
            "max_value": "Délai : au plus 1 440 minutes (24 heures).",
            "invalid": "Délai : un nombre entier de minutes.",
        },
    )


class LevelMemberForm(MaillonForm):
    level = forms.TypedChoiceField(label="Niveau", coerce=int)
    professional = forms.TypedChoiceField(label="Membre", coerce=int)

    def __init__(self, *args, levels, professionals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", "Choisir")] + [(level.pk, str(level)) for level in levels]
        self.fields["professional"].choices = [("", "Choisir")] + [
            (p.pk, f"{p.last_name} {p.first_name} — {p.get_profession_display()}") for p in professionals
        ]


class PreferenceForm(MaillonForm):
    professional = forms.TypedChoiceField(label="Membre", coerce=int)
    by_email = forms.BooleanField(label="Par courriel", required=False, initial=True)
    by_sms = forms.BooleanField(label="Par SMS (si le numéro est un portable valide)", required=False, initial=True)

    def __init__(self, *args, professionals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professional"].choices = [("", "Choisir")] + [
            (p.pk, f"{p.last_name} {p.first_name}") for p in professionals
        ]

    def clean(self):
        data = super().clean()
        if not (data.get("by_email") or data.get("by_sms")):
            self.add_error("by_email", "Canaux : gardez au moins le courriel ou le SMS.")
        return data


class ActivateForm(MaillonForm):
    typology = forms.ChoiceField(label="Typologie", choices=Typology.choices, widget=forms.RadioSelect)
    zone = forms.CharField(label="Zone concernée", max_length=200)
    started_at = datetime_field("Début", required=False, help_text="Maintenant si vide.")

    def __init__(self, *args, may_recognise, may_run_exercise, **kwargs):
        super().__init__(*args, **kwargs)
        if may_recognise:
            self.fields["recognised"] = forms.BooleanField(
                label="Je reconnais une crise sanitaire grave (au titre de l'ACI, mission 4)", required=False
            )
        if may_run_exercise:
            self.fields["is_exercise"] = forms.BooleanField(
                label="C'est un exercice (les messages le disent ; jamais confondu avec une crise)", required=False
            )


class LogForm(MaillonForm):
    kind = forms.ChoiceField(
        label="Nature",
        choices=[(LogKind.DECISION, "Décision"), (LogKind.ACTION, "Action"), (LogKind.INFORMATION, "Information")],
        initial=LogKind.ACTION,
    )
    text = forms.CharField(label="Texte", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(MaillonForm):
    recipient = forms.IntegerField(widget=forms.HiddenInput)
    assignment = forms.CharField(label="Mobilisé(e) où", max_length=200, required=False)


class RetexForm(MaillonForm):
    went_well = forms.CharField(label="Ce qui a fonctionné", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    went_wrong = forms.CharField(
        label="Ce qui n'a pas fonctionné", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    improvement_actions = forms.CharField(
        label="Actions d'amélioration",
        help_text="Une action par ligne : elles sont reportées dans la prochaine version du plan de crise.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class AckForm(MaillonForm):
    answer = forms.ChoiceField(
        label="Êtes-vous disponible ?",
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Réponse : ce champ est obligatoire."},
    )
    available_from = datetime_field("Disponible à partir de", required=False, help_text="Maintenant si vide.")
    skills = forms.CharField(
        label="Compétences que vous pouvez mobiliser",
        required=False,
        max_length=300,
        help_text="Par exemple : vaccination, soins de plaies, soutien psychologique.",
        error_messages={"max_length": "Compétences : au plus 300 caractères."},
    )
