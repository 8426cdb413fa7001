"""Recurrence rules (RRULE, RFC 5545) checked before any expansion, then expanded lazily within a budget.

python-dateutil expands a rule by walking its periods one by one until it finds an occurrence.
A rule below the day (`FREQ=MINUTELY`), or one whose parts contradict each other (« le 30 février
de chaque jour », « le 40e lundi du mois »), makes it walk for seconds or minutes: with no
occurrence, it stops only at the year 9999. So a rule is first read as text and checked against
what agendas write (`check_rule`): a frequency of a day at least, one time of day, parts that
always give a date within a few years; only then is it handed to dateutil, and its occurrences
are taken one at a time under a budget (`bounded`), never listed whole.

What agendas write (Google, Outlook, Apple, Thunderbird): « chaque jour », « chaque semaine le
mardi et le jeudi », « chaque mois le 15 », « chaque mois le 2e mardi » (BYDAY=2TU, or
BYDAY=TU;BYSETPOS=2), « chaque année le 14 juillet ». Anything else is refused in French,
naming the part of the rule.
"""

import calendar
import datetime
import re

from django.core.exceptions import ValidationError

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
PARTS = {
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "WKST",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "BYHOUR",
    "BYMINUTE",
    "BYSECOND",
}
TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
WEEKDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
INTEGER = re.compile(r"^[+-]?\d{1,4}$")
FEBRUARY = 2


class Budget(Exception):
    """More occurrences walked than the budget allows: the caller words the refusal."""


def parse(text: str, label: str) -> dict[str, list[str]]:
    """`FREQ=WEEKLY;BYDAY=TU,TH` → {"FREQ": ["WEEKLY"], "BYDAY": ["TU", "TH"]}; refused when not of
    the form KEY=VALUE or when a part comes twice."""
    parts: dict[str, list[str]] = {}
    for chunk in (text or "").strip().removeprefix("RRULE:").split(";"):
        key, _, value = chunk.partition("=")
        key = key.strip().upper()
        if not key or not value:
            raise ValidationError(f"{label} : « {chunk[:40]} » n'est pas de la forme CLÉ=VALEUR.")
        if key in parts:
            raise ValidationError(f"{label} : {key} apparaît deux fois.")
        parts[key] = [item.strip().upper() for item in value.split(",")]
    return parts


def _integers(parts, key, label, low, high, *, nonzero=True):
    values = []
    for item in parts.get(key, []):
        if not INTEGER.match(item) or not low <= abs(int(item)) <= high or (nonzero and int(item) == 0):
            raise ValidationError(f"{label} : {key}={item} n'est pas accepté (de 1 à {high}).")
        values.append(int(item))
    return values


def check_rule(
    text: str,
    *,
    dtstart: datetime.datetime,
    label: str,
    frequencies=FREQUENCIES,
    parts_allowed=PARTS,
    max_interval=None,
    max_count: int | None = None,
) -> dict[str, list[str]]:
    """Refuse, before any expansion, a rule that could repeat more than once a day or walk for long
    without giving a date. `max_interval`: {frequency: the largest INTERVAL}. Returns the parts."""
    parts = parse(text, label)
    unknown = set(parts) - set(parts_allowed)
    if unknown:
        raise ValidationError(f"{label} : {', '.join(sorted(unknown))} n'est pas accepté.")
    frequency = (parts.get("FREQ") or [""])[0]
    if frequency not in frequencies:
        names = {"DAILY": "quotidienne", "WEEKLY": "hebdomadaire", "MONTHLY": "mensuelle", "YEARLY": "annuelle"}
        allowed = [names[name] for name in frequencies]
        said = ", ".join(allowed[:-1]) + f" ou {allowed[-1]}" if len(allowed) > 1 else allowed[0]
        raise ValidationError(
            f"{label} : FREQ={frequency or '?'} n'est pas accepté, la fréquence est {said} (FREQ={frequencies[0]}…)."
        )
    limits = {"DAILY": 366, "WEEKLY": 53, "MONTHLY": 12, "YEARLY": 10} | (max_interval or {})
    interval = parts.get("INTERVAL", ["1"])
    if len(interval) != 1 or not interval[0].isdigit() or not 1 <= int(interval[0]) <= limits[frequency]:
        raise ValidationError(f"{label} : l'intervalle va de 1 à {limits[frequency]} (INTERVAL).")
    interval = int(interval[0])
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValidationError(f"{label} : COUNT et UNTIL ne vont pas ensemble, gardez l'un des deux.")
    if "COUNT" in parts:
        count = parts["COUNT"]
        high = max_count or 10_000
        if len(count) != 1 or not count[0].isdigit() or not 1 <= int(count[0]) <= high:
            raise ValidationError(f"{label} : COUNT={','.join(count)} n'est pas accepté, {high} répétitions au plus.")
    for key in TIME_PARTS:
        if key in parts:
            _integers(parts, key, label, 0, 59, nonzero=False)
            if len(parts[key]) > 1:
                raise ValidationError(
                    f"{label} : {key} donne plusieurs heures par jour ({','.join(parts[key][:5])}…) ; "
                    "une répétition a une seule heure de début, celle de DTSTART."
                )
    _check_days(parts, frequency, interval, dtstart, label)
    return parts


