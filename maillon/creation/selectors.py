"""Reads of the creation of a CPTS for pages and the API: plain data, few queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min

from maillon.contracts.models import Contract
from maillon.core.models import LIFECYCLE_ORDER, CptsStatus

from .models import DECIDED_STEPS, ActionSheet, CreationStep, ProjectStatus, Step
from .services import STEP_STATUS


@dataclass(frozen=True)
class ChecklistRow:
    step: CreationStep | None
    number: int
    label: str
    done_on: object
    planned_on: object
    decided_by: str

    @property
    def done(self) -> bool:
        return self.done_on is not None


def checklist(cpts) -> list[ChecklistRow]:
    """The 10 steps in order: a decided step takes the date its decision put in the lifecycle."""
    rows = {row.step: row for row in CreationStep.objects.for_cpts(cpts).prefetch_related("documents")}
    decided = decision_dates(cpts)
    result = []
    for number, label in Step.choices:
        row = rows.get(number)
        status = STEP_STATUS.get(number)
        done_on = decided.get(status) if status else (row.done_on if row else None)
        result.append(
            ChecklistRow(
                step=row,
                number=number,
                label=label,
                done_on=done_on,
                planned_on=row.planned_on if row else None,
                decided_by=DECIDED_STEPS.get(number, ""),
            )
        )
    return result


def decision_dates(cpts) -> dict:
    """{lifecycle status: the date the decision happened}. A status the CPTS went past without it
    being recorded (a history entered after the fact: a letter straight to « ACI signé ») takes the
    date of the first later step; « ACI signé » also from a recorded contract."""
    recorded = {}
    for step in cpts.steps.all():
        recorded.setdefault(step.to_status, step.date)
    dates = {}
    for index, status in enumerate(LIFECYCLE_ORDER):
        later = [recorded[after] for after in LIFECYCLE_ORDER[index:] if after in recorded]
        if later:
            dates[status] = recorded.get(status, min(later))
    signed = Contract.objects.for_cpts(cpts).aggregate(first=Min("signed_on"))["first"]
    if signed is not None:
        dates.setdefault(CptsStatus.ACI_SIGNED, signed)
    return dates


@dataclass(frozen=True)
class GrantTotals:
    amount: Decimal
    paid: Decimal
    spent: Decimal

    @property
    def left(self) -> Decimal:
        """What the CPTS may still spend of the grant."""
        return self.amount - self.spent

    @property
    def unpaid(self) -> Decimal:
        """What the ARS has still to pay."""
        return self.amount - self.paid


def grant_totals(grant) -> GrantTotals:
    """Paid, spent and left of a grant, from its payments and spending (prefetched or not): the
    one sum the grant page, the finances page and the API show."""
    paid = sum((payment.amount for payment in grant.payments.all() if payment.paid_on), Decimal(0))
    spent = sum((spending.amount for spending in grant.spendings.all()), Decimal(0))
    return GrantTotals(amount=grant.amount, paid=paid, spent=spent)


def progress(cpts) -> tuple[int, int]:
    rows = checklist(cpts)
    return sum(1 for row in rows if row.done), len(rows)


def offered_indicators(cpts) -> list[dict]:
    """The indicators the validated projet de santé's fiches-actions name, offered to the ACI:
    [{"mission", "sheet", "label"}]."""
    sheets = (
        ActionSheet.objects.filter(section__version__cpts=cpts, section__version__status=ProjectStatus.VALIDATED)
        .select_related("section__version")
        .order_by("-section__version__number", "section__mission", "position", "pk")
    )
    latest = None
    offered = []
    for sheet in sheets:
        latest = latest or sheet.section.version_id
        if sheet.section.version_id != latest:
            break
        offered += [
            {"mission": sheet.section.mission, "sheet": sheet.title, "label": line} for line in sheet.indicator_lines
        ]
    return offered


def public_sheets(cpts) -> dict[int, list[str]]:
    """The validated projet's fiches-actions' titles by mission, for the CPTS's public page."""
    sheets = (
        ActionSheet.objects.filter(section__version__cpts=cpts, section__version__status=ProjectStatus.VALIDATED)
        .order_by("-section__version__number", "section__mission", "position", "pk")
        .values_list("section__version__number", "section__mission", "title")
    )
    result: dict[int, list[str]] = {}
    latest = None
    for number, mission, title in sheets:
        latest = latest or number
        if number != latest:
            break
        result.setdefault(mission, []).append(title)
    return result
