"""The sane range of the dates people type: a birth date, an event's date.

One rule for the pages, the imports and the API: a birth date lies between 1900-01-01 and
today; any other date of an event (a meeting, an inclusion, a territory's start) between the
years 1900 and 2100. Far outside, a date is a typing slip or a probe, and some of them
(year 1, year 9999) overflow the arithmetic of the code that reads them.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)
EARLIEST_BIRTH = EARLIEST


def in_event_range(value: datetime.date) -> bool:
    day = value.date() if isinstance(value, datetime.datetime) else value
    return EARLIEST <= day <= LATEST


def birth_date_error(value: datetime.date, label: str = "Date de naissance") -> str | None:
    """The French message refusing `value` as a birth date, or None when it is plausible."""
    if value < EARLIEST_BIRTH:
        return f"{label} : la date doit être postérieure au {EARLIEST_BIRTH:%d/%m/%Y}."
    if value > timezone.localdate():
        return f"{label} : la date ne peut pas être dans le futur."
    return None


def validate_birth_date(value, label: str = "Date de naissance"):
    """A Django validator (forms, model `clean()`): a birth date between 1900-01-01 and today."""
    if value is None:
        return
    message = birth_date_error(value, label)
    if message:
        raise ValidationError(message, code="birth_date_range")
