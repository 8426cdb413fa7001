"""Forms of the case conference pages (on the toolkit's `MaillonForm`: errors name their field).

The request names no patient in its texts (the model refuses a NIR/INS or the patient's names);
scheduling proposes slots (a date, a start and an end per row) and picks the adherents to
invite; the record writes the conclusions and the decisions, each with its owner and due date."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.pathways.models import Inclusion

from ..pathways_views.forms import adherent_field, member_label
from ..toolkit.forms import MaillonForm, date_field, named_field, past_date_field, text_field

PRESENTATION_HELP = (
    "Âge, sexe, situation, antécédents utiles : sans nom, sans date de naissance, sans numéro. "
    "Les participants hors de l'équipe de soins ne doivent pas reconnaître le patient."
)


class InclusionChoiceField(forms.ModelChoiceField):
    """A patient the user sees, said by name (only to this user) and programme."""

    def label_from_instance(self, obj):
        return f"{obj.display_name} — {obj.programme.name} (inclusion n° {obj.pk})"


def long_text(label, *, required=True, rows=4, message="", **kwargs):
    errors = {"required": message} if message else {}
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=errors,
        **kwargs,
    )


class RequestForm(MaillonForm):
    """Ask for a conference on a case: optionally one of the patients the user sees."""

    inclusion = named_field(
        InclusionChoiceField,
        "Patient inclus dans un parcours",
        {"invalid_choice": "choisissez un des patients proposés."},
        queryset=Inclusion.objects.none(),
        required=False,
        help_text="Facultatif. Les décisions de la concertation iront dans son PPCS ; "
        "seule son équipe de soins verra de qui il s'agit.",
    )
    context = long_text(
        "Présentation du cas",
        rows=6,
        message="Présentation du cas : présentez le cas (âge, sexe, situation).",
        help_text=PRESENTATION_HELP,
    )
    question = long_text(
        "Question posée",
        rows=3,
        message="Question posée : dites ce que vous demandez à la concertation.",
        help_text="Ce que vous attendez des autres professionnels.",
    )

    def __init__(self, *args, inclusions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inclusion"].queryset = inclusions


# --- Scheduling ------------------------------------------------------------------------------


def time_field(label, **kwargs):
    widget = forms.TimeInput(format="%H:%M", attrs={"type": "time"})
    errors = {"required": "indiquez l'heure.", "invalid": "saisissez une heure, au format hh:mm."}
    return named_field(
        forms.TimeField, label, errors, widget=widget, input_formats=["%H:%M", "%Hh%M", "%H:%M:%S"], **kwargs
    )


class SlotForm(MaillonForm):
    """One proposed slot: a date, its start and its end (a row left empty is ignored)."""

    day = date_field("Date", required=False)
    starts = time_field("Début", required=False)
    ends = time_field("Fin", required=False)

    def clean(self):
        data = super().clean()
        if not self.has_changed() or self.errors:
            return data
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day is None:
            self.add_error("day", "Date : indiquez la date du créneau.")
        elif day < timezone.localdate():
            self.add_error("day", "Date : proposez une date à venir.")
        if starts is None:
            self.add_error("starts", "Début : indiquez l'heure de début.")
        if ends is None:
            self.add_error("ends", "Fin : indiquez l'heure de fin.")
        elif starts is not None and ends <= starts:
            self.add_error("ends", "Fin : elle suit le début.")
        return data

    def slot(self):
        data = self.cleaned_data
        start = timezone.make_aware(datetime.datetime.combine(data["day"], data["starts"]))
        end = timezone.make_aware(datetime.datetime.combine(data["day"], data["ends"]))
        return start, end


class BaseSlotFormSet(forms.BaseFormSet):
    def slots(self) -> list[tuple]:
        return [form.slot() for form in self.forms if form.has_changed() and form.is_valid()]

    def clean(self):
        if any(self.errors):
            return
        if not self.slots():
            raise ValidationError("Créneaux proposés : proposez au moins une date, avec son début et sa fin.")


SlotFormSet = forms.formset_factory(SlotForm, formset=BaseSlotFormSet, extra=3, max_num=10, validate_max=True)


def grouped_by_profession(memberships) -> list[tuple[str, list[tuple[int, str]]]]:
    """(profession, [(adhesion id, name)…]) in the profession's order, names sorted."""
    groups: dict[str, list] = {}
    for membership in memberships:
        professional = membership.professional
        groups.setdefault(professional.get_profession_display(), []).append((membership.pk, member_label(membership)))
    return [(profession, sorted(rows, key=lambda row: row[1])) for profession, rows in sorted(groups.items())]


