"""The report of the dialogue de gestion of a contract year (DOMAIN.md §4, issue 4 point 6).

`build_report(contract, contract_year)` reads everything the CPTS brings to the ARS and
the CPAM and returns it as a plain dict that JSON keeps as is: strings, ints, booleans,
None, lists and dicts; dates ISO (« 2024-03-01 »); amounts as strings with a dot and two
decimals (« 1234.56 », never a float). The dict is what a sent version freezes
(`services.freeze_report`), what the PDF, the workbook and the API render: a sent version
never changes, whatever is edited afterwards.

Pure reads. The contracts app sits above meetings, so it reads the members' validated
time of the year from there (aggregated by mission: nobody is named in the report).

Members' time of the contract year
==================================
A contract year straddles two calendar years; the hourly rate and the yearly cap of the
indemnities are per calendar year. Each validated entry is valued at the rate of its own
calendar year (« valorisé ») and counted in the mission it was declared for; the total
« plafonné » caps each member's valued time of one calendar year inside the contract year
at that year's cap (`meetings.services.annual_cap`).

Funding of the next year (« prévisionnel »)
===========================================
Year n + 1 as the funding page and the API show it: `selectors.funding_for_year(n + 1)`,
the engine on what is recorded today (taille and avenants, missions and their start dates,
the facts and the indicator values entered for year n + 1). Nothing is assumed: a variable
part earns nothing until a value is entered, the crisis plan's update is paid once it is
recorded (docs/funding.md). None after the last contract year.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from maillon.core import journal
from maillon.core import missions as mission_names
from maillon.core.missions import short_label
from maillon.meetings import services as meetings_services
from maillon.meetings.models import TimeEntry

from . import funding, funding_table
from .models import Contract, DueState, FactCode, IndicatorSource, ReportStatus, SpendingCategory
from .selectors import (
    funding_for_year,
    indicator_terms,
    indicators_of_year,
    value_of,
    year_facts,
)
from .services import freeze_report
from .tariffs import VARIABLE_PARTS, mission_title

SCHEMA_VERSION = 1
FONCTIONNEMENT_LABEL = mission_names.FONCTIONNEMENT_LABEL
FORECAST_LABEL = "prévisionnel"


amount = funding_table.amount_text


def day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def last_day(end: datetime.date) -> str:
    """The inclusive last day of a period [start, end)."""
    return (end - datetime.timedelta(days=1)).isoformat()


def number(value: Decimal | None) -> str | None:
    """An indicator value or bound, without useless trailing zeros (« 120 », « 12.5 »)."""
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return text


# --- Parts of the report ----------------------------------------------------------------------


def _cpts_part(cpts) -> dict:
    return {
        "name": cpts.name,
        "legal_form": cpts.get_legal_form_display(),
        "finess": cpts.finess,
        "siren": cpts.siren,
        "siret": cpts.siret,
        "address": cpts.address,
    }


def _contract_part(contract, year) -> dict:
    amendments = [
        {
            "number": amendment.number,
            "signed_on": day(amendment.signed_on),
            "summary": amendment.summary,
            "new_taille": amendment.new_taille,
        }
        for amendment in contract.amendments.filter(signed_on__lt=year.ends_on).order_by("signed_on", "number")
    ]
    periods = [
        {"from": day(start), "taille": taille} for start, taille in contract.taille_periods() if start < year.ends_on
    ]
    return {
        "reference": contract.reference,
        "signed_on": day(contract.signed_on),
        "ends_on": last_day(contract.ends_on),
        "duration_years": contract.duration_years,
        "taille_at_signature": contract.taille,
        "taille_in_force": contract.taille_on(year.ends_on - datetime.timedelta(days=1)),
        "taille_periods": periods,
        "amendments": amendments,
    }


def _commitments_of_year(contract, year):
    """The missions in the contract at some point of the year, by mission number."""
    return list(
        contract.missions.filter(included_on__lt=year.ends_on)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=year.starts_on))
        .order_by("mission", "included_on")
    )


def _deadlines(commitment, today) -> list[dict]:
    return [
        {
            "label": deadline.label,
            "due_on": day(deadline.due_on),
            "done_on": day(deadline.done_on),
            "state": str(deadline.state),
            "state_label": DueState(deadline.state).label,
        }
        for deadline in commitment.deadlines(today)
    ]


def _tier(tier) -> dict:
    return {"label": str(tier), "low": number(tier.low), "high": number(tier.high), "amount": amount(tier.amount)}


def _indicator(indicator, contract_year) -> dict:
    row = value_of(indicator, contract_year)
    earned = indicator_terms(indicator).earned(row.value if row else None)
    return {
        "code": indicator.code,
        "mission": indicator.mission,
        "name": indicator.name,
        "definition": indicator.definition,
        "unit": indicator.unit,
        "source": indicator.get_source_display(),
        "baseline": {
            "value": number(indicator.baseline_value),
            "date": day(indicator.baseline_on),
            "source": indicator.baseline_source,
        },
        "target": indicator.target,
        "tiers": [_tier(tier) for tier in indicator.tiers.all()],
        "value": number(row.value) if row else None,
        "value_source": IndicatorSource(row.source).label if row else None,
        "value_note": row.note if row else "",
        "earned": amount(earned),
    }


def _spending_part(contract, contract_year) -> dict[int | None, dict]:
    """{mission or None: {"rows": […], "by_category": […], "total": …}}."""
    grouped: dict[int | None, list] = defaultdict(list)
    for spending in contract.spendings.filter(contract_year=contract_year).order_by("spent_on", "pk"):
        grouped[spending.mission].append(spending)
    result = {}
    for mission, rows in grouped.items():
        by_category: dict[str, Decimal] = defaultdict(Decimal)
        for row in rows:
            by_category[row.category] += row.amount
        result[mission] = {
            "rows": [
                {
                    "spent_on": day(row.spent_on),
                    "category": row.category,
                    "category_label": row.get_category_display(),
                    "label": row.label,
                    "amount": amount(row.amount),
                }
                for row in rows
            ],
            "by_category": [
                {"category": code, "category_label": label, "amount": amount(by_category[code])}
                for code, label in SpendingCategory.choices
                if code in by_category
            ],
            "total": amount(sum((row.amount for row in rows), Decimal(0))),
        }
    return result


def _empty_spending() -> dict:
    return {"rows": [], "by_category": [], "total": amount(0)}


def _members_time(contract, year) -> tuple[dict[int | None, dict], dict]:
    """Validated time of the year by mission: hours and valued indemnities; and the totals."""
    entries = (
        TimeEntry.objects.for_cpts(contract.cpts_id)
        .validated()
        .filter(date__gte=year.starts_on, date__lt=year.ends_on)
        .values_list("membership_id", "mission", "date", "hours")
    )
    rates = {}
    hours: dict[int | None, Decimal] = defaultdict(Decimal)
    valued: dict[int | None, Decimal] = defaultdict(Decimal)
    per_member_year: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    count: dict[int | None, int] = defaultdict(int)
    for membership_id, mission, date, entry_hours in entries:
        if date.year not in rates:
            rates[date.year] = meetings_services.hourly_rate(contract.cpts_id, date.year)
        value = meetings_services.money(entry_hours * (rates[date.year] or 0))
        hours[mission] += entry_hours
        valued[mission] += value
        count[mission] += 1
        per_member_year[(membership_id, date.year)] += value
    capped = sum(
        (
            min(value, meetings_services.annual_cap(calendar_year).amount)
            for (_, calendar_year), value in per_member_year.items()
        ),
        Decimal(0),
    )
    by_mission = {
        mission: {"entries": count[mission], "hours": number(hours[mission]), "indemnities": amount(valued[mission])}
        for mission in hours
    }
    totals = {
        "entries": sum(count.values()),
        "hours": number(sum(hours.values(), Decimal(0))),
        "indemnities": amount(sum(valued.values(), Decimal(0))),
        "indemnities_capped": amount(capped),
        "rates": [
            {"year": calendar_year, "rate": amount(rate) if rate is not None else None}
            for calendar_year, rate in sorted(rates.items())
        ],
    }
    return by_mission, totals


def _empty_time() -> dict:
    return {"entries": 0, "hours": "0", "indemnities": amount(0)}


def _funding(year_funding: funding.YearFunding) -> dict:
    return funding_table.to_data(funding_table.build(year_funding))


def _variable(year_funding: funding.YearFunding, mission: int, indicators: list[dict]) -> dict:
    """The variable part of a mission: indicators' earnings, claimed = capped at the envelope."""
    lines = [line for line in year_funding.lines_of(mission) if line.part in VARIABLE_PARTS]
    envelope = sum((line.envelope for line in lines), funding.ZERO)
    earned = sum((Decimal(indicator["earned"]) for indicator in indicators), funding.ZERO)
    claimed = sum((line.amount for line in lines), funding.ZERO)
    return {
        "envelope": amount(envelope),
        "earned": amount(earned),
        "claimed": amount(claimed),
        "capped": earned > envelope and bool(lines),
        "fixed": amount(sum((line.amount for line in year_funding.lines_of(mission) if line.is_fixed), funding.ZERO)),
        "total": amount(sum((line.amount for line in year_funding.lines_of(mission)), funding.ZERO)),
    }


