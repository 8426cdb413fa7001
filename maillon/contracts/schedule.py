"""The ACI payment schedule: advances and balances over the 5 contract years (DOMAIN.md §4).

Pure: no ORM, no web. Each contract year is computed by `funding.compute_year`; the
schedule splits it into payments:

- fonctionnement: 75 % of year n advanced when year n starts (year 1: at signature), the
  balance of year n paid at its end (the next anniversary; year 5: the contract's end);
- each mission: 75 % of its fixed part of year n advanced when year n starts, or on the
  mission's start date in the year it starts (the fixed part is then prorated to the next
  anniversary); at the end of year n, the balance: rest of the fixed part + variable earned.

An advance is computed on the taille known on its date; a change of taille by avenant
changes the amounts from its date, so the year's balance settles the difference (it is
negative — money paid back — when the taille went down by more than the 25 % kept back).
A mission removed by avenant is paid to its removal date: its balance settles the advance.
Over the contract, the payments add up to the sum of the years' totals.
"""

import dataclasses
import datetime
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from maillon.core.missions import numbered_label

from .funding import (
    CONTRACT_YEARS,
    ZERO,
    TaillePeriods,
    YearFacts,
    YearFunding,
    add_years,
    compute_year,
    declared_earned,
    periods_for_year,
    to_cents,
)
from .tariffs import Tariff, tariff_on

ADVANCE_SHARE = Decimal("0.75")

Kind = Literal["advance", "balance"]


@dataclass(frozen=True)
class Payment:
    on: datetime.date
    contract_year: int
    label_fr: str
    mission: int | None  # None: fonctionnement
    kind: Kind
    amount: Decimal


@dataclass(frozen=True)
class PaymentSchedule:
    payments: tuple[Payment, ...]
    years: tuple[YearFunding, ...]

    @property
    def total(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), ZERO)


def year_bounds(signature: datetime.date, contract_year: int) -> tuple[datetime.date, datetime.date]:
    """[start, end) of a contract year: from one anniversary of the signature to the next."""
    return add_years(signature, contract_year - 1), add_years(signature, contract_year)


def contract_year_facts(
    signature: datetime.date,
    contract_year: int,
    *,
    taille_periods: TaillePeriods,
    mission_starts: Mapping[int, datetime.date | None],
    variable_earned: Mapping[int, Decimal] | None = None,
    first_drafting_year: int | None = 1,
    serious_crisis: bool = False,
    known_on: datetime.date | None = None,
) -> YearFacts:
    """The facts of one year; `variable_earned` (mission → euros earned) None counts in full.

    The crisis plan is first drafted in `first_drafting_year` (None: never) and updated
    every later year.
    """
    start, end = year_bounds(signature, contract_year)
    results = None
    if variable_earned is not None:
        results = {mission: (declared_earned(mission, amount),) for mission, amount in variable_earned.items()}
    drafted = first_drafting_year is not None
    return YearFacts(
        contract_year=contract_year,
        year_start=start,
        year_end=end,
        taille_periods=periods_for_year(taille_periods, start, end, known_on=known_on),
        mission_starts={
            mission: (max(day, signature) if day is not None else None) for mission, day in mission_starts.items()
        },
        crisis_plan_first_drafted=drafted and contract_year == first_drafting_year,
        crisis_plan_updated=drafted and contract_year > first_drafting_year,
        serious_crisis_recognised=serious_crisis,
        indicator_results=results,
        crisis_plan_drafted_before=drafted and contract_year > first_drafting_year,
    )


def _fixed_amount(funding: YearFunding, mission: int | None) -> Decimal:
    return sum((line.amount for line in funding.lines_of(mission) if line.is_fixed), ZERO)


def payment_schedule(
    signature: datetime.date,
    *,
    taille_periods: TaillePeriods,
    mission_starts: Mapping[int, datetime.date | None],
    variable_earned: Mapping[int, Mapping[int, Decimal] | None] | None = None,
    first_drafting_year: int | None = 1,
    serious_crisis_years: Collection[int] = (),
    tariff: Tariff | None = None,
) -> PaymentSchedule:
    """Every payment of the 5-year contract, in date order.

    `variable_earned`: contract year → (mission → euros earned); a year that is absent or
    None counts every variable part in full (a forecast); inside a year, a mission that is
    absent earned nothing. `tariff`: None takes, for each year, the version in force on the
    year's first day (as `funding_for_year` does); a tariff given applies to every year.
    """
    variable_earned = variable_earned or {}
    years = []
    for year in CONTRACT_YEARS:
        year_facts = contract_year_facts(
            signature,
            year,
            taille_periods=taille_periods,
            mission_starts=mission_starts,
            variable_earned=variable_earned.get(year),
            first_drafting_year=first_drafting_year,
            serious_crisis=year in serious_crisis_years,
        )
        years.append((year_facts, tariff or tariff_on(year_facts.year_start)))
    return schedule_of_years(years)


def known_on(facts: YearFacts, day: datetime.date) -> YearFacts:
    """The year's facts as known on `day`: only the avenants (taille, removals) dated by then."""
    return dataclasses.replace(
        facts,
        taille_periods=periods_for_year(facts.taille_periods, facts.year_start, facts.year_end, known_on=day),
        mission_ends={mission: end for mission, end in facts.mission_ends.items() if end is not None and end <= day},
    )


def schedule_of_years(years: Sequence[tuple[YearFacts, Tariff]]) -> PaymentSchedule:
    """Every payment of the contract from the facts of each of its years and their tariff.

    Each year's payments add up to `compute_year(facts, tariff).total`: the schedule of a
    recorded contract is built from the same facts as its yearly funding.
    """
    payments: list[tuple[tuple, Payment]] = []
    computed = []
    for year_facts, year_tariff in years:
        year = year_facts.contract_year
        funding = compute_year(year_facts, year_tariff)
        computed.append(funding)
        # Who gets an advance this year, and on which day.
        advance_days: dict[int | None, datetime.date] = {None: year_facts.year_start}
        for mission, day in year_facts.mission_starts.items():
            if day is not None and day < year_facts.end_of(int(mission)):
                advance_days[int(mission)] = max(day, year_facts.year_start)
        for mission, day in advance_days.items():
            known = compute_year(known_on(year_facts, day), year_tariff)
            advance = to_cents(_fixed_amount(known, mission) * ADVANCE_SHARE)
            balance = sum((line.amount for line in funding.lines_of(mission)), ZERO) - advance
            order = 0 if mission is None else mission
            first = day == year_facts.year_start
            prorata = "" if first or mission is None else ", au prorata jusqu'à l'anniversaire"
            base = "" if mission is None else " du fixe"
            payments.append(
                (
                    (day, 1, order),
                    Payment(
                        day,
                        year,
                        f"{numbered_label(mission)} : avance de 75 %{base} de l'année {year}{prorata}",
                        mission,
                        "advance",
                        advance,
                    ),
                )
            )
            rest = "" if mission is None else " (fixe restant et variable atteint)"
            payments.append(
                (
                    (year_facts.year_end, 0, order),
                    Payment(
                        year_facts.year_end,
                        year,
                        f"{numbered_label(mission)} : solde de l'année {year}{rest}",
                        mission,
                        "balance",
                        balance,
                    ),
                )
            )
    ordered = tuple(payment for _, payment in sorted(payments, key=lambda item: item[0]) if payment.amount != 0)
    return PaymentSchedule(ordered, tuple(computed))
