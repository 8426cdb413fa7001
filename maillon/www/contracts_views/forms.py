"""Forms of the ACI pages. Every message names its field, in French."""

from decimal import Decimal
from functools import partial

from django import forms

from maillon.contracts import catalogue
from maillon.contracts.models import SpendingCategory
from maillon.core.missions import OPTIONAL
from maillon.core.missions import label as mission_label
from maillon.core.uploads import MEGABYTE, check_document

from ..toolkit import forms as toolkit
from ..toolkit.forms import MaillonForm, amount_field, date_field, number_field, text_field

TAILLE_CHOICES = [(taille, f"Taille {taille}") for taille in range(1, 5)]
OPTIONAL_CHOICES = [(int(mission), mission_label(mission)) for mission in OPTIONAL]
MAX_TIERS = 5

VALUE_DOCUMENT_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
# Justificatifs of an indicator value: PDF or image (by extension and first bytes), 10 Mo at most.
validate_value_document = partial(
    check_document,
    label="Justificatif",
    signatures={".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"},
    formats="seuls les fichiers PDF, PNG et JPEG sont acceptés.",
    max_bytes=10 * MEGABYTE,
)


def optional_missions_field(label, invalid_choice):
    """Missions 5 and 6, as checkboxes (the socle missions 1 to 4 are in every contract)."""
    errors = {"invalid_choice": invalid_choice}
    return toolkit.checkboxes_field(label, OPTIONAL_CHOICES, coerce=int, error_messages=errors)


def year_field(contract, label="Année du contrat"):
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        choices=[(year.number, str(year)) for year in contract.years()],
        error_messages={
            "required": f"{label} : choisissez l'année.",
            "invalid_choice": f"{label} : choisissez une des années du contrat.",
        },
    )


# --- The contract -----------------------------------------------------------------------


class ContractForm(MaillonForm):
    signed_on = date_field("Date de signature")
    reference = text_field("Référence du contrat", 50, required=False)
    taille = forms.TypedChoiceField(
        label="Taille",
        coerce=int,
        choices=TAILLE_CHOICES,
        error_messages={
            "required": "Taille : choisissez la taille.",
            "invalid_choice": "Taille : choisissez entre 1 et 4.",
        },
    )
    optional_missions = optional_missions_field(
        "Missions optionnelles (les missions socle 1 à 4 sont toujours incluses)",
        "Missions optionnelles : choisissez la mission 5 ou 6.",
    )


class MissionDatesForm(MaillonForm):
    started_on = date_field("Démarrée le", required=False)
    deployed_on = date_field("Pleinement déployée le", required=False)

    def clean(self):
        data = super().clean()
        if data.get("deployed_on") and not data.get("started_on"):
            self.add_error("started_on", "Démarrée le : indiquez le démarrage avant le déploiement complet.")
        return data


class AmendmentForm(MaillonForm):
    signed_on = date_field("Date de l'avenant")
    summary = forms.CharField(
        label="Objet de l'avenant",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Objet de l'avenant : dites ce qu'il change."},
    )
    new_taille = toolkit.int_choice_field(
        "Nouvelle taille",
        [("", "Inchangée"), *TAILLE_CHOICES],
        invalid_choice="Nouvelle taille : choisissez entre 1 et 4.",
    )
    add_missions = optional_missions_field("Missions ajoutées", "Missions ajoutées : choisissez la mission 5 ou 6.")
    remove_missions = optional_missions_field(
        "Missions retirées", "Missions retirées : seules les missions 5 et 6 peuvent être retirées."
    )
    add_indicators = toolkit.checkboxes_field(
        "Indicateurs ajoutés (catalogue)",
        error_messages={"invalid_choice": "Indicateurs ajoutés : choisissez dans le catalogue."},
    )
    retire_indicators = toolkit.checkboxes_field(
        "Indicateurs retirés",
        coerce=int,
        error_messages={"invalid_choice": "Indicateurs retirés : choisissez un indicateur en vigueur."},
    )

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = list(contract.indicators.filter(retired_on__isnull=True)) if contract else []
        taken = {indicator.code for indicator in current}
        self.fields["add_indicators"].choices = [
            (entry.code, f"Mission {entry.mission} — {entry.name}")
            for entry in catalogue.entries()
            if entry.code not in taken
        ]
        self.fields["retire_indicators"].choices = [
            (indicator.pk, f"Mission {indicator.mission} — {indicator.name}") for indicator in current
        ]


class StateDateForm(MaillonForm):
    """« Le contrat au … » (GET)."""

    date = date_field("Le contrat au")


# --- Money ------------------------------------------------------------------------------


class ReceiptForm(MaillonForm):
    received_on = date_field("Reçu le")
    amount = amount_field("Montant reçu (€)")
    label = text_field("Libellé", 200, required=False)

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"contract_year": year_field(contract), **self.fields}


