"""Members figures: adherents by category of the national table (DOMAIN.md §6),
their trend, and the same aggregated over the CPTS of a territory (counts only)."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from maillon.territories.models import TerritoryCommune

from .models import Membership, MembershipStatus
from .professions import NATIONAL_ADHERENTS_2024, NationalCategory, category_of_professional, category_of_structure

NATIONAL_TOTAL = sum(NATIONAL_ADHERENTS_2024.values())
MEMBER_FIELDS = ("professional__profession", "professional__specialty", "structure__kind")


@dataclass(frozen=True)
class CategoryRow:
    category: str
    label: str
    count: int
    share: float  # percent of this table's total
    national_count: int
    national_share: float


@dataclass(frozen=True)
class TrendPoint:
    date: datetime.date
    total: int
    by_category: dict


def category_of_row(row) -> str:
    if row["professional__profession"]:
        return category_of_professional(row["professional__profession"], row["professional__specialty"] or "")
    return category_of_structure(row["structure__kind"] or "")


def table(counts: Counter) -> list[CategoryRow]:
    """Rows in the order of the national table, with shares, and the national reference."""
    total = sum(counts.values())
    return [
        CategoryRow(
            category=category.value,
            label=category.label,
            count=counts.get(category, 0),
            share=round(100 * counts.get(category, 0) / total, 2) if total else 0.0,
            national_count=NATIONAL_ADHERENTS_2024[category],
            national_share=round(100 * NATIONAL_ADHERENTS_2024[category] / NATIONAL_TOTAL, 2),
        )
        for category in NationalCategory
    ]


def count_by_category(memberships) -> Counter:
    """One query: active adhesions grouped by what decides their category."""
    counts = Counter()
    for row in memberships.values(*MEMBER_FIELDS).annotate(n=Count("id")).order_by():
        counts[category_of_row(row)] += row["n"]
    return counts


def cpts_table(cpts) -> list[CategoryRow]:
    return table(count_by_category(Membership.objects.for_cpts(cpts).active()))


def quarter_ends(today: datetime.date, count: int = 8) -> list[datetime.date]:
    """The last day of the `count` latest quarters, oldest first, today last."""
    dates, year, quarter = [], today.year, (today.month - 1) // 3
    for _ in range(count - 1):
        quarter -= 1
        if quarter < 0:
            year, quarter = year - 1, 3
        end_month = 3 * (quarter + 1)
        next_month = datetime.date(year + (end_month == 12), end_month % 12 + 1, 1)
        dates.append(next_month - datetime.timedelta(days=1))
    return [*sorted(dates), today]


def trend(memberships, dates) -> list[TrendPoint]:
    """Adherents on each date, from one query of join/leave dates."""
    rows = list(
        memberships.exclude(joined_on__isnull=True)
        .exclude(status__in=[MembershipStatus.REQUESTED, MembershipStatus.REFUSED])
        .values("joined_on", "left_on", *MEMBER_FIELDS)
    )
    points = []
    for date in dates:
        counts = Counter(
            category_of_row(row)
            for row in rows
            if row["joined_on"] <= date and (row["left_on"] is None or row["left_on"] > date)
        )
        points.append(TrendPoint(date=date, total=sum(counts.values()), by_category=dict(counts)))
    return points


def cpts_in_area(*, departement_code=None, region_code=None):
    """Ids of the CPTS with at least one current commune in the area."""
    rows = TerritoryCommune.objects.current()
    if departement_code:
        rows = rows.filter(commune__departement_id=departement_code)
    else:
        rows = rows.filter(commune__departement__region_id=region_code)
    return rows.values("cpts_id").distinct()


def area_table(*, departement_code=None, region_code=None) -> tuple[list[CategoryRow], int]:
    """Counts over every CPTS of the area; no names ever leave this function."""
    cpts_ids = cpts_in_area(departement_code=departement_code, region_code=region_code)
    memberships = Membership.objects.active().filter(cpts_id__in=cpts_ids)
    return table(count_by_category(memberships)), cpts_ids.count()
