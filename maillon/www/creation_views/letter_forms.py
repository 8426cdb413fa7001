"""The forms of the lettre d'intention: the filing form (the letter, its promoters in a fixed
number of rows, a trap for robots), the draft territory's fields, the promoters' answer, and the
ARS's three decisions.

The domain (`creation.services`) has the last word: these forms check what a field can say by
itself (required, length, an identifier's key), so the message sits next to its field; the
service's refusals (`ValidationError` keyed by field) are put on the same fields
(`put_domain_errors`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict

from maillon.core.identifiers import validate_finess, validate_rpps, validate_siret
from maillon.core.models import LegalForm
from maillon.creation.models import PromoterKind
from maillon.creation.services import PromoterIn
from maillon.members.professions import Profession

from ..cpts_views.forms import CommuneCodesField, OptionalCommuneCodeField
from ..public_views.public_request import RobotTrap
from ..toolkit.forms import MaillonForm, PhoneField, text_field

# Promoter rows shown on the filing form; a blank row is ignored.
PROMOTER_ROWS = 6
PROMOTER_FIELDS = ("kind", "name", "profession", "rpps", "finess", "siret", "email")
PROMOTER_LABELS = {
    "kind": "Type",
    "name": "Nom",
    "profession": "Profession",
    "rpps": "RPPS",
    "finess": "FINESS",
    "siret": "SIRET",
    "email": "Courriel",
}
NO_PROMOTER = "Porteurs : indiquez au moins un porteur du projet."
NO_COMMUNE = "Territoire envisagé : choisissez au moins une commune."
# What the user types in a row: a row with none of them is blank (its type has a default).
PROMOTER_TYPED = ("name", "profession", "rpps", "finess", "siret", "email")


def promoter_field_name(row: int, name: str) -> str:
    return f"promoter_{row}_{name}"


def _row_name(row: int, name: str) -> str:
    return f"Porteur n° {row} — {PROMOTER_LABELS[name]}"


def _checked(validator, name: str):
    """`validator`, its message starting with the field's name."""

    def check(value):
        try:
            validator(value)
        except ValidationError as error:
            raise ValidationError(f"{name} : {error.messages[0]}") from None

    return check


def _promoter_field(row: int, name: str) -> forms.Field:
    full = _row_name(row, name)
    errors = {
        "required": f"{full} : ce champ est obligatoire.",
        "invalid_choice": f"{full} : choisissez une des valeurs proposées.",
        "max_length": f"{full} : %(limit_value)d caractères au plus.",
    }
    common = {"label": PROMOTER_LABELS[name], "required": False, "error_messages": errors}
    if name == "kind":
        return forms.ChoiceField(choices=PromoterKind.choices, initial=PromoterKind.PROFESSIONAL, **common)
    if name == "profession":
        return forms.ChoiceField(choices=[("", "— Choisir —"), *Profession.choices], **common)
    if name == "email":
        errors["invalid"] = f"{full} : saisissez une adresse électronique valide, par exemple nom@exemple.fr."
        return forms.EmailField(max_length=254, **common)
    if name == "rpps":
        return forms.CharField(max_length=11, validators=[_checked(validate_rpps, full)], **common)
    if name == "finess":
        return forms.CharField(max_length=9, validators=[_checked(validate_finess, full)], **common)
    if name == "siret":
        return forms.CharField(max_length=20, validators=[_checked(validate_siret, full)], **common)
    return forms.CharField(max_length=200, **common)


