"""The plan's facts for the ACI funding, and its due dates.

Facts (registered in `CrisisConfig.ready()`; the contract reads them through its registry):
- `crisis_plan_first_drafted` of contract year n: the first version ever validated was
  validated during year n (a plan validated before the signature counts in year 1 of the
  CPTS's first ACI only: under a renewed ACI it was drafted already, and year 1 pays the
  update if a version is validated during that year);
- `crisis_plan_updated` of year n: another (later) version was validated during year n.

Due dates: the first plan by the end of the contract year in which mission 4 enters the
contract (year 1 for a signature mission: « due in the first ACI year »), then one
validated version during each later contract year. Warnings come
`MAILLON_DUE_WARNING_DAYS` ahead (`contracts.models.due_state`).
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from maillon.contracts.models import Contract, Deadline, DueState, due_state
from maillon.contracts.registry import register_fact
from maillon.contracts.selectors import current_contract
from maillon.core.missions import Mission

from .models import PlanStatus, PlanVersion


def validation_days(cpts) -> list[tuple[datetime.date, int]]:
    """[(validation day, year)…] of the validated versions, the first validated first."""
    rows = (
        PlanVersion.objects.for_cpts(cpts)
        .filter(status=PlanStatus.VALIDATED)
        .order_by("validated_at", "pk")
        .values_list("validated_at", "year")
    )
    return [(timezone.localdate(moment), year) for moment, year in rows]


def _has_earlier_contract(contract) -> bool:
    return Contract.objects.filter(cpts_id=contract.cpts_id, signed_on__lt=contract.signed_on).exists()


def _in_year(day, contract_year, *, renewed: bool = False) -> bool:
    # Year 1 of the first ACI also takes what came before the signature; a renewed ACI's
    # does not (the plan was drafted under the earlier one).
    starts = contract_year.starts_on if contract_year.number > 1 or renewed else datetime.date.min
    return starts <= day < contract_year.ends_on


def plan_first_drafted(cpts, contract_year) -> bool:
    days = validation_days(cpts)
    renewed = contract_year.number == 1 and _has_earlier_contract(contract_year.contract)
    return bool(days) and _in_year(days[0][0], contract_year, renewed=renewed)


def plan_updated(cpts, contract_year) -> bool:
    renewed = contract_year.number == 1 and _has_earlier_contract(contract_year.contract)
    return any(_in_year(day, contract_year, renewed=renewed) for day, _ in validation_days(cpts)[1:])


def register():
    register_fact("crisis_plan_first_drafted", compute=plan_first_drafted)
    register_fact("crisis_plan_updated", compute=plan_updated)


# --- Due dates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanDeadline:
    contract_year: int
    deadline: Deadline
    first: bool

    @property
    def message(self) -> str:
        what = "première rédaction du plan de crise" if self.first else "mise à jour annuelle du plan de crise"
        text = f"ACI année {self.contract_year} : {what} attendue au plus tard le {self.deadline.due_on:%d/%m/%Y}"
        if self.deadline.state == DueState.OVERDUE:
            return f"{text}, en retard."
        return f"{text}."


def plan_deadlines(cpts, today: datetime.date | None = None) -> list[PlanDeadline]:
    """One due date per contract year from the year mission 4 enters the ACI; [] without an
    ACI holding mission 4."""
    today = today or timezone.localdate()
    contract = current_contract(cpts, today)
    if contract is None:
        return []
    commitment = contract.missions.filter(mission=Mission.CRISIS).order_by("included_on").first()
    if commitment is None:
        return []
    first_year = contract.year_number_on(commitment.included_on) or 1
    days = [day for day, _ in validation_days(cpts)]
    renewed = _has_earlier_contract(contract)
    items = []
    for contract_year in contract.years()[first_year - 1 :]:
        if commitment.removed_on and commitment.removed_on <= contract_year.starts_on:
            break
        done_on = next((day for day in days if _in_year(day, contract_year, renewed=renewed)), None)
        due_on = contract_year.ends_on - datetime.timedelta(days=1)
        # Until a plan is validated, each due date is still the first drafting.
        drafted_earlier = any(day < contract_year.starts_on for day in days)
        first = not drafted_earlier if renewed else contract_year.number == first_year or not drafted_earlier
        state = due_state(due_on, done_on, today)
        items.append(PlanDeadline(contract_year.number, Deadline("Plan de crise", due_on, done_on, state), first))
    return items


def plan_warnings(cpts, today: datetime.date | None = None) -> list[PlanDeadline]:
    """The overdue and upcoming due dates, most urgent first."""
    urgent = [
        item for item in plan_deadlines(cpts, today) if item.deadline.state in (DueState.OVERDUE, DueState.UPCOMING)
    ]
    return sorted(urgent, key=lambda item: (item.deadline.state != DueState.OVERDUE, item.deadline.due_on))
