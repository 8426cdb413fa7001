"""Reads of the ACI: the facts of a contract year for the funding engine, its funding,
the mission calendar and its warnings."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from maillon.core.missions import Mission

from . import funding, funding_table, schedule
from .models import Contract, DueState, FactCode, Indicator, IndicatorTier, IndicatorValue
from .services import facts_of_year
from .tariffs import tariff_on


def current_contract(cpts, on: datetime.date | None = None) -> Contract | None:
    """The ACI in force on `on` (today), else the latest signed one."""
    on = on or timezone.localdate()
    contracts = list(Contract.objects.for_cpts(cpts).order_by("-signed_on"))
    for contract in contracts:
        if contract.is_in_force_on(on):
            return contract
    return contracts[0] if contracts else None


def _commitments_of_year(contract, year):
    return contract.missions.filter(included_on__lt=year.ends_on).filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=year.starts_on)
    )


def mission_starts(contract, year) -> dict[int, datetime.date | None]:
    """The missions in the contract during `year`, and the day each started (None: not yet)."""
    return {commitment.mission: commitment.started_on for commitment in _commitments_of_year(contract, year)}


def mission_ends(contract, year) -> dict[int, datetime.date | None]:
    """The missions of `year` an avenant removed, and the day it did."""
    return {
        commitment.mission: commitment.removed_on
        for commitment in _commitments_of_year(contract, year)
        if commitment.removed_on is not None
    }


def indicators_with_values(contract, on: datetime.date, until: datetime.date | None = None):
    """The indicators in force on `on` (with `until`: at some point of [on, until)), their
    tiers and every yearly value, in two queries."""
    indicators = contract.indicators.in_force_on(on) if until is None else contract.indicators.overlapping(on, until)
    return list(
        indicators.prefetch_related(
            Prefetch("tiers", queryset=IndicatorTier.objects.order_by("amount", "pk")),
            Prefetch("values", queryset=IndicatorValue.objects.order_by("contract_year")),
        ).order_by("mission", "position", "pk")
    )


def indicator_terms(indicator: Indicator) -> funding.IndicatorTerms:
    tiers = tuple(funding.Tier(tier.low, tier.high, tier.amount) for tier in indicator.tiers.all())
    return funding.IndicatorTerms(indicator.code, indicator.mission, indicator.name, tiers)


def value_of(indicator: Indicator, contract_year: int) -> IndicatorValue | None:
    return next((row for row in indicator.values.all() if row.contract_year == contract_year), None)


def indicators_of_year(contract, year):
    """The indicators in the contract at some point of `year` (added or retired in it count)."""
    return indicators_with_values(contract, year.starts_on, year.ends_on)


def indicator_results(contract, year) -> dict[int, tuple[funding.IndicatorResult, ...] | None]:
    """Each mission's indicator results of `year`, from the values entered for it."""
    results: dict[int, list] = {}
    for indicator in indicators_of_year(contract, year):
        row = value_of(indicator, year.number)
        result = funding.IndicatorResult(indicator_terms(indicator), row.value if row else None)
        results.setdefault(indicator.mission, []).append(result)
    answer = {mission: tuple(items) for mission, items in results.items()}
    # The crisis variable part is a flat amount once a serious crisis is recognised
    # (« si crise reconnue par l'ARS ») unless the contract ties it to indicators.
    if not any(result.terms.tiers for result in answer.get(Mission.CRISIS, ())):
        answer[Mission.CRISIS] = None
    return answer


def crisis_plan_drafted_under_earlier_contract(contract) -> bool:
    """A crisis plan was drafted or updated under an earlier ACI of the CPTS: a renewed ACI
    never pays the first drafting again."""
    codes = (FactCode.CRISIS_PLAN_FIRST_DRAFTED, FactCode.CRISIS_PLAN_UPDATED)
    earlier = Contract.objects.filter(cpts_id=contract.cpts_id, signed_on__lt=contract.signed_on)
    return any(
        facts_of_year(other, number)[code]
        for other in earlier
        for number in range(1, other.duration_years + 1)
        for code in codes
    )


def taille_periods_of_year(contract, number: int) -> funding.TaillePeriods:
    """The contract's taille periods cut to year `number` (`funding.periods_for_year`)."""
    year = contract.year(number)
    return funding.periods_for_year(contract.taille_periods(), year.starts_on, year.ends_on)