class LetterForm(MaillonForm, RobotTrap):
    """The lettre d'intention, without its territory (`DraftForm`)."""

    project_name = text_field(
        "Nom envisagé de la CPTS",
        200,
        help_text="Par exemple « CPTS du Val de Seine ». L'ARS peut le corriger en acceptant la lettre.",
    )
    legal_form = forms.ChoiceField(
        label="Forme juridique envisagée", choices=LegalForm.choices, initial=LegalForm.ASSOCIATION_1901
    )
    professions = forms.MultipleChoiceField(
        label="Professions engagées",
        choices=Profession.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les professions des porteurs et des professionnels déjà prêts à s'engager.",
        error_messages={"required": "Professions engagées : cochez au moins une profession."},
    )
    needs = text_field(
        "Premiers besoins repérés sur le territoire",
        5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Accès aux soins, parcours, prévention… en quelques lignes. N'écrivez aucune donnée de patient.",
    )
    contact_name = text_field("Nom du contact", 200, help_text="La personne que l'ARS contacte au sujet de la lettre.")
    contact_email = forms.EmailField(
        label="Courriel du contact",
        max_length=254,
        help_text="Le lien de suivi de la lettre y est envoyé : gardez-le, il ouvre la lettre sans mot de passe.",
    )
    contact_phone = PhoneField("Téléphone du contact")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(1, PROMOTER_ROWS + 1):
            for name in PROMOTER_FIELDS:
                self.add_field(promoter_field_name(row, name), _promoter_field(row, name))
        # The errors on the promoters as a whole (« au moins un porteur »), shown in their fieldset.
        self.promoter_errors: list[str] = []

    def promoter_rows(self):
        """[(row number, [bound fields])] for the template."""
        return [
            (row, [self[promoter_field_name(row, name)] for name in PROMOTER_FIELDS])
            for row in range(1, PROMOTER_ROWS + 1)
        ]

    def _row(self, row: int) -> dict:
        return {name: self.cleaned_data.get(promoter_field_name(row, name)) or "" for name in PROMOTER_FIELDS}

    def _blank(self, row: int) -> bool:
        return not any(
            str(self.data.get(self.add_prefix(promoter_field_name(row, name)), "")).strip() for name in PROMOTER_TYPED
        )

    def clean(self):
        cleaned = super().clean()
        if all(self._blank(row) for row in range(1, PROMOTER_ROWS + 1)):
            self.promoter_errors.append(NO_PROMOTER)
            self.add_error(None, NO_PROMOTER)
        for row in range(1, PROMOTER_ROWS + 1):
            if self._blank(row):
                continue
            values = self._row(row)
            missing = ["name", "email"]
            if values["kind"] == PromoterKind.PROFESSIONAL:
                missing += ["rpps", "profession"]
            for name in missing:
                field = promoter_field_name(row, name)
                if not values[name] and field not in self.errors:
                    self.add_error(field, f"{_row_name(row, name)} : ce champ est obligatoire.")
            if values["kind"] == PromoterKind.STRUCTURE and not (values["finess"] or values["siret"]):
                field = promoter_field_name(row, "finess")
                if field not in self.errors and promoter_field_name(row, "siret") not in self.errors:
                    self.add_error(
                        field, f"Porteur n° {row} — FINESS ou SIRET : une structure s'identifie par l'un des deux."
                    )
        return cleaned

    def promoters(self) -> list[PromoterIn]:
        """The filled rows, in their order (call once the form is valid)."""
        rows = []
        for row in range(1, PROMOTER_ROWS + 1):
            if self._blank(row):
                continue
            values = self._row(row)
            professional = values["kind"] == PromoterKind.PROFESSIONAL
            rows.append(
                PromoterIn(
                    kind=values["kind"],
                    name=values["name"],
                    email=values["email"],
                    profession=values["profession"],
                    rpps=values["rpps"] if professional else "",
                    finess="" if professional else values["finess"],
                    siret="" if professional else values["siret"],
                )
            )
        return rows

    def letter(self) -> dict:
        """The keyword arguments of `services.file_letter`, but the communes."""
        data = self.cleaned_data
        fields = ("project_name", "legal_form", "professions", "needs", "contact_name", "contact_email")
        return {
            **{name: data[name] for name in fields},
            "contact_phone": data["contact_phone"],
            "promoters": self.promoters(),
        }

    def quiet(self):
        """Show the form as typed, without its errors: adding or removing a commune is not filing."""
        self.full_clean()
        self._errors = ErrorDict()
        self.promoter_errors = []
        return self


class DraftForm(MaillonForm):
    """The draft territory carried by the filing form: its communes (hidden inputs), the pending
    add or remove, the search query. Field names as the territory editor's (`build_draft`)."""

    communes = CommuneCodesField(required=False)
    add = OptionalCommuneCodeField(required=False)
    remove = OptionalCommuneCodeField(required=False)
    q = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)


def put_domain_errors(form, error: ValidationError, *, draft=None):
    """A refusal of `services.file_letter` on the form: each message on its field; the promoters'
    on the promoters' fieldset and the summary; the territory's on the draft's preview and the
    summary; any other on top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, errors in error.error_dict.items():
        messages = [message for item in errors for message in item.messages]
        if key in form.fields:
            label = str(form.fields[key].label)
            form.add_error(key, [m if m.startswith(label) else f"{label} : {m}" for m in messages])
            continue
        if key == "promoters":
            form.promoter_errors += messages
        if key == "communes" and draft is not None:
            draft.errors += messages
        form.add_error(None, messages)


class AnswerForm(MaillonForm):
    """The promoters' answer to the ARS's questions."""

    body = text_field(
        "Votre réponse",
        5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Elle est envoyée à l'ARS avec la lettre. N'écrivez aucune donnée de patient.",
    )
    needs = text_field(
        "Premiers besoins repérés sur le territoire",
        5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Modifiez-les si l'ARS vous le demande ; sinon laissez-les tels quels.",
    )

    def quiet(self):
        """Show the answer as typed, without its errors: adding or removing a commune is not answering."""
        self.full_clean()
        self._errors = ErrorDict()
        return self


class RequestForm(MaillonForm):
    """The ARS asks the promoters for more."""

    comments = text_field(
        "Message aux porteurs",
        5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Ce que vous demandez ; les porteurs le reçoivent par courriel avec le lien de leur lettre.",
    )


class AcceptForm(MaillonForm):
    """The ARS accepts the letter: the CPTS is created under this name."""

    name = text_field(
        "Nom de la CPTS créée",
        200,
        required=False,
        help_text="Le nom envisagé par les porteurs, sauf si vous le corrigez.",
    )


class RefuseForm(MaillonForm):
    """The ARS refuses the letter, saying why."""

    reason = text_field(
        "Motif du refus",
        5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Les porteurs le reçoivent par courriel.",
    )
