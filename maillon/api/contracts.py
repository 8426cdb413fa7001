"""The ACI contract of a CPTS: the contract and its calendar, a year's funding, the
indicators with their values, spending.

Who (`maillon.contracts.policies`, as on the pages): the coordinators of the CPTS read and
write; the observers and authorities (ARS, CPAM) of its territory — a `TerritoryRole` over a
département or région where the CPTS has communes — and the platform admins read, with their
personal token (a token carries its user's rights, maillon/api/auth.py). Anyone else gets 404,
as for a CPTS that does not exist; a reader who writes gets 403.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from maillon.contracts import policies, selectors, services
from maillon.contracts.funding_table import api_lines
from maillon.contracts.models import SpendingCategory

from .common import CptsRouter, cpts_or_404, first_or_404
from .errors import InvalidField
from .schemas import ERRORS, READ_ERRORS, FundingLineFields, IsoDate

router = CptsRouter(tags=["Contrat ACI"], read_errors=READ_ERRORS, write_errors=ERRORS)

NO_CONTRACT = "Aucun contrat ACI n'est enregistré pour cette CPTS."
YEAR_NOT_FOUND = "Année du contrat introuvable."
INDICATOR_NOT_FOUND = "Indicateur introuvable dans le contrat de cette CPTS."
COORDINATOR_ONLY = "Seuls les coordinateurs de cette CPTS peuvent modifier son contrat ACI."

Amount = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]


# --- Access ---------------------------------------------------------------------------


def access(request, cpts_id, *, write=False):
    """(cpts, contract); 404 without a reading role or a contract, 403 for a reader who writes."""
    cpts = cpts_or_404(request, cpts_id, policies.can_read_contract)
    if write and not policies.can_edit_contract(request.auth, cpts):
        raise HttpError(403, COORDINATOR_ONLY)
    contract = selectors.current_contract(cpts)
    if contract is None:
        raise HttpError(404, NO_CONTRACT)
    return cpts, contract


# --- Schemas --------------------------------------------------------------------------


class ContractDeadlineOut(Schema):
    label: str
    due_on: datetime.date
    done_on: datetime.date | None
    state: str = Field(description="done, on_time, upcoming, overdue")
    state_label: str


class MissionOut(Schema):
    mission: int
    label: str
    socle: bool
    included_on: datetime.date
    removed_on: datetime.date | None
    started_on: datetime.date | None
    deployed_on: datetime.date | None
    deadlines: list[ContractDeadlineOut]


class AmendmentOut(Schema):
    number: int
    signed_on: datetime.date
    summary: str
    new_taille: int | None
    missions_added: list[int]
    missions_removed: list[int]


class TaillePeriodOut(Schema):
    valid_from: datetime.date
    taille: int


class IndicatorRefOut(Schema):
    id: int
    code: str
    mission: int
    name: str


class ContractStateOut(Schema):
    on: datetime.date
    in_force: bool
    taille: int
    missions: list[int]
    indicators: list[IndicatorRefOut]


class ContractOut(Schema):
    id: int
    reference: str
    signed_on: datetime.date
    ends_on: datetime.date = Field(description="Le lendemain du dernier jour du contrat.")
    duration_years: int
    taille_at_signature: int
    current_year: int | None = Field(description="Année du contrat en cours aujourd'hui, null hors contrat.")
    taille_periods: list[TaillePeriodOut]
    missions: list[MissionOut] = Field(description="Toutes les missions, y compris retirées par avenant.")
    amendments: list[AmendmentOut]
    state: ContractStateOut = Field(description="Le contrat à la date demandée (aujourd'hui par défaut).")


class FundingLineOut(FundingLineFields):
    envelope: Decimal = Field(description="Le plus que la ligne peut verser cette année, en euros.")
    amount: Decimal = Field(description="Ce qu'elle verse, en euros.")


class YearFundingOut(Schema):
    contract_year: int
    starts_on: datetime.date
    ends_on: datetime.date = Field(description="Le lendemain du dernier jour de l'année.")
    tariff: str
    facts: dict[str, bool]
    lines: list[FundingLineOut]
    total: Decimal
    maximum: Decimal


class TierOut(Schema):
    label: str
    low: Decimal | None
    high: Decimal | None
    amount: Decimal


class ValueOut(Schema):
    contract_year: int
    value: Decimal
    earned: Decimal = Field(description="Montant atteint selon les paliers, en euros.")
    source: str
    note: str
    has_document: bool
    entered_at: datetime.datetime


class IndicatorOut(Schema):
    id: int
    code: str
    mission: int
    name: str
    definition: str
    unit: str
    source: str = Field(description="entered (saisi) ou computed (calculé par la plateforme)")
    baseline_value: Decimal | None
    baseline_on: datetime.date | None
    baseline_source: str
    target: str
    added_on: datetime.date
    retired_on: datetime.date | None
    tiers: list[TierOut]
    values: list[ValueOut]


class ValueIn(Schema):
    contract_year: int = Field(ge=1, le=5)
    value: Decimal = Field(max_digits=14, decimal_places=2)
    note: str = Field("", max_length=300)


class SpendingOut(Schema):
    id: int
    contract_year: int
    mission: int | None = Field(description="null : fonctionnement")
    category: str
    category_label: str
    label: str
    amount: Decimal
    spent_on: datetime.date


class SpendingPageOut(Schema):
    items: list[SpendingOut]
    total: Decimal


class SpendingIn(Schema):
    contract_year: int = Field(ge=1, le=5)
    mission: int | None = Field(None, ge=1, le=6, description="null : fonctionnement")
    category: SpendingCategory
    label: str = Field(min_length=1, max_length=200)
    amount: Amount
    spent_on: IsoDate


# --- Presenters -----------------------------------------------------------------------


def mission_dict(commitment, today):
    return {
        "mission": commitment.mission,
        "label": commitment.get_mission_display(),
        "socle": commitment.is_socle,
        "included_on": commitment.included_on,
        "removed_on": commitment.removed_on,
        "started_on": commitment.started_on,
        "deployed_on": commitment.deployed_on,
        "deadlines": [
            {
                "label": deadline.label,
                "due_on": deadline.due_on,
                "done_on": deadline.done_on,
                "state": str(deadline.state),
                "state_label": deadline.state_label,
            }
            for deadline in commitment.deadlines(today)
        ],
    }


def indicator_dict(indicator):
    terms = selectors.indicator_terms(indicator)
    return {
        **{
            name: getattr(indicator, name)
            for name in (
                "id",
                "code",
                "mission",
                "name",
                "definition",
                "unit",
                "source",
                "baseline_value",
                "baseline_on",
                "baseline_source",
                "target",
                "added_on",
                "retired_on",
            )
        },
        "tiers": [
            {"label": tier.label, "low": tier.low, "high": tier.high, "amount": tier.amount}
            for tier in indicator.tiers.all()
        ],
        "values": [value_dict(row, terms) for row in indicator.values.all()],
    }


def value_dict(row, terms):
    return {
        "contract_year": row.contract_year,
        "value": row.value,
        "earned": terms.earned(row.value),
        "source": row.source,
        "note": row.note,
        "has_document": bool(row.document),
        "entered_at": row.entered_at,
    }


def spending_dict(spending):
    return {
        "id": spending.pk,
        "contract_year": spending.contract_year,
        "mission": spending.mission,
        "category": spending.category,
        "category_label": spending.get_category_display(),
        "label": spending.label,
        "amount": spending.amount,
        "spent_on": spending.spent_on,
    }


# --- Operations -----------------------------------------------------------------------


@router.get(
    "/cpts/{int:cpts_id}/aci",
    response=ContractOut,
    summary="Le contrat ACI, ses missions et leurs échéances, ses avenants",
)
def get_contract(
    request,
    cpts_id: int,
    date: Annotated[IsoDate | None, Query(description="Le contrat à cette date (AAAA-MM-JJ)")] = None,
):
    """Le contrat en vigueur (sinon le dernier signé) : échéances « démarrage » et « déploiement
    complet » de chaque mission, avenants, périodes de taille, et l'état du contrat à `date`."""
    _, contract = access(request, cpts_id)
    today = timezone.localdate()
    on = date or today
    state = contract.state_on(on)
    commitments = contract.missions.select_related("added_by", "removed_by").order_by("mission", "included_on")
    amendments = contract.amendments.prefetch_related("missions_added", "missions_removed").order_by("number")
    return {
        "id": contract.pk,
        "reference": contract.reference,
        "signed_on": contract.signed_on,
        "ends_on": contract.ends_on,
        "duration_years": contract.duration_years,
        "taille_at_signature": contract.taille,
        "current_year": contract.year_number_on(today),
        "taille_periods": [{"valid_from": start, "taille": taille} for start, taille in contract.taille_periods()],
        "missions": [mission_dict(commitment, today) for commitment in commitments],
        "amendments": [
            {
                "number": amendment.number,
                "signed_on": amendment.signed_on,
                "summary": amendment.summary,
                "new_taille": amendment.new_taille,
                "missions_added": [commitment.mission for commitment in amendment.missions_added.all()],
                "missions_removed": [commitment.mission for commitment in amendment.missions_removed.all()],
            }
            for amendment in amendments
        ],
        "state": {
            "on": on,
            "in_force": contract.is_in_force_on(on),
            "taille": state.taille,
            "missions": state.mission_numbers,
            "indicators": [
                {"id": indicator.pk, "code": indicator.code, "mission": indicator.mission, "name": indicator.name}
                for indicator in state.indicators
            ],
        },
    }


