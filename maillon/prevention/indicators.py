"""Prevention indicators (mission 3), given to the ACI contract through its registry, so that
the dialogue de gestion report fills itself for mission 3.

Each is computable for any period [start, end) of dates:
- actions held: actions not cancelled that were under way on a day of the period;
- sessions held: sessions marked held that started in the period;
- participants: people who came to those sessions (registrants marked present, walk-ins);
- per kind of measure (colorectal screening…): the latest territory value of a year ending in
  the period, and its change against the baseline (in points), for the CPTS's measure of that
  kind (the most recent action's when several measure it).
"""

import datetime
from decimal import Decimal

from maillon.contracts.registry import register_indicators

from .models import (
    SMALL_COUNT,
    ActionStatus,
    MeasureKind,
    MeasureValue,
    PreventionAction,
    PublicSession,
    Scope,
    SessionStatus,
)
from .services import participants_count

MISSION = 3


def actions_held(cpts, start, end) -> Decimal:
    return Decimal(PreventionAction.objects.for_cpts(cpts).not_cancelled().overlapping(start, end).count())


def sessions_held_in(cpts, start, end):
    return PublicSession.objects.for_cpts(cpts).filter(
        status=SessionStatus.HELD, starts_at__date__gte=start, starts_at__date__lt=end
    )


def sessions_held(cpts, start, end) -> Decimal:
    return Decimal(sessions_held_in(cpts, start, end).count())


def participants(cpts, start, end) -> Decimal:
    return Decimal(participants_count(sessions_held_in(cpts, start, end)))


def latest_value(cpts, kind: str, end: datetime.date) -> MeasureValue | None:
    """The latest territory value of this kind of measure, of a year up to the period's, among
    the measures of the CPTS's actions not cancelled (a rate of the territory is the same fact
    whichever action measured it; the most recent action's when two give the same year); never
    a value the small-count rule hides."""
    last_year = (end - datetime.timedelta(days=1)).year
    return (
        MeasureValue.objects.filter(
            measure__cpts=cpts,
            measure__kind=kind,
            scope=Scope.TERRITORY,
            year__lte=last_year,
        )
        .exclude(measure__action__status=ActionStatus.CANCELLED)
        .exclude(value=None)
        .exclude(numerator__lt=SMALL_COUNT)
        .select_related("measure")
        .order_by("-year", "-measure__action__starts_on", "-measure_id")
        .first()
    )


def latest_of(kind: str):
    def latest(cpts, start, end) -> Decimal | None:
        value = latest_value(cpts, kind, end)
        return None if value is None else value.value

    latest.__name__ = f"prevention_{kind}_latest"
    return latest


def change_of(kind: str):
    def change(cpts, start, end) -> Decimal | None:
        value = latest_value(cpts, kind, end)
        return None if value is None else value.value - value.measure.baseline_value

    change.__name__ = f"prevention_{kind}_change"
    return change


MEASURED = [kind for kind in MeasureKind if kind != MeasureKind.CUSTOM]

TABLE = [
    ("prevention_actions_held", "actions", "Actions de prévention menées", actions_held),
    ("prevention_sessions_held", "séances", "Séances de prévention tenues", sessions_held),
    ("prevention_participants", "personnes", "Personnes touchées par les séances de prévention", participants),
    *(
        (f"prevention_{kind.value}_latest", "%", f"{kind.label} : dernière valeur", latest_of(kind.value))
        for kind in MEASURED
    ),
    *(
        (
            f"prevention_{kind.value}_change",
            "points",
            f"{kind.label} : évolution depuis la référence",
            change_of(kind.value),
        )
        for kind in MEASURED
    ),
]


def register() -> None:
    register_indicators(MISSION, TABLE)