def _check_days(parts, frequency, interval, dtstart, label):
    """The day parts: combinations agendas write, and that always give a date within a few years."""
    weekdays = parts.get("BYDAY", [])
    ordinals = []
    for item in weekdays:
        match = WEEKDAY.match(item)
        if match is None:
            raise ValidationError(f"{label} : BYDAY={item} n'est pas un jour de la semaine (MO, TU…).")
        if match.group(1):
            ordinals.append(int(match.group(1)))
    monthdays = _integers(parts, "BYMONTHDAY", label, 1, 31)
    months = _integers(parts, "BYMONTH", label, 1, 12)
    positions = _integers(parts, "BYSETPOS", label, 1, 366)
    if ordinals and (frequency in ("DAILY", "WEEKLY") or (frequency == "YEARLY" and not months)):
        raise ValidationError(f"{label} : BYDAY={','.join(weekdays)} : un rang (2TU…) se donne dans un mois.")
    if ordinals and len(ordinals) != len(weekdays):
        raise ValidationError(f"{label} : BYDAY mélange des jours avec et sans rang.")
    if any(not 1 <= abs(rank) <= 5 for rank in ordinals):
        raise ValidationError(f"{label} : BYDAY : le rang d'un jour dans le mois va de 1 à 5 (ou -1 à -5).")
    if months and frequency in ("DAILY", "WEEKLY"):
        raise ValidationError(f"{label} : BYMONTH ne s'emploie qu'avec FREQ=MONTHLY ou FREQ=YEARLY.")
    if monthdays and weekdays:
        raise ValidationError(f"{label} : BYMONTHDAY et BYDAY ne vont pas ensemble, gardez l'un des deux.")
    if frequency == "DAILY" and (monthdays or (weekdays and interval > 1)):
        raise ValidationError(f"{label} : FREQ=DAILY se précise seulement par les jours de la semaine (BYDAY).")
    if positions and (frequency in ("DAILY", "WEEKLY") or not weekdays or ordinals):
        raise ValidationError(f"{label} : BYSETPOS se donne avec FREQ=MONTHLY ou YEARLY et des jours (BYDAY=TU).")
    # Days that every month has (1 to 28, the 4 first weekdays) never leave a gap; beyond, the
    # months the rule reaches must hold them, and a year step (YEARLY;INTERVAL=4) may skip them all.
    widest = 5 if len(weekdays) == 1 else 4 * len(weekdays)
    if any(abs(position) > widest for position in positions):
        raise ValidationError(f"{label} : BYSETPOS va de 1 à {widest} ici (ou -1 à -{widest}).")
    if frequency == "MONTHLY":
        reached = {(dtstart.month - 1 + interval * step) % 12 + 1 for step in range(12)}
        reached = reached & set(months) if months else reached
    elif frequency == "YEARLY":
        reached = set(months) if months else ({dtstart.month} if not (monthdays or weekdays) else set(range(1, 13)))
    else:
        return
    if not reached:
        raise ValidationError(f"{label} : BYMONTH ne retient aucun des mois que la répétition parcourt.")
    if not (monthdays or weekdays):
        monthdays = [dtstart.day]
    longest = max(29 if month == FEBRUARY else calendar.monthrange(2001, month)[1] for month in reached)
    if monthdays and not any(abs(day) <= longest for day in monthdays):
        raise ValidationError(f"{label} : cette règle ne donne aucune date (BYMONTHDAY au-delà de la fin du mois).")
    rare = any(abs(day) > 28 for day in monthdays) or any(abs(rank) == 5 for rank in ordinals)
    rare = rare or any(abs(position) > 4 * len(weekdays) for position in positions)
    if frequency == "YEARLY" and interval > 1 and rare:
        raise ValidationError(
            f"{label} : avec INTERVAL={interval}, un 29, 30, 31 ou 5e jour du mois peut ne jamais revenir ; "
            "choisissez un jour que tous les mois ont."
        )


class Walk:
    """Occurrences of dateutil rules taken one at a time, under one budget for a whole file:
    at most `budget` occurrences walked from each rule's start, earlier ones included."""

    def __init__(self, budget: int):
        self.left = budget

    def occurrences(self, rule, *, after, until):
        """The occurrences of `rule` in (after, until], lazily; `Budget` once the budget is spent."""
        for moment in rule:
            self.left -= 1
            if self.left < 0:
                raise Budget
            if moment > until:
                return
            if moment > after:
                yield moment
