"""The ACI funding engine: what one contract year pays, line by line (DOMAIN.md §4).

Pure: no ORM, no web. Inputs are the facts of a year (`YearFacts`) and a `Tariff`;
the answer is a `YearFunding` in Decimal euros rounded to the cent. The rules, their
sources and what is « to confirm » are in docs/funding.md.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from maillon.core.missions import Mission

from .tariffs import (
    FIXED,
    FIXED_FIRST_DRAFTING,
    FIXED_UPDATE,
    FONCTIONNEMENT,
    PART_LABELS,
    SOCLE_MISSIONS,
    TAILLES,
    VARIABLE,
    VARIABLE_CRISIS,
    Line,
    Tariff,
    tariff_on,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
CONTRACT_YEARS = range(1, 6)
DECLARED = "declared"  # the code of an amount given as earned, not measured
THIN_SPACE = "\u202f"
NO_BREAK_SPACE = "\u00a0"


def to_cents(value: Decimal | Fraction) -> Decimal:
    """Euros rounded to the cent, half up."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def euros(value: Decimal) -> str:
    """« 12 345,67 € », the French way (non-breaking spaces)."""
    whole, cents = f"{to_cents(value):.2f}".split(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return f"{sign}{THIN_SPACE.join(groups) or '0'},{cents}{NO_BREAK_SPACE}€"


def _check_amount(amount: Decimal, what: str) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise ValueError(f"{what} : un montant positif ou nul en Decimal est attendu.")


# --- Indicators --------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    """A value in [low, high] (inclusive; None = open) earns `amount`."""

    low: Decimal | None
    high: Decimal | None
    amount: Decimal

    def __post_init__(self):
        _check_amount(self.amount, "Palier")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("Palier : la borne basse dépasse la borne haute.")

    def contains(self, value: Decimal) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


@dataclass(frozen=True)
class IndicatorTerms:
    """An indicator of the contract annex; a simple target is a single tier."""

    code: str
    mission: int
    label: str
    tiers: tuple[Tier, ...]

    def earned(self, value: Decimal | None) -> Decimal:
        """The largest amount among the tiers the value falls into; nothing if unmeasured."""
        if value is None:
            return ZERO
        return max((tier.amount for tier in self.tiers if tier.contains(value)), default=ZERO)


@dataclass(frozen=True)
class IndicatorResult:
    terms: IndicatorTerms
    value: Decimal | None  # None: not measured, nothing earned

    @property
    def earned(self) -> Decimal:
        return self.terms.earned(self.value)


def declared_earned(mission: int, amount: Decimal) -> IndicatorResult:
    """An amount known as earned (the simulator): one open tier that any value falls into."""
    terms = IndicatorTerms(DECLARED, mission, "Montant déclaré", (Tier(None, None, amount),))
    return IndicatorResult(terms, Decimal(0))


# --- Facts of a year ---------------------------------------------------------------------

TaillePeriods = tuple[tuple[datetime.date, int], ...]


@dataclass(frozen=True)
class YearFacts:
    """What happened in one contract year [year_start, year_end).

    `taille_periods`: (from, taille) pairs; the first starts on or before year_start (an
    avenant changes the taille from its date). `mission_starts`: the missions of the
    contract and the day each started (None: not started). `indicator_results`: None counts
    every variable part in full (the simulator's maximum); otherwise a mission's entry is its
    results (a missing mission earned nothing; an entry of None counts that mission in full).
    `crisis_plan_drafted_before`: a plan was written in an earlier year; None infers it from
    the contract year (the plan is due in year 1: True from year 2). When True, the
    first-drafting line is never paid: a plan « first drafted » again pays as an update.
    `mission_ends`: the day a mission left the contract by avenant (absent or None: it
    stays); its fixed and variable envelopes are prorated to that day.
    """

    contract_year: int
    year_start: datetime.date
    year_end: datetime.date
    taille_periods: TaillePeriods
    mission_starts: Mapping[int, datetime.date | None]
    crisis_plan_first_drafted: bool = False
    crisis_plan_updated: bool = False
    serious_crisis_recognised: bool = False
    indicator_results: Mapping[int, tuple[IndicatorResult, ...] | None] | None = None
    crisis_plan_drafted_before: bool | None = None
    mission_ends: Mapping[int, datetime.date | None] = field(default_factory=dict)

    def __post_init__(self):
        if self.contract_year not in CONTRACT_YEARS:
            raise ValueError("Année du contrat : de 1 à 5.")
        if self.year_end <= self.year_start:
            raise ValueError("L'année du contrat finit après son début.")
        if not self.taille_periods:
            raise ValueError("Taille : au moins une période.")
        starts = [start for start, _ in self.taille_periods]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise ValueError("Taille : périodes dans l'ordre des dates, une par date.")
        if starts[0] > self.year_start:
            raise ValueError("Taille : la première période commence au plus tard au début de l'année.")
        if any(taille not in TAILLES for _, taille in self.taille_periods):
            raise ValueError("Taille : de 1 à 4.")
        if any(mission not in Mission.values for mission in self.mission_starts):
            raise ValueError("Missions : de 1 à 6.")
        if any(mission not in self.mission_starts for mission in self.mission_ends):
            raise ValueError("Missions : une fin pour une mission absente.")

    @property
    def days(self) -> int:
        return (self.year_end - self.year_start).days

    @property
    def drafted_before(self) -> bool:
        """A crisis plan was written in an earlier year (inferred from the year when unknown)."""
        before = self.crisis_plan_drafted_before
        if before is None:
            before = self.contract_year > 1
        return before

    @property
    def crisis_plan_exists(self) -> bool:
        return self.crisis_plan_first_drafted or self.crisis_plan_updated or self.drafted_before

    def end_of(self, mission: int) -> datetime.date:
        """The day a mission stops paying this year: its removal, else the year's end."""
        end = self.mission_ends.get(mission)
        return self.year_end if end is None else min(end, self.year_end)

    def segments(self, start: datetime.date, until: datetime.date | None = None) -> list[tuple[int, int]]:
        """(taille, days) from `start` to `until` (both clamped to the year; None: its end)."""
        start = max(start, self.year_start)
        stop = self.year_end if until is None else min(until, self.year_end)
        result = []
        bounds = [*self.taille_periods[1:], (self.year_end, 0)]
        for (period_start, taille), (next_start, _) in zip(self.taille_periods, bounds, strict=True):
            begin = max(period_start, start)
            end = min(next_start, stop)
            if end > begin:
                result.append((taille, (end - begin).days))
        return result

    def results_of(self, mission: int) -> tuple[IndicatorResult, ...] | None:
        if self.indicator_results is None:
            return None
        return self.indicator_results.get(mission, ())


# --- Cutting a year by taille ------------------------------------------------------------


def periods_for_year(
    periods: TaillePeriods | list[tuple[datetime.date, int]],
    start: datetime.date,
    end: datetime.date,
    *,
    known_on: datetime.date | None = None,
) -> TaillePeriods:
    """The contract's taille periods cut to [start, end) — the one cut of a year by taille.

    The first period holds `start` (the taille then in force), then each change inside the
    year; with `known_on`, only the avenants dated on or before that day (the taille then in
    force runs to the year's end)."""
    ordered = sorted(periods)
    if known_on is not None:
        ordered = [period for period in ordered if period[0] <= known_on]
    in_force = [taille for since, taille in ordered if since <= start]
    if not in_force:
        raise ValueError("Taille : aucune période ne couvre le début de l'année.")
    return ((start, in_force[-1]), *((since, taille) for since, taille in ordered if start < since < end))


# --- The year's funding ------------------------------------------------------------------


@dataclass(frozen=True)
class FundingLine:
    mission: int | None  # None: fonctionnement
    part: str
    label_fr: str
    envelope: Decimal  # the most this line pays this year (prorated)
    amount: Decimal  # what it pays
    detail: str

    @property
    def is_fixed(self) -> bool:
        return self.part in (FONCTIONNEMENT, FIXED, FIXED_FIRST_DRAFTING, FIXED_UPDATE)


@dataclass(frozen=True)
class YearFunding:
    contract_year: int
    tariff_version: str
    lines: tuple[FundingLine, ...]
    total: Decimal = field(init=False)
    maximum: Decimal = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "total", sum((line.amount for line in self.lines), ZERO))
        object.__setattr__(self, "maximum", sum((line.envelope for line in self.lines), ZERO))

    def lines_of(self, mission: int | None) -> tuple[FundingLine, ...]:
        return tuple(line for line in self.lines if line.mission == mission)


