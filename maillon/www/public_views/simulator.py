"""« Simulateur de financement ACI »: the year's funding line by line, as the seeds present it.

A GET form (it writes nothing, works without JavaScript and gives a shareable address);
the same engine as `POST /api/v1/aci/simulate`.
"""

from django import forms
from django.shortcuts import render

from maillon.contracts import funding_table
from maillon.contracts.funding import missing_socle, simulate_year
from maillon.contracts.tariffs import SOCLE_MISSIONS, tariff_on
from maillon.territories.services import UnknownCommuneError, communes_by_code, today
from maillon.territories.taille import taille_for_population, taille_labels

from ..toolkit.forms import MaillonForm, int_choice_field, missions_field, text_field
from ..toolkit.navigation import breadcrumb
from . import page

MAX_COMMUNES = 2000


def taille_choices() -> list[tuple[str, str]]:
    """The tailles and their populations, from the setting's thresholds (`MAILLON_TAILLE_MINIMUMS`)."""
    return [
        ("", "Calculer à partir de la population ou des communes"),
        *((str(taille), label) for taille, label in taille_labels()),
    ]


YEAR_CHOICES = [
    ("1", "Année 1 — première rédaction du plan de crise"),
    *[(str(year), f"Année {year} — mise à jour du plan de crise") for year in range(2, 6)],
]


class SimulatorForm(MaillonForm):
    taille = int_choice_field(
        "Taille de la CPTS", taille_choices, invalid_choice="Taille : choisissez une taille de 1 à 4."
    )
    population = forms.IntegerField(
        label="Ou la population du territoire",
        help_text="Nombre d'habitants (population municipale).",
        min_value=0,
        max_value=100_000_000,
        required=False,
        error_messages={
            "invalid": "Population : indiquez un nombre entier d'habitants.",
            "min_value": "Population : indiquez un nombre positif.",
            "max_value": "Population : au plus 100 000 000 d'habitants.",
        },
    )
    communes = text_field(
        "Ou les communes du territoire",
        MAX_COMMUNES * 7,
        help_text="Codes INSEE séparés par des espaces ou des virgules, par exemple : 78646, 78158.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"Communes : au plus {MAX_COMMUNES} communes."},
    )
    missions = missions_field(
        "Missions choisies",
        name="Missions",
        help_text="Les missions 1 à 4 sont les missions socle, obligatoires dans un ACI ; 5 et 6 sont optionnelles.",
    )
    contract_year = forms.TypedChoiceField(
        label="Année du contrat",
        choices=YEAR_CHOICES,
        coerce=int,
        initial="1",
        error_messages={
            "required": "Année du contrat : choisissez une année de 1 à 5.",
            "invalid_choice": "Année du contrat : choisissez une année de 1 à 5.",
        },
    )
    serious_crisis = forms.BooleanField(
        label="Une crise sanitaire grave est reconnue cette année",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["missions"].initial = list(SOCLE_MISSIONS)
        self.population = None
        self.commune_count = 0

    def clean_communes(self):
        codes = [code for code in self.cleaned_data["communes"].replace(",", " ").split() if code]
        if len(codes) > MAX_COMMUNES:
            raise forms.ValidationError(f"Communes : au plus {MAX_COMMUNES} communes.")
        return codes

    def clean(self):
        cleaned = super().clean()
        given = [
            name
            for name in ("taille", "population", "communes")
            if name not in self.errors and cleaned.get(name) not in (None, [])
        ]
        if any(name in self.errors for name in ("taille", "population", "communes")):
            return cleaned
        if len(given) != 1:
            message = "Taille : indiquez la taille, la population ou les communes (une seule des trois)."
            self.add_error("taille", message)
            return cleaned
        if cleaned.get("communes"):
            try:
                communes = communes_by_code(cleaned["communes"])
            except UnknownCommuneError as error:
                self.add_error("communes", f"Communes : {error.messages[0]}")
                return cleaned
            self.commune_count = len(communes)
            self.population = sum(commune.population for commune in communes.values())
        elif cleaned.get("population") is not None:
            self.population = cleaned["population"]
        return cleaned

    def taille_used(self) -> int:
        taille = self.cleaned_data.get("taille")
        return taille if taille is not None else taille_for_population(self.population)


@page("aci/simulateur/")
def aci_simulator(request):
    submitted = bool(request.GET)
    form = SimulatorForm(request.GET) if submitted else SimulatorForm()
    context = {
        "form": form,
        "title": "Simulateur de financement ACI",
        "nav": "simulator",
        "breadcrumb_data": breadcrumb("Simulateur de financement ACI"),
        "tariff": tariff_on(today()),
    }
    if submitted and form.is_valid():
        missions = tuple(sorted(set(form.cleaned_data["missions"])))
        funding = simulate_year(
            taille=form.taille_used(),
            missions=missions,
            contract_year=form.cleaned_data["contract_year"],
            serious_crisis=form.cleaned_data["serious_crisis"],
            on=today(),
        )
        context |= funding_table.page_context(funding_table.build(funding)) | {
            "funding": funding,
            "taille": form.taille_used(),
            "population": form.population,
            "commune_count": form.commune_count,
            "warnings": missing_socle(missions),
            "contract_year": form.cleaned_data["contract_year"],
            "serious_crisis": form.cleaned_data["serious_crisis"],
        }
    return render(request, "www/aci/simulator.html", context)
