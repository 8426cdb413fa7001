"""Times of the CPTS: a wall-clock time without offset is Europe/Paris time."""

import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris(moment: datetime.datetime) -> datetime.datetime:
    """`moment` as an aware time: a naive one is read as Paris wall-clock time (the first of
    the two at the autumn change), an aware one is returned as it is."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=PARIS)
    return moment