class ScheduleForm(MaillonForm):
    """Who is invited (adherents of the CPTS, by profession) and where the conference takes place."""

    memberships = forms.TypedMultipleChoiceField(
        label="Adhérents invités",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Adhérents invités : cochez au moins un adhérent.",
            "invalid_choice": "Adhérents invités : choisissez parmi les adhérents proposés.",
        },
        help_text="L'équipe de soins du patient est cochée d'avance. Chaque invité répond au sondage "
        "des dates ; sa présence, notée sur la page de la réunion, compte son temps pour les indemnités.",
    )
    visio_url = forms.URLField(
        label="Lien de visioconférence",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Lien de visioconférence : adresse invalide."},
    )
    place = text_field("Lieu", 300, required=False, help_text="Si la concertation se tient aussi en présentiel.")

    def __init__(self, *args, adherents, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = grouped_by_profession(adherents)
        self.fields["memberships"].choices = self.groups

    def picked(self) -> set[int]:
        """The adhesions ticked (posted, or the initial ones), as numbers."""
        value = self["memberships"].value() or []
        return {int(pk) for pk in value if str(pk).isdigit()}


# --- The record of the day -------------------------------------------------------------------


class RecordForm(MaillonForm):
    held_on = past_date_field("Tenue le", initial=timezone.localdate)
    conclusions = long_text(
        "Conclusions",
        rows=6,
        message="Conclusions : écrivez ce que la concertation a conclu.",
        help_text="Sans nom du patient ni numéro : le compte rendu est lu par tous les participants.",
    )
    next_review_on = date_field(
        "Prochaine réévaluation du PPCS",
        required=False,
        help_text="Facultatif : sinon celle du PPCS en cours, ou dans trois mois.",
    )

    def __init__(self, *args, plan_follows: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not plan_follows:
            del self.fields["next_review_on"]

    def clean_next_review_on(self):
        value = self.cleaned_data["next_review_on"]
        if value is not None and value <= timezone.localdate():
            raise ValidationError("Prochaine réévaluation du PPCS : choisissez une date à venir.")
        return value


class DecisionForm(MaillonForm):
    """One decision: what, who (an adherent) and for when; a row left empty is ignored."""

    description = text_field("Décision", 300, required=False)
    owner = adherent_field("Responsable", required=False)
    due_on = date_field("Échéance", required=False)

    def __init__(self, *args, adherents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = adherents

    def clean(self):
        data = super().clean()
        if not self.has_changed():
            return data
        if not (data.get("description") or "").strip() and "description" not in self.errors:
            self.add_error("description", "Décision : décrivez ce qui est décidé.")
        if data.get("owner") is None and "owner" not in self.errors:
            self.add_error("owner", "Responsable : choisissez un adhérent.")
        if data.get("due_on") is None and "due_on" not in self.errors:
            self.add_error("due_on", "Échéance : indiquez la date.")
        return data

    def decision(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("description", "owner", "due_on")}


class BaseDecisionFormSet(forms.BaseFormSet):
    def decisions(self) -> list[dict]:
        return [form.decision() for form in self.forms if form.has_changed() and form.is_valid()]


DecisionFormSet = forms.formset_factory(
    DecisionForm, formset=BaseDecisionFormSet, extra=3, max_num=30, validate_max=True
)


# --- Actions on a conference and its decisions ----------------------------------------------


class CancelForm(MaillonForm):
    reason = text_field(
        "Motif de l'annulation",
        300,
        error_messages={"required": "Motif de l'annulation : dites pourquoi la concertation est annulée."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="cancel", **kwargs)


class CompleteForm(MaillonForm):
    """A decision or an improvement action done: what was done, and when (today if empty). A
    conference's decisions are prefixed by their number (`prefix`), several on one page."""

    outcome = text_field("Ce qui a été fait", 300, required=False, help_text="Quelques mots, facultatif.")
    done_on = past_date_field(
        "Réalisée le", required=False, initial=timezone.localdate, help_text="Aujourd'hui si vide."
    )


class DropForm(MaillonForm):
    """A decision or an improvement action dropped, with its reason; `what`: « la décision »."""

    note = text_field("Motif de l'abandon", 300)

    def __init__(self, *args, what: str = "la décision", **kwargs):
        super().__init__(*args, **kwargs)
        note = self.fields["note"]
        said = f"Motif de l'abandon : dites pourquoi {what} est abandonnée."
        note.error_messages = {**note.error_messages, "required": said}