@router.get(
    "/cpts/{int:cpts_id}/aci/years/{int:year}/funding",
    response=YearFundingOut,
    summary="Le financement d'une année du contrat",
)
def get_year_funding(request, cpts_id: int, year: int):
    """Chaque ligne de l'année (barème, taille en vigueur, avenants, missions démarrées, faits de
    l'année, valeurs des indicateurs), le total et le maximum possible."""
    _, contract = access(request, cpts_id)
    if not 1 <= year <= contract.duration_years:
        raise HttpError(404, YEAR_NOT_FOUND)
    contract_year = contract.year(year)
    table = selectors.funding_table_for_year(contract, year)
    return {
        "contract_year": year,
        "starts_on": contract_year.starts_on,
        "ends_on": contract_year.ends_on,
        "tariff": table.tariff_version,
        "facts": {str(code): value for code, value in services.facts_of_year(contract, year).items()},
        "lines": api_lines(table),
        "total": table.total,
        "maximum": table.maximum,
    }


@router.get(
    "/cpts/{int:cpts_id}/aci/indicators",
    response=list[IndicatorOut],
    summary="Les indicateurs du contrat et leurs valeurs",
)
def list_indicators(
    request,
    cpts_id: int,
    date: Annotated[IsoDate | None, Query(description="Les indicateurs en vigueur à cette date")] = None,
):
    """Par mission : référence, cible, paliers et montants, valeur de chaque année et montant atteint."""
    _, contract = access(request, cpts_id)
    on = date or timezone.localdate()
    return [indicator_dict(indicator) for indicator in selectors.indicators_with_values(contract, on)]