def _next_year(contract, contract_year) -> dict | None:
    """Year n + 1 on what is recorded today (see the module's docstring)."""
    if contract_year >= contract.duration_years:
        return None
    following = contract_year + 1
    year = contract.year(following)
    return {
        "number": following,
        "starts_on": day(year.starts_on),
        "ends_on": last_day(year.ends_on),
        "status": FORECAST_LABEL,
        "assumptions": [
            f"Ce que l'année {following} rapporte d'après ce qui est enregistré à ce jour (faits, valeurs des "
            "indicateurs, avenants), comme la page du financement : une part variable ne compte qu'une fois ses "
            "valeurs saisies, la mise à jour du plan de crise qu'une fois enregistrée."
        ],
        **_funding(funding_for_year(contract, following)),
    }


def _receipts(contract, contract_year) -> dict:
    rows = list(contract.receipts.filter(contract_year=contract_year).order_by("received_on", "pk"))
    return {
        "rows": [
            {"received_on": day(row.received_on), "label": row.label, "amount": amount(row.amount)} for row in rows
        ],
        "total": amount(sum((row.amount for row in rows), Decimal(0))),
    }


# --- The report ---------------------------------------------------------------------------------


def build_report(contract, contract_year: int, *, by=None, today: datetime.date | None = None) -> dict:
    """The dialogue de gestion report of `contract_year` (see the module's docstring)."""
    year = contract.year(contract_year)  # a clear error out of range
    today = today or timezone.localdate()
    year_funding = funding_for_year(contract, contract_year)
    table = funding_table.build(year_funding)
    indicators = indicators_of_year(contract, year)
    spending = _spending_part(contract, contract_year)
    time_by_mission, time_totals = _members_time(contract, year)
    facts = year_facts(contract, contract_year)

    missions = []
    for commitment in _commitments_of_year(contract, year):
        mission = commitment.mission
        mission_indicators = [
            _indicator(indicator, contract_year) for indicator in indicators if indicator.mission == mission
        ]
        started = commitment.started_on
        missions.append(
            {
                "number": mission,
                "label": mission_names.label(mission),
                "short_label": short_label(mission),
                "title": mission_title(mission),
                "socle": commitment.is_socle,
                "included_on": day(commitment.included_on),
                "removed_on": day(commitment.removed_on),
                "started_on": day(started),
                "deployed_on": day(commitment.deployed_on),
                "active_this_year": started is not None and started < year.ends_on,
                "deadlines": _deadlines(commitment, today),
                "indicators": mission_indicators,
                "variable": _variable(year_funding, mission, mission_indicators),
                "funding_lines": [funding_table.row_data(row) for row in table.rows_of(mission)],
                "spending": spending.get(mission, _empty_spending()),
                "members_time": time_by_mission.get(mission, _empty_time()),
            }
        )

    all_spending = [row for part in spending.values() for row in part["rows"]]
    spent = sum((Decimal(row["amount"]) for row in all_spending), Decimal(0))
    by_category: dict[str, Decimal] = defaultdict(Decimal)
    for row in all_spending:
        by_category[row["category"]] += Decimal(row["amount"])
    receipts = _receipts(contract, contract_year)
    generated_at = timezone.localtime()

    return {
        "schema": SCHEMA_VERSION,
        "title": f"Dialogue de gestion — année {contract_year}",
        "cpts": _cpts_part(contract.cpts),
        "contract": _contract_part(contract, year),
        "year": {
            "number": contract_year,
            "starts_on": day(year.starts_on),
            "ends_on": last_day(year.ends_on),
            "label": str(year),
        },
        "facts": {code: {"label": label, "value": bool(getattr(facts, code))} for code, label in FactCode.choices},
        "missions": missions,
        "fonctionnement": {
            "label": FONCTIONNEMENT_LABEL,
            "funding_lines": [funding_table.row_data(row) for row in table.rows_of(None)],
            "spending": spending.get(None, _empty_spending()),
            "members_time": time_by_mission.get(None, _empty_time()),
        },
        "spending": {
            "by_category": [
                {"category": code, "category_label": label, "amount": amount(by_category[code])}
                for code, label in SpendingCategory.choices
                if code in by_category
            ],
            "total": amount(spent),
        },
        "members_time": time_totals,
        "funding": funding_table.to_data(table),
        "variable_claimed": amount(sum((Decimal(item["variable"]["claimed"]) for item in missions), Decimal(0))),
        "received": receipts,
        "balance": {
            "funding": amount(year_funding.total),
            "received": receipts["total"],
            "spent": amount(spent),
            "received_minus_spent": amount(Decimal(receipts["total"]) - spent),
        },
        "next_year": _next_year(contract, contract_year),
        "meta": {
            "generated_at": generated_at.isoformat(timespec="seconds"),
            "generated_on": generated_at.date().isoformat(),
            "generated_by": (str(by) if by is not None else ""),
            "version": None,
        },
    }