def _prorated(
    facts: YearFacts, tariff: Tariff, line: Line, start: datetime.date, until: datetime.date | None = None
) -> tuple[Decimal, str]:
    """The line's yearly amount for the days from `start` to `until`, each period at its taille."""
    segments = facts.segments(start, until)
    exact = sum((Fraction(tariff.amount(line, taille)) * days / facts.days for taille, days in segments), Fraction(0))
    active = sum(days for _, days in segments)
    if len(segments) == 1 and active == facts.days:
        detail = ""  # the whole year at one taille: nothing to explain
    else:
        periods = ", ".join(f"taille {taille} : {days} j" for taille, days in segments)
        detail = f"{active}/{facts.days} jours ({periods})"
    return to_cents(exact), detail


def _variable(facts: YearFacts, mission: int, envelope: Decimal) -> tuple[Decimal, str]:
    results = facts.results_of(mission)
    if results is None:
        return envelope, "compté en entier"
    earned = sum((result.earned for result in results), ZERO)
    if earned > envelope:
        return envelope, f"{euros(earned)} atteints, plafonnés à l'enveloppe"
    if not results:
        return ZERO, "aucun indicateur"
    if all(result.terms.code == DECLARED for result in results):
        return to_cents(earned), f"{euros(earned)} atteints (montant saisi)"
    count = len(results)
    return to_cents(earned), f"{count} indicateur{'s' if count > 1 else ''} : {euros(earned)} atteints"


