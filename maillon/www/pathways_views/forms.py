"""Forms of the care pathways pages (on the toolkit's `MaillonForm`: errors name their field)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.identifiers import compact_nir, validate_insee_commune_code, validate_nir
from maillon.members.models import Membership
from maillon.members.professions import Profession
from maillon.pathways.models import (
    ASSESSMENT_DIMENSIONS,
    ActionKind,
    Anchor,
    CloseReason,
    ConsentMode,
    InsStatus,
    Programme,
    Relationship,
    Sex,
)
from maillon.pathways.services import PERSONAL_FIELDS

from ..toolkit.forms import (
    MaillonForm,
    PhoneField,
    birth_date_field,
    date_field,
    named_field,
    past_date_field,
    text_field,
)

IDENTITY_HELP = (
    "Les quatre statuts du référentiel national d'identitovigilance (RNIV) : "
    "provisoire — l'identité est déclarée, ni vérifiée sur une pièce d'identité ni retrouvée au téléservice INSi ; "
    "récupérée — l'identité et le matricule INS viennent du téléservice INSi, sans pièce d'identité vue ; "
    "validée — l'identité a été vérifiée sur une pièce d'identité, sans le téléservice ; "
    "qualifiée — les deux : pièce d'identité vue et identité retrouvée au téléservice INSi. "
    "Seule une identité qualifiée peut transmettre son matricule INS."
)
CONSENT_STATEMENT = (
    "Le patient a été informé du parcours et a donné son accord pour y être inclus et pour que les "
    "membres de son équipe de soins partagent les informations utiles à sa prise en charge."
)


def member_label(membership) -> str:
    professional = membership.professional
    return f"{professional.last_name.upper()} {professional.first_name} — {professional.get_profession_display()}"


class AdherentChoiceField(forms.ModelChoiceField):
    """A professional adherent of the CPTS, said by name and profession."""

    def label_from_instance(self, obj):
        return member_label(obj)


def adherent_field(label, *, required=True, **kwargs):
    errors = {"required": "choisissez un adhérent.", "invalid_choice": "choisissez un adhérent de la liste."}
    return named_field(
        AdherentChoiceField, label, errors, queryset=Membership.objects.none(), required=required, **kwargs
    )


def select_field(label, choices, *, required=True, empty=True, **kwargs):
    """A select (or radio buttons); with `empty`, nothing is chosen until the user chooses."""
    errors = {"required": "choisissez une valeur.", "invalid_choice": "choisissez une des valeurs proposées."}
    if empty:
        choices = [("", "— Choisir —"), *choices]
    return named_field(forms.ChoiceField, label, errors, choices=choices, required=required, **kwargs)


def days_field(label, **kwargs):
    errors = {
        "required": "indiquez un nombre de jours.",
        "invalid": "saisissez un nombre entier de jours.",
        "min_value": "le nombre de jours ne peut pas être négatif.",
        "max_value": "3650 jours au plus.",
    }
    return named_field(forms.IntegerField, label, errors, min_value=0, max_value=3650, **kwargs)


# --- Programmes ----------------------------------------------------------------------------


class ProgrammeForm(MaillonForm):
    """What a new version of a programme may change, besides its steps."""

    name = text_field("Nom du programme", 150, error_messages={"required": "Nom du programme : indiquez un nom."})
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    eligibility = forms.CharField(
        label="Critères d'inclusion", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    perinatal = forms.BooleanField(
        label="Périnatalité / santé de la femme",
        required=False,
        help_text="L'observatoire compte à part les parcours de périnatalité et de santé de la femme.",
    )
    shared = forms.BooleanField(
        label="Partager ce programme avec les autres CPTS",
        required=False,
        help_text="Les coordinations des autres CPTS pourront en copier la version en vigueur (jamais les patients).",
    )


class StepForm(MaillonForm):
    """One step of a programme: what, by whom, when and the tolerance."""

    title = text_field("Étape", 200, error_messages={"required": "Étape : dites ce qui est à faire."})
    profession = select_field("Profession", [("", "— Aucune —"), *Profession.choices], required=False, empty=False)
    role = text_field("Ou rôle", 100, required=False, help_text="Par exemple « Référent » ou « Coordination ».")
    anchor = select_field("À compter", Anchor.choices, empty=False, initial=Anchor.INCLUSION)
    offset_days = days_field("Délai (jours)", initial=0)
    tolerance_days = days_field("Tolérance (jours)", initial=7)

    def clean(self):
        data = super().clean()
        if not data.get("profession") and not (data.get("role") or "").strip():
            self.add_error("profession", "Profession : indiquez une profession ou un rôle pour cette étape.")
        if data.get("anchor") == Anchor.RECURRING and data.get("offset_days") == 0:
            self.add_error("offset_days", "Délai (jours) : une étape régulière revient au moins tous les 1 jour.")
        return data

    def step(self) -> dict:
        fields = ["title", "profession", "role", "anchor", "offset_days", "tolerance_days"]
        return {name: self.cleaned_data[name] for name in fields}


class BaseStepFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Retirer cette étape"

    def kept(self):
        """The steps to keep, in order: the programme's own and the new ones filled in, less
        those ticked for removal."""
        return [
            form.step()
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
            and form.is_valid()
        ]

    def clean(self):
        if any(self.errors):
            return
        if not self.kept():
            raise ValidationError("Étapes : un programme garde au moins une étape.")


StepFormSet = forms.formset_factory(
    StepForm, formset=BaseStepFormSet, extra=2, can_delete=True, max_num=40, validate_max=True
)


def step_initial(programme: Programme) -> list[dict]:
    return [
        {
            "title": step.title,
            "profession": step.profession,
            "role": step.role,
            "anchor": step.anchor,
            "offset_days": step.offset_days,
            "tolerance_days": step.tolerance_days,
        }
        for step in programme.steps.all()
    ]


# --- Inclusion -----------------------------------------------------------------------------


class IncludeForm(MaillonForm):
    """Include a patient: the programme, the identity (INS traits), the consent, the lead and
    one more member of the care team if wanted."""

    programme = named_field(
        forms.ModelChoiceField,
        "Programme",
        {"required": "choisissez un programme.", "invalid_choice": "choisissez un programme en vigueur."},
        queryset=Programme.objects.none(),
    )
    birth_name = text_field(
        "Nom de naissance", 100, help_text="Tel qu'il est écrit sur la pièce d'identité, en entier."
    )
    used_name = text_field("Nom utilisé", 100, required=False, help_text="S'il diffère du nom de naissance.")
    given_names = text_field(
        "Prénoms de naissance", 200, help_text="Tous les prénoms de l'état civil, dans l'ordre, séparés par une espace."
    )
    first_given_name = text_field("Premier prénom de naissance", 100)
    sex = select_field("Sexe", Sex.choices, empty=False, widget=forms.RadioSelect)
    birth_date = birth_date_field()
    birth_place_code = text_field(
        "Lieu de naissance (code INSEE)",
        5,
        required=False,
        help_text="Le code INSEE de la commune de naissance, 5 caractères (99… pour une naissance à l'étranger).",
    )
    ins_number = text_field(
        "Matricule INS",
        21,
        required=False,
        help_text="Le NIR du patient, 15 caractères ; obligatoire pour une identité récupérée ou qualifiée.",
    )
    identity_qualification = select_field(
        "Statut de l'identité", InsStatus.choices, empty=False, initial=InsStatus.PROVISIONAL, help_text=IDENTITY_HELP
    )
    phone = PhoneField("Téléphone")
    email = named_field(
        forms.EmailField,
        "Courriel",
        {"invalid": "saisissez une adresse électronique valide, par exemple nom@exemple.fr."},
        required=False,
        max_length=254,
    )
    consent_on = past_date_field("Consentement recueilli le")
    consent_mode = select_field("Recueil du consentement", ConsentMode.choices)
    consent = named_field(
        forms.BooleanField,
        CONSENT_STATEMENT,
        {"required": "cochez la case si le patient a donné son accord ; sans son accord, il n'est pas inclus."},
        name="Consentement",
    )
    lead = adherent_field("Professionnel référent")
    team_member = adherent_field(
        "Autre membre de l'équipe de soins",
        required=False,
        help_text="Facultatif ; d'autres membres, et les personnes extérieures à la CPTS, s'ajoutent ensuite.",
    )
    team_role = text_field("Son rôle dans l'équipe", 100, required=False)

    def __init__(self, *args, cpts, programmes, adherents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["lead"].queryset = adherents
        self.fields["team_member"].queryset = adherents

    def clean_birth_place_code(self):
        value = self.cleaned_data["birth_place_code"].strip().upper()
        if value:
            try:
                validate_insee_commune_code(value)
            except ValidationError as error:
                raise ValidationError(f"Lieu de naissance : {error.messages[0]}") from error
        return value

    def clean_ins_number(self):
        value = compact_nir(self.cleaned_data["ins_number"].strip())
        if value:
            try:
                validate_nir(value)
            except ValidationError as error:
                raise ValidationError(
                    "Matricule INS : le numéro n'est pas valide (15 caractères, clé de contrôle)."
                ) from error
        return value

    def clean(self):
        data = super().clean()
        if data.get("identity_qualification") in (InsStatus.RETRIEVED, InsStatus.QUALIFIED) and not data.get(
            "ins_number"
        ):
            self.add_error("ins_number", "Matricule INS : une identité récupérée ou qualifiée porte son matricule INS.")
        member, lead = data.get("team_member"), data.get("lead")
        if member is not None and member == lead:
            self.add_error("team_member", "Autre membre de l'équipe de soins : le référent en fait déjà partie.")
        return data

    # The patient's personal fields (`services.PERSONAL_FIELDS`), their status and the consent.
    IDENTITY = [*PERSONAL_FIELDS, "identity_qualification", "consent_on", "consent_mode"]

    def identity_and_consent(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.IDENTITY}

    def team(self) -> list[dict]:
        member = self.cleaned_data.get("team_member")
        if member is None:
            return []
        return [{"membership": member, "role": self.cleaned_data["team_role"], "starts_on": timezone.localdate()}]


class AdherentMemberForm(MaillonForm):
    """An adherent of the CPTS joins the care team."""

    membership = adherent_field("Adhérent")
    role = text_field("Rôle dans l'équipe", 100, required=False, help_text="Par exemple « Infirmier à domicile ».")

    def __init__(self, *args, adherents, **kwargs):
        super().__init__(*args, prefix="adherent", **kwargs)
        self.fields["membership"].queryset = adherents


class PersonMemberForm(MaillonForm):
    """A person outside the CPTS (family carer, social worker…) joins the care team."""

    name = text_field("Nom et prénom", 150)
    relationship = select_field("Lien avec le patient", Relationship.choices)
    contact = text_field("Contact", 150, required=False, help_text="Un téléphone ou un courriel.")
    role = text_field("Rôle dans l'équipe", 100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="person", **kwargs)


class LeadForm(MaillonForm):
    lead = adherent_field("Nouveau référent")

    def __init__(self, *args, adherents, **kwargs):
        super().__init__(*args, prefix="lead", **kwargs)
        self.fields["lead"].queryset = adherents


class CloseForm(MaillonForm):
    reason = select_field("Motif de clôture", CloseReason.choices)
    note = text_field("Précision", 300, required=False, help_text="Facultatif ; sans donnée de santé.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="close", **kwargs)


# --- The work of a pathway ------------------------------------------------------------------


class CompleteTaskForm(MaillonForm):
    """A care task done: a short outcome and the day (today unless said)."""

    outcome = text_field(
        "Résultat",
        300,
        error_messages={"required": "Résultat : dites en quelques mots ce qui a été fait."},
        help_text="Quelques mots, sans détail médical inutile.",
    )
    done_on = past_date_field("Faite le", required=False, initial=timezone.localdate, help_text="Aujourd'hui si vide.")

    def __init__(self, *args, task=None, **kwargs):
        # One form per task on a page: its fields' ids carry the task's number.
        super().__init__(*args, prefix=f"task-{task.pk}" if task is not None else "task", **kwargs)


class ResolveBreakForm(MaillonForm):
    resolution = text_field(
        "Ce qui a été fait",
        300,
        error_messages={"required": "Ce qui a été fait : dites comment la rupture a été traitée."},
    )

    def __init__(self, *args, care_break=None, **kwargs):
        prefix = f"break-{care_break.pk}" if care_break is not None else "break"
        super().__init__(*args, prefix=prefix, **kwargs)


class PlanForm(MaillonForm):
    """A new version of the PPCS: the assessment by dimension (HAS), problems and needs, goals
    and the next reassessment date; the actions come in their own formset."""

    problems = forms.CharField(label="Problèmes et besoins", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    goals = forms.CharField(label="Objectifs", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    next_review_on = date_field("Prochaine réévaluation", help_text="Une date à venir.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in ASSESSMENT_DIMENSIONS.items():
            self.fields[f"assessment_{key}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def assessment_fields(self):
        return [self[f"assessment_{key}"] for key in ASSESSMENT_DIMENSIONS]

    def plan(self) -> dict:
        data = self.cleaned_data
        return {
            "assessment": {key: data[f"assessment_{key}"].strip() for key in ASSESSMENT_DIMENSIONS},
            "problems": data["problems"].strip(),
            "goals": data["goals"].strip(),
            "next_review_on": data["next_review_on"],
        }


def plan_initial(plan) -> dict:
    """The form filled from a version of the PPCS (the next one starts from it)."""
    if plan is None:
        return {}
    initial = {"problems": plan.problems, "goals": plan.goals}
    return initial | {f"assessment_{key}": value for key, value in (plan.assessment or {}).items()}


class ActionForm(MaillonForm):
    kind = select_field("Nature", ActionKind.choices)
    description = text_field("Action", 300)
    owner = text_field("Qui", 150)
    due_on = date_field("Pour le", required=False)

    def action(self) -> dict:
        return {name: self.cleaned_data[name] for name in ["kind", "description", "owner", "due_on"]}


class BaseActionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Retirer cette action"

    def kept(self) -> list[dict]:
        """The actions filled in, less those ticked for removal."""
        return [
            form.action()
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form) and form.is_valid()
        ]


ActionFormSet = forms.formset_factory(
    ActionForm, formset=BaseActionFormSet, extra=2, can_delete=True, max_num=40, validate_max=True
)


def action_initial(plan) -> list[dict]:
    if plan is None:
        return []
    fields = ["kind", "description", "owner", "due_on"]
    return [{name: getattr(action, name) for name in fields} for action in plan.actions.all()]


class StayForm(MaillonForm):
    """A hospital stay the team learnt of; the discharge may come later."""

    admitted_on = past_date_field("Entrée le")
    discharged_on = past_date_field("Sortie le", required=False, help_text="Si le patient est déjà sorti.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="stay", **kwargs)

    def clean(self):
        data = super().clean()
        admitted, discharged = data.get("admitted_on"), data.get("discharged_on")
        if admitted and discharged and discharged < admitted:
            self.add_error("discharged_on", "Sortie le : elle vient après l'entrée.")
        return data


class DischargeForm(MaillonForm):
    discharged_on = past_date_field("Sortie le", initial=timezone.localdate)

    def __init__(self, *args, stay=None, **kwargs):
        super().__init__(*args, prefix=f"discharge-{stay.pk}" if stay is not None else "discharge", **kwargs)
