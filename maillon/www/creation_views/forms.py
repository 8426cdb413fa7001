"""Forms of the CPTS-space pages of the creation: a step of the checklist and its documents, the
start-up grant (decision, payment, spending), the projet de santé (diagnosis, a mission's
diagnosis, a fiche-action, a funder's decision). Every error names its field; the services
check again and their refusals come back on the form (`space.add_errors`)."""

from decimal import Decimal

from django import forms

from maillon.core.forms import EMPTY_CHOICE_LABEL
from maillon.core.missions import OPTIONAL, Mission
from maillon.creation.models import ReviewDecision, SpendingCategory
from maillon.governance.models import validate_document_file

from ..toolkit.forms import (
    MaillonForm,
    amount_field,
    checkboxes_field,
    date_field,
    document_file_field,
    named_field,
    past_date_field,
    text_field,
)

# Payment rows of the grant decision: every payment not yet paid, two blank rows, at least four,
# at most the API's limit (24).
MAX_PAYMENTS = 24
# The digits the models keep for an amount (up to 99 999 999,99 €): the form says it, naming the field.
MONEY_DIGITS = 10
BLANK_PAYMENT_ROWS = 2
MIN_PAYMENT_ROWS = 4


def payment_rows_for(unpaid: int) -> int:
    return min(MAX_PAYMENTS, max(MIN_PAYMENT_ROWS, unpaid + BLANK_PAYMENT_ROWS))


def textarea(label, max_length, *, rows=4, required=True, name="", help_text=""):
    errors = {"max_length": f"{max_length} caractères au plus."}
    if required:
        errors["required"] = "ce champ est obligatoire."
    return named_field(
        forms.CharField,
        label,
        errors,
        name=name,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# --- The 10 steps ------------------------------------------------------------------------------


class StepForm(MaillonForm):
    planned_on = date_field("Prévue le", required=False)
    done_on = past_date_field("Faite le", required=False, help_text="Laissez vide tant que l'étape n'est pas faite.")
    note = text_field("Note", 500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, can_tick: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_tick:
            # A step a decision proves takes its date from that decision.
            del self.fields["done_on"]


class StepDocumentForm(MaillonForm):
    title = text_field("Titre du document", 200, name="Titre")
    file = document_file_field()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_document_file(upload)
        return upload


# --- Start-up grant ----------------------------------------------------------------------------


class GrantForm(MaillonForm):
    """The ARS's decision: amount, date, conditions and the payments not yet paid, one row each
    (`rows`: the rows shown; the decision replaces every payment not yet paid with the filled rows)."""

    amount = amount_field("Montant", max_digits=MONEY_DIGITS, help_text="En euros, par exemple 15000.")
    decided_on = past_date_field("Décidée le")
    conditions = textarea("Conditions", 3000, required=False, rows=4)

    def __init__(self, *args, rows: int = MIN_PAYMENT_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for index in range(1, rows + 1):
            self.add_field(f"payment_{index}_on", date_field(f"Versement {index} — date prévue", required=False))
            self.add_field(
                f"payment_{index}_amount",
                amount_field(f"Versement {index} — montant", required=False, max_digits=MONEY_DIGITS),
            )

    @property
    def payment_rows(self):
        return [(self[f"payment_{i}_on"], self[f"payment_{i}_amount"]) for i in range(1, self.rows + 1)]

    def clean(self):
        data = super().clean()
        payments = []
        for index in range(1, self.rows + 1):
            due_on, amount = data.get(f"payment_{index}_on"), data.get(f"payment_{index}_amount")
            if due_on is None and amount is None:
                continue
            if due_on is None and f"payment_{index}_on" not in self.errors:
                self.add_error(f"payment_{index}_on", f"Versement {index} — date prévue : indiquez la date.")
            if amount is None and f"payment_{index}_amount" not in self.errors:
                self.add_error(f"payment_{index}_amount", f"Versement {index} — montant : indiquez le montant.")
            payments.append((due_on, amount))
        data["payments"] = payments
        return data


class PaidForm(MaillonForm):
    paid_on = past_date_field("Versée le")


class GrantSpendingForm(MaillonForm):
    spent_on = past_date_field("Date")
    category = forms.ChoiceField(
        label="Nature",
        choices=[("", EMPTY_CHOICE_LABEL), *SpendingCategory.choices],
        error_messages={
            "required": "Nature : choisissez la nature de la dépense.",
            "invalid_choice": "Nature : choisissez une des natures proposées.",
        },
    )
    label = text_field("Libellé", 200)
    amount = amount_field("Montant", max_digits=MONEY_DIGITS, help_text="En euros.")


# --- Projet de santé ---------------------------------------------------------------------------


class DiagnosisForm(MaillonForm):
    diagnosis = textarea(
        "Synthèse du diagnostic territorial",
        20000,
        rows=10,
        required=False,
        help_text="Ce que le diagnostic partagé a montré du territoire : population, offre de soins, besoins.",
    )
    missions = checkboxes_field(
        "Missions optionnelles retenues",
        [(mission, Mission(mission).label) for mission in OPTIONAL],
        coerce=int,
        error_messages={"invalid_choice": "Missions optionnelles retenues : choisissez la mission 5 ou 6."},
    )


class SectionForm(MaillonForm):
    diagnosis = textarea(
        "Synthèse du diagnostic pour la mission",
        10000,
        rows=8,
        required=False,
        name="Synthèse du diagnostic",
    )


class SheetForm(MaillonForm):
    """A fiche-action, as the ARS and the CPAM read it (`services.SHEET_FIELDS`)."""

    title = text_field("Titre de la fiche-action", 200, name="Titre")
    need = textarea("Besoin identifié", 5000, rows=3)
    objective = textarea("Objectif", 5000, rows=3)
    target_population = text_field("Population cible", 500)
    actions = textarea("Actions prévues", 10000, rows=5)
    owner = text_field("Pilote", 200, help_text="La personne ou la structure qui porte l'action.")
    partners = text_field("Partenaires", 500, required=False)
    calendar = text_field("Calendrier", 500)
    budget = amount_field(
        "Budget prévisionnel", required=False, min_value=0, max_value=Decimal("1000000"), help_text="En euros."
    )
    indicators = textarea(
        "Indicateurs de suivi",
        3000,
        rows=3,
        required=False,
        help_text="Un indicateur par ligne ; une fois le projet validé, ils sont proposés au contrat ACI.",
    )


class ReviewForm(MaillonForm):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[
            (ReviewDecision.VALIDATED, "Valider le projet de santé"),
            (ReviewDecision.RETURNED, "Renvoyer le projet avec des remarques"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Décision : choisissez de valider ou de renvoyer le projet.",
            "invalid_choice": "Décision : choisissez de valider ou de renvoyer le projet.",
        },
    )
    comments = textarea(
        "Remarques",
        10000,
        rows=6,
        required=False,
        help_text="Obligatoires pour renvoyer le projet : dites aux porteurs ce qu'il faut reprendre.",
    )