def _line(mission, part, envelope, amount, *details: str) -> FundingLine:
    detail = " ; ".join(item for item in details if item)
    return FundingLine(mission, part, PART_LABELS[part], envelope, amount, detail)


def _crisis_lines(facts: YearFacts, tariff: Tariff, start: datetime.date) -> list[FundingLine]:
    mission = int(Mission.CRISIS)
    until = facts.end_of(mission)
    if facts.crisis_plan_first_drafted and not facts.drafted_before:
        part, earned, why = FIXED_FIRST_DRAFTING, True, "plan rédigé pour la première fois cette année"
    elif facts.crisis_plan_first_drafted:
        # The first drafting is paid once: a plan already written before counts as updated.
        part, earned, why = FIXED_UPDATE, True, "plan déjà rédigé une année précédente : payé comme une mise à jour"
    elif facts.crisis_plan_updated:
        part, earned, why = FIXED_UPDATE, True, "plan mis à jour cette année"
    elif facts.crisis_plan_exists:
        part, earned, why = FIXED_UPDATE, False, "plan non mis à jour cette année"
    else:
        part, earned, why = FIXED_FIRST_DRAFTING, False, "plan non rédigé"
    envelope, detail = _prorated(facts, tariff, (mission, part), start, until)
    lines = [_line(mission, part, envelope, envelope if earned else ZERO, why, detail)]

    envelope, detail = _prorated(facts, tariff, (mission, VARIABLE_CRISIS), start, until)
    if not facts.serious_crisis_recognised:
        amount, why = ZERO, "pas de crise sanitaire grave reconnue"
    elif not facts.crisis_plan_exists:
        amount, why = ZERO, "crise reconnue, mais pas de plan rédigé"
    else:
        amount, why = _variable(facts, mission, envelope)
        why = f"crise reconnue ; {why}"
    lines.append(_line(mission, VARIABLE_CRISIS, envelope, amount, why, detail))
    return lines


def compute_year(facts: YearFacts, tariff: Tariff) -> YearFunding:
    """Every line of the year: fonctionnement, then each mission active this year."""
    envelope, detail = _prorated(facts, tariff, FONCTIONNEMENT, facts.year_start)
    lines = [_line(None, FONCTIONNEMENT, envelope, envelope, detail)]
    for mission in sorted(int(mission) for mission in facts.mission_starts):
        start = facts.mission_starts[mission]
        until = facts.end_of(mission)
        if start is None or start >= facts.year_end or until <= max(start, facts.year_start):
            continue  # not started this year, or removed before it started: nothing
        if mission == Mission.CRISIS:
            lines.extend(_crisis_lines(facts, tariff, start))
            continue
        envelope, detail = _prorated(facts, tariff, (mission, FIXED), start, until)
        lines.append(_line(mission, FIXED, envelope, envelope, detail))
        envelope, detail = _prorated(facts, tariff, (mission, VARIABLE), start, until)
        amount, why = _variable(facts, mission, envelope)
        lines.append(_line(mission, VARIABLE, envelope, amount, why, detail))
    return YearFunding(facts.contract_year, tariff.version, tuple(lines))


# --- The simulator -----------------------------------------------------------------------


def missing_socle(missions) -> list[str]:
    """A warning when socle missions are left out: an ACI carries missions 1 to 4."""
    missing = [mission for mission in SOCLE_MISSIONS if mission not in missions]
    if not missing:
        return []
    listed = ", ".join(str(mission) for mission in missing)
    return [f"Les missions socle 1 à 4 sont obligatoires dans un ACI ; absente(s) ici : {listed}."]


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def simulate_year(
    *,
    taille: int,
    missions: tuple[int, ...],
    contract_year: int,
    serious_crisis: bool,
    earned: Mapping[int, Decimal] | None = None,
    on: datetime.date,
    tariff: Tariff | None = None,
) -> YearFunding:
    """A whole year with every mission active from its start, at the tariff in force `on`.

    Year 1 is the crisis plan's first drafting, later years its update. `earned` gives a
    mission's variable earned (capped at its envelope); a mission absent from it counts in full.
    """
    earned = earned or {}
    facts = YearFacts(
        contract_year=contract_year,
        year_start=on,
        year_end=add_years(on, 1),
        taille_periods=((on, taille),),
        mission_starts=dict.fromkeys(missions, on),
        crisis_plan_first_drafted=contract_year == 1,
        crisis_plan_updated=contract_year > 1,
        serious_crisis_recognised=serious_crisis,
        indicator_results={
            mission: ((declared_earned(mission, earned[mission]),) if mission in earned else None)
            for mission in missions
        },
    )
    return compute_year(facts, tariff or tariff_on(on))
