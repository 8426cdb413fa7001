"""The ACI simulator: what a CPTS would receive in a contract year (public, nothing written)."""

from decimal import Decimal
from typing import Annotated

from ninja import Router, Schema
from pydantic import Field

from maillon.contracts import funding_table
from maillon.contracts.funding import missing_socle, simulate_year
from maillon.contracts.tariffs import SOCLE_MISSIONS
from maillon.territories.services import UnknownCommuneError, communes_by_code, today
from maillon.territories.taille import taille_for_population

from .errors import validation_error_response
from .schemas import MAX_COMMUNES, CommuneCode, FundingLineFields, ValidationErrorOut

router = Router(tags=["ACI"], auth=None)

MissionNumber = Annotated[int, Field(ge=1, le=6)]
Euros = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
SOURCE_FIELDS = ("taille", "population", "communes")


class AciSimulationIn(Schema):
    taille: int | None = Field(None, ge=1, le=4, description="Taille de la CPTS (1 à 4).")
    population: int | None = Field(None, ge=0, le=100_000_000, description="Population du territoire.")
    communes: list[CommuneCode] | None = Field(
        None, min_length=1, max_length=MAX_COMMUNES, description="Codes INSEE des communes du territoire."
    )
    missions: list[MissionNumber] = Field(
        default_factory=lambda: list(SOCLE_MISSIONS),
        max_length=6,
        description="Missions choisies (1 à 6) ; les missions socle 1 à 4 par défaut.",
    )
    contract_year: int = Field(
        1, ge=1, le=5, description="Année du contrat : 1 = première rédaction du plan de crise, ensuite sa mise à jour."
    )
    serious_crisis: bool = Field(False, description="Une crise sanitaire grave est reconnue cette année.")
    indicator_results: dict[MissionNumber, Euros] | None = Field(
        None,
        description=(
            "Part variable atteinte par mission, en euros (plafonnée à l'enveloppe) ; "
            "une mission absente compte en entier."
        ),
        examples=[{"1": "18000.00", "2": "12500"}],
    )


class AciLineOut(FundingLineFields):
    part: str = Field(
        description="fonctionnement, fixed, variable ; mission 4 : fixed_first_drafting, fixed_update, variable_crisis."
    )
    envelope: Decimal = Field(description="Le plus que la ligne peut verser, en euros.")
    amount: Decimal = Field(description="Montant simulé, en euros.")


class AciSimulationOut(Schema):
    taille: int
    population: int | None = Field(description="Population utilisée (donnée ou calculée), sinon null.")
    contract_year: int
    tariff: str = Field(description="Version du barème appliquée.")
    lines: list[AciLineOut]
    total: Decimal
    maximum: Decimal = Field(description="Toutes les lignes à leur enveloppe, part variable de crise comprise.")
    warnings: list[str]


@router.post(
    "/aci/simulate",
    response={200: AciSimulationOut, 422: ValidationErrorOut},
    summary="Simuler le financement ACI d'une année",
)
def simulate(request, payload: AciSimulationIn):
    """Chaque ligne du financement d'une année (barème en vigueur aujourd'hui) ; n'enregistre rien.

    Donnez une seule des trois : `taille`, `population` ou `communes` (codes INSEE, population
    municipale des communes actuelles). Sans `indicator_results`, les parts variables comptent
    en entier (le maximum).
    """
    given = [name for name in SOURCE_FIELDS if getattr(payload, name) is not None]
    if len(given) != 1:
        message = "Indiquez une seule des trois valeurs : taille, population ou communes."
        return validation_error_response(["body", "payload", given[1] if given else "taille"], [message])
    missions = tuple(sorted(set(payload.missions)))
    earned = payload.indicator_results or {}
    for mission in sorted(earned):
        if mission not in missions:
            return validation_error_response(
                ["body", "payload", "indicator_results", str(mission)],
                [f"Mission {mission} : absente de « missions »."],
            )
    population = payload.population
    if payload.communes is not None:
        try:
            communes = communes_by_code(payload.communes)
        except UnknownCommuneError as error:
            return validation_error_response(["body", "payload", "communes"], error.messages)
        population = sum(commune.population for commune in communes.values())
    taille = payload.taille if payload.taille is not None else taille_for_population(population)
    funding = simulate_year(
        taille=taille,
        missions=missions,
        contract_year=payload.contract_year,
        serious_crisis=payload.serious_crisis,
        earned=earned,
        on=today(),
    )
    return {
        "taille": taille,
        "population": population,
        "contract_year": payload.contract_year,
        "tariff": funding.tariff_version,
        "lines": funding_table.api_lines(funding_table.build(funding)),
        "total": funding.total,
        "maximum": funding.maximum,
        "warnings": missing_socle(missions),
    }