class SpendingForm(MaillonForm):
    mission = toolkit.int_choice_field(
        "Mission", invalid_choice="Mission : choisissez une mission du contrat ou le fonctionnement."
    )
    category = forms.ChoiceField(
        label="Nature de la dépense",
        choices=[("", "Choisir"), *SpendingCategory.choices],
        error_messages={
            "required": "Nature de la dépense : choisissez-la.",
            "invalid_choice": "Nature de la dépense : choisissez une des natures proposées.",
        },
    )
    label = text_field("Libellé", 200, error_messages={"required": "Libellé : dites ce que la dépense a payé."})
    amount = amount_field("Montant (€)")
    spent_on = date_field("Date de la dépense")

    def __init__(self, *args, contract, missions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"contract_year": year_field(contract), **self.fields}
        self.fields["mission"].choices = [("", "Fonctionnement (toutes missions)")] + [
            (mission, mission_label(mission)) for mission in missions
        ]


# --- Indicators ---------------------------------------------------------------------------


class IndicatorForm(MaillonForm):
    """An indicator from the catalogue (its definition and unit come with it) or the CPTS's own."""

    catalogue_code = toolkit.choice_field(
        "Indicateur du catalogue", invalid_choice="Indicateur du catalogue : choisissez un indicateur proposé."
    )
    mission = toolkit.int_choice_field(
        "Mission (indicateur propre à la CPTS)", invalid_choice="Mission : choisissez une mission du contrat."
    )
    name = text_field("Intitulé (indicateur propre à la CPTS)", 200, name="Intitulé", required=False)
    unit = text_field("Unité", 40, required=False)
    definition = forms.CharField(label="Définition", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    baseline_value = number_field("Valeur de référence")
    baseline_on = date_field("Date de la référence", required=False)
    baseline_source = text_field(
        "Source de la référence (ex. Rézone CPTS)", 100, name="Source de la référence", required=False
    )
    target = text_field("Cible", 200, required=False)
    added_on = date_field("Ajouté le")

    def __init__(self, *args, missions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalogue_code"].choices = [("", "Aucun : indicateur propre à la CPTS")] + [
            (f"Mission {mission}", [(e.code, e.name) for e in catalogue.entries() if e.mission == mission])
            for mission in missions
        ]
        self.fields["mission"].choices = [("", "Choisir")] + [(m, mission_label(m)) for m in missions]

    def clean(self):
        data = super().clean()
        code = data.get("catalogue_code")
        if code:
            entry = catalogue.entry(code)
            data["mission"] = entry.mission
            data["name"] = data.get("name") or entry.name
        else:
            if not data.get("mission") and "mission" not in self.errors:
                self.add_error("mission", "Mission : choisissez la mission de l'indicateur.")
            if not data.get("name") and "name" not in self.errors:
                self.add_error("name", "Intitulé : nommez l'indicateur, ou choisissez-en un dans le catalogue.")
        return data


class TiersForm(MaillonForm):
    """Up to five tiers: label, de, à, montant. An empty row is ignored."""

    def __init__(self, *args, indicator=None, **kwargs):
        initial = {}
        if indicator is not None:
            for index, tier in enumerate(list(indicator.tiers.all())[:MAX_TIERS], start=1):
                initial |= {
                    f"label_{index}": tier.label,
                    f"low_{index}": tier.low,
                    f"high_{index}": tier.high,
                    f"amount_{index}": tier.amount,
                }
        super().__init__(*args, initial=initial, **kwargs)
        for index in range(1, MAX_TIERS + 1):
            row = f"Palier {index}"
            self.fields[f"label_{index}"] = text_field(f"{row} — libellé", 100, required=False)
            self.fields[f"low_{index}"] = number_field(f"{row} — de")
            self.fields[f"high_{index}"] = number_field(f"{row} — à")
            self.fields[f"amount_{index}"] = amount_field(f"{row} — montant (€)", required=False, min_value=Decimal(0))

    def rows(self):
        """[(label field, de, à, montant)…] for the template."""
        return [
            tuple(self[f"{name}_{index}"] for name in ("label", "low", "high", "amount"))
            for index in range(1, MAX_TIERS + 1)
        ]

    def clean(self):
        data = super().clean()
        tiers = []
        for index in range(1, MAX_TIERS + 1):
            label, low, high, amount = (data.get(f"{name}_{index}") for name in ("label", "low", "high", "amount"))
            if not label and low is None and high is None and amount is None:
                continue
            if any(f"{name}_{index}" in self.errors for name in ("low", "high", "amount")):
                continue
            if amount is None:
                self.add_error(f"amount_{index}", f"Palier {index} — montant (€) : indiquez le montant.")
            elif low is None and high is None:
                self.add_error(f"low_{index}", f"Palier {index} — de : indiquez au moins une borne.")
            elif low is not None and high is not None and high < low:
                self.add_error(f"high_{index}", f"Palier {index} — à : la borne haute est inférieure à la borne basse.")
            else:
                tiers.append((low, high, amount, label))
        data["tiers"] = tiers
        return data


class RetireForm(MaillonForm):
    retired_on = date_field("Retiré le")


class ValueForm(MaillonForm):
    value = number_field("Valeur", required=True)
    note = text_field("Commentaire", 300, required=False)
    document = forms.FileField(
        label="Justificatif (PDF ou image, 10 Mo au plus)",
        required=False,
        validators=[validate_value_document],
        error_messages={"invalid": "Justificatif : fichier illisible.", "empty": "Justificatif : le fichier est vide."},
    )

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"contract_year": year_field(contract), **self.fields}


class RefreshForm(MaillonForm):
    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract_year"] = year_field(contract)
