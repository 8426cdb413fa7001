"""The coordinator's message form: subject, text and who receives it."""

from django import forms

from maillon.core.missions import label as mission_label
from maillon.members.mailing import normalize_criteria
from maillon.members.models import College, Involvement
from maillon.members.professions import Profession

from ...toolkit.forms import MaillonForm, missions_field

SUBJECT_MAX = 200
BODY_MAX = 20_000


def checkboxes():
    return forms.CheckboxSelectMultiple()


class MailingForm(MaillonForm):
    subject = forms.CharField(label="Objet", max_length=SUBJECT_MAX)
    body = forms.CharField(
        label="Message",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Texte simple. Un lien de désinscription est ajouté à la fin de chaque message.",
    )
    colleges = forms.ModelMultipleChoiceField(
        label="Collèges", queryset=College.objects.none(), required=False, widget=checkboxes()
    )
    professions = forms.MultipleChoiceField(
        label="Professions", choices=Profession.choices, required=False, widget=checkboxes()
    )
    involvements = forms.MultipleChoiceField(
        label="Niveaux d'implication", choices=Involvement.choices, required=False, widget=checkboxes()
    )
    missions = missions_field(widget=checkboxes())
    # The count shown by the preview: sending needs a preview of the same selection.
    previewed = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # A key issued with the preview and used once (no double sending).
    send_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def clean_subject(self):
        subject = self.cleaned_data["subject"]
        if "\r" in subject or "\n" in subject:
            raise forms.ValidationError("Objet : une seule ligne.")
        return subject

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleges"].queryset = College.objects.for_cpts(cpts)
        for name in ("colleges", "professions", "involvements", "missions"):
            self.fields[name].help_text = "Aucune case cochée : tous."
        self.fields["missions"].help_text = "Adhérents qui participent à l'une des missions cochées ; aucune : tous."

    def criteria(self) -> dict:
        data = self.cleaned_data
        return normalize_criteria(
            {
                "colleges": [college.pk for college in data.get("colleges") or []],
                "professions": data.get("professions") or [],
                "involvements": data.get("involvements") or [],
                "missions": data.get("missions") or [],
            }
        )


def describe_criteria(criteria, colleges) -> list[str]:
    """The selection in words, for the preview and the sent message."""
    criteria = normalize_criteria(criteria)
    names = {college.pk: college.name for college in colleges}
    lines = []
    if criteria["colleges"]:
        lines.append("Collèges : " + ", ".join(names.get(pk, "collège supprimé") for pk in criteria["colleges"]))
    if criteria["professions"]:
        lines.append("Professions : " + ", ".join(Profession(code).label for code in criteria["professions"]))
    if criteria["missions"]:
        lines.append("Missions : " + ", ".join(mission_label(number) for number in criteria["missions"]))
    if criteria["involvements"]:
        lines.append("Implication : " + ", ".join(Involvement(value).label for value in criteria["involvements"]))
    statuses = {"active": "adhérents", "requested": "demandes en attente"}
    lines.append("Parmi : " + ", ".join(statuses[status] for status in criteria["statuses"]))
    return lines
