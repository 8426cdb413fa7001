"""The registry through which mission apps give the contract their indicators and facts.

The contract app never imports a mission's models: a mission app (above it) registers, in
its `AppConfig.ready()`,

    register_indicator("mt_patients_waiting", mission=1, unit="patients",
                       label="Patients en attente d'un médecin traitant", compute=waiting)
    register_fact("crisis_plan_first_drafted", compute=plan_first_drafted)

where an indicator's `compute(cpts, start, end)` returns a `Decimal` for the period
[start, end) and a fact's `compute(cpts, contract_year)` (a `models.ContractYear`) a bool.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class RegisteredIndicator:
    code: str
    mission: int
    unit: str
    label: str
    compute: Callable


@dataclass(frozen=True)
class RegisteredFact:
    code: str
    compute: Callable


_indicators: dict[str, RegisteredIndicator] = {}
_facts: dict[str, RegisteredFact] = {}


def register_indicator(code: str, mission: int, unit: str, compute: Callable, *, label: str = "") -> None:
    if code in _indicators and _indicators[code].compute is not compute:
        raise ValueError(f"indicator {code!r} is already registered")
    _indicators[code] = RegisteredIndicator(code, int(mission), unit, label or code, compute)


def register_indicators(mission: int, table) -> None:
    """A mission app's indicators at once: `table` holds (code, unit, label, compute) rows."""
    for code, unit, label, compute in table:
        register_indicator(code, mission, unit, compute, label=label)


def register_fact(code: str, compute: Callable) -> None:
    if code in _facts and _facts[code].compute is not compute:
        raise ValueError(f"fact {code!r} is already registered")
    _facts[code] = RegisteredFact(code, compute)


def unregister(code: str) -> None:
    """For tests: forget an indicator or a fact."""
    _indicators.pop(code, None)
    _facts.pop(code, None)


@contextmanager
def isolated(*, without_facts: tuple[str, ...] = ()) -> Iterator[None]:
    """For tests: registrations made inside are forgotten on exit and those removed come
    back; `without_facts` are left out meanwhile (to state them by hand, as a contract
    whose mission app computes nothing)."""
    saved_indicators, saved_facts = dict(_indicators), dict(_facts)
    for code in without_facts:
        _facts.pop(code, None)
    try:
        yield
    finally:
        _indicators.clear()
        _indicators.update(saved_indicators)
        _facts.clear()
        _facts.update(saved_facts)


def indicators() -> list[RegisteredIndicator]:
    return sorted(_indicators.values(), key=lambda item: (item.mission, item.code))


def indicator(code: str) -> RegisteredIndicator | None:
    return _indicators.get(code)


def has_fact(code: str) -> bool:
    return code in _facts


def compute_indicator(code: str, cpts, start, end) -> Decimal | None:
    """The registered computation's value for [start, end), None if nothing computes `code` or
    the computation has no value for the period (a rate not measured yet)."""
    registered = _indicators.get(code)
    if registered is None:
        return None
    value = registered.compute(cpts, start, end)
    return None if value is None else Decimal(value)


def compute_fact(code: str, cpts, contract_year) -> bool | None:
    """The registered fact, None when no mission app computes it."""
    registered = _facts.get(code)
    if registered is None:
        return None
    return bool(registered.compute(cpts, contract_year))