def with_version(data: dict, report) -> dict:
    """A frozen report's data with its version number and sending time, which never change
    once sent (the sender's name is in the data: `generated_by`, written when it was built)."""
    meta = dict(data.get("meta") or {})
    meta["version"] = report.version
    meta["sent_at"] = timezone.localtime(report.sent_at).isoformat(timespec="seconds")
    return {**data, "meta": meta}


def record_export(report, *, cpts_id: int, via: str):
    """A sent version's content left the platform (a download, an API read): journaled, with how."""
    journal.record(
        journal.Action.EXPORT,
        report,
        cpts_id=cpts_id,
        fields=["data"],
        note=f"dialogue de gestion, année {report.contract_year}, version {report.version}, {via}",
    )


# --- Sending ------------------------------------------------------------------------------------


def can_send(last_report) -> bool:
    """A year's report is sent when none was, or when the last version came back with comments."""
    return last_report is None or last_report.status == ReportStatus.RETURNED


def last_version(contract, contract_year):
    return contract.reports.filter(contract_year=contract_year).order_by("-version").first()


@transaction.atomic
def send_report(contract, contract_year: int, *, by):
    """Build the year's report and freeze it as its next version (`services.freeze_report`).

    Under the contract's row lock, so that two sends at the same moment cannot both pass
    the check: the second waits, then finds the version the first one sent.
    """
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if not can_send(last_version(contract, contract_year)):
        raise ValidationError(
            "Un rapport de cette année est déjà envoyé ou validé : un nouvel envoi n'est possible "
            "qu'après un renvoi avec remarques."
        )
    data = build_report(contract, contract_year, by=by)
    return freeze_report(contract=contract, contract_year=contract_year, data=data, by=by)
