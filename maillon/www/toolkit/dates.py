"""Dates as the pages say them. `week_label`: an ISO week read as « semaine du 7 décembre 2026 »
(its Monday), never « 2026-S49 ». In templates: `{% load toolkit %}{{ day|week_label }}`."""

import datetime

from django.utils import formats, timezone


def monday_of(day: datetime.date | datetime.datetime) -> datetime.date:
    """The Monday of the ISO week of `day` (an aware datetime is read in local time)."""
    if isinstance(day, datetime.datetime):
        day = timezone.localdate(day) if timezone.is_aware(day) else day.date()
    return day - datetime.timedelta(days=day.weekday())


def day_label(day: datetime.date) -> str:
    """« 7 décembre 2026 », « 1er mars 2027 »."""
    label = formats.date_format(day, "j F Y")
    return f"1er{label[1:]}" if day.day == 1 else label


def week_label(day: datetime.date | datetime.datetime) -> str:
    """« semaine du 7 décembre 2026 »: the ISO week of `day`, named by its Monday."""
    return f"semaine du {day_label(monday_of(day))}"