def year_facts(contract, number: int) -> funding.YearFacts:
    """The facts of year `number` for the engine: the one code path of the funding page, the
    API, the payment schedule, the report and its next-year forecast."""
    year = contract.year(number)
    facts = facts_of_year(contract, number)
    drafted_before = any(
        facts_of_year(contract, earlier)[FactCode.CRISIS_PLAN_FIRST_DRAFTED] for earlier in range(1, number)
    ) or crisis_plan_drafted_under_earlier_contract(contract)
    return funding.YearFacts(
        contract_year=number,
        year_start=year.starts_on,
        year_end=year.ends_on,
        taille_periods=taille_periods_of_year(contract, number),
        mission_starts=mission_starts(contract, year),
        mission_ends=mission_ends(contract, year),
        crisis_plan_first_drafted=facts[FactCode.CRISIS_PLAN_FIRST_DRAFTED],
        crisis_plan_updated=facts[FactCode.CRISIS_PLAN_UPDATED],
        serious_crisis_recognised=facts[FactCode.SERIOUS_CRISIS_RECOGNISED],
        indicator_results=indicator_results(contract, year),
        crisis_plan_drafted_before=drafted_before,
    )


def funding_for_year(contract, number: int) -> funding.YearFunding:
    """What year `number` pays, from the recorded facts, indicator values and avenants."""
    facts = year_facts(contract, number)
    return funding.compute_year(facts, tariff_on(facts.year_start))


@dataclass(frozen=True)
class Warning:
    level: str  # "overdue" | "upcoming"
    message: str


def calendar(contract, today: datetime.date | None = None) -> list[tuple]:
    """[(commitment, [Deadline…])…] for the missions in the contract today."""
    today = today or timezone.localdate()
    commitments = contract.missions.filter(removed_on__isnull=True).order_by("mission")
    return [(commitment, commitment.deadlines(today)) for commitment in commitments]


def warnings(contract, today: datetime.date | None = None) -> list[Warning]:
    """Overdue and upcoming mission deadlines, most urgent first."""
    items = []
    for commitment, deadlines in calendar(contract, today):
        for deadline in deadlines:
            if deadline.state not in (DueState.OVERDUE, DueState.UPCOMING):
                continue
            message = (
                f"{commitment.get_mission_display()} : {deadline.label.lower()} attendu le {deadline.due_on:%d/%m/%Y}"
            )
            if deadline.state == DueState.OVERDUE:
                items.append((0, deadline.due_on, Warning("overdue", f"{message}, en retard.")))
            else:
                items.append((1, deadline.due_on, Warning("upcoming", f"{message}.")))
    return [warning for _, _, warning in sorted(items, key=lambda item: (item[0], item[1]))]


def spending_by_year(contract) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for spending in contract.spendings.all():
        totals[spending.contract_year] = totals.get(spending.contract_year, Decimal(0)) + spending.amount
    return totals


# --- Money: the payment schedule, received, spent -----------------------------------------


def payment_schedule(contract, today: datetime.date | None = None) -> schedule.PaymentSchedule:
    """The advances and balances of the contract (schedule.py), from what is recorded.

    Each year is built from its `year_facts` and the tariff in force on its first day, as
    `funding_for_year` does: the schedule's payments of a year add up to that year's
    total (variable parts as earned from the values entered; a year without values earns
    nothing yet). `today` is kept for the callers; the schedule does not depend on it.
    """
    years = []
    for year in contract.years():
        facts = year_facts(contract, year.number)
        years.append((facts, tariff_on(facts.year_start)))
    return schedule.schedule_of_years(years)


@dataclass(frozen=True)
class YearMoney:
    """One contract year: what it pays (computed), its ceiling, the schedule's payments,
    what was received and what was spent."""

    year: object  # models.ContractYear
    due: Decimal
    maximum: Decimal
    scheduled: Decimal
    received: Decimal
    spent: Decimal

    @property
    def balance(self) -> Decimal:
        """Received and not spent (negative: spent more than received)."""
        return self.received - self.spent


def money_by_year(contract, plan: schedule.PaymentSchedule | None = None) -> list[YearMoney]:
    plan = plan or payment_schedule(contract)
    received: dict[int, Decimal] = {}
    for receipt in contract.receipts.all():
        received[receipt.contract_year] = received.get(receipt.contract_year, Decimal(0)) + receipt.amount
    spent = spending_by_year(contract)
    rows = []
    for year in contract.years():
        year_funding = funding_for_year(contract, year.number)
        scheduled = sum(
            (payment.amount for payment in plan.payments if payment.contract_year == year.number), Decimal(0)
        )
        rows.append(
            YearMoney(
                year=year,
                due=year_funding.total,
                maximum=year_funding.maximum,
                scheduled=scheduled,
                received=received.get(year.number, Decimal(0)),
                spent=spent.get(year.number, Decimal(0)),
            )
        )
    return rows


def funding_table_for_year(contract, number: int) -> funding_table.FundingTable:
    """The table of year `number` the page, the API and the report show (`funding_table`)."""
    return funding_table.build(funding_for_year(contract, number))