@router.post(
    "/cpts/{int:cpts_id}/aci/indicators/{int:indicator_id}/values",
    response={201: ValueOut},
    summary="Saisir la valeur d'un indicateur pour une année",
)
def record_value(request, cpts_id: int, indicator_id: int, payload: ValueIn):
    """Saisit (ou corrige) la valeur de l'année ; pas pour un indicateur calculé par la plateforme.
    Le justificatif se dépose sur la page des indicateurs."""
    _, contract = access(request, cpts_id, write=True)
    indicator = first_or_404(contract.indicators.filter(pk=indicator_id), INDICATOR_NOT_FOUND)
    try:
        row = services.record_value(indicator=indicator, by=request.auth, **payload.dict())
    except DjangoValidationError as error:
        raise InvalidField.of(error) from error
    terms = selectors.indicator_terms(indicator)
    return Status(201, value_dict(row, terms))


@router.get("/cpts/{int:cpts_id}/aci/spending", response=SpendingPageOut, summary="Les dépenses du contrat")
def list_spending(
    request,
    cpts_id: int,
    year: Annotated[int | None, Query(ge=1, le=5, description="Année du contrat")] = None,
    mission: Annotated[int | None, Query(ge=0, le=6, description="Mission (0 : fonctionnement)")] = None,
):
    """Ce que l'argent du contrat a payé, par année, mission et nature ; avec le total."""
    _, contract = access(request, cpts_id)
    spendings = contract.spendings.order_by("contract_year", "spent_on", "pk")
    if year is not None:
        spendings = spendings.filter(contract_year=year)
    if mission is not None:
        spendings = spendings.filter(mission=mission) if mission else spendings.filter(mission__isnull=True)
    items = list(spendings)
    return {"items": [spending_dict(item) for item in items], "total": sum((s.amount for s in items), Decimal(0))}


@router.post("/cpts/{int:cpts_id}/aci/spending", response={201: SpendingOut}, summary="Enregistrer une dépense")
def create_spending(request, cpts_id: int, payload: SpendingIn):
    """Une dépense d'une année du contrat, pour une mission (null : le fonctionnement)."""
    _, contract = access(request, cpts_id, write=True)
    try:
        spending = services.add_spending(contract=contract, by=request.auth, **payload.dict())
    except DjangoValidationError as error:
        raise InvalidField.of(error) from error
    return Status(201, spending_dict(spending))
