"""Benchmark of the SNP .ics import's bounds: reading a legitimate agenda (weekly series over
12 months) against reading hostile files, which must be refused at once.

    .venv/bin/python bench/ics_import.py [--series 20] [--runs 3] [--unbounded]

Each file goes through `maillon.snp.slots.parse_ics` (what the page and the API call before
writing anything; no database, no network). Printed for each file: its size, its outcome (the
number of slots, or the start of the refusal), the best time over the runs and the peak memory
(tracemalloc), and the ratio of its time and memory to the legitimate file's. A hostile file
must cost about what the legitimate one costs (ratio near or below 1), never seconds.

`--unbounded` also times what the import did before it was bounded, on the issue's 162-byte
file: dateutil expanding `FREQ=MINUTELY` over 12 months (about 5 s and 150 MB on a laptop).
Absolute times depend on the machine; compare the ratios.
"""

import argparse
import datetime
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", type=int, default=20, help="weekly series in the legitimate file")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--unbounded", action="store_true", help="also time the unbounded expansion")
    return parser.parse_args()


def event(uid, start, rule="", extra=""):
    rule_line = f"RRULE:{rule}\r\n" if rule else ""
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:{start:%Y%m%d}T080000Z\r\n"
        f"DTSTART;TZID=Europe/Paris:{start:%Y%m%dT%H%M}00\r\nDURATION:PT20M\r\n{rule_line}{extra}END:VEVENT\r\n"
    )


def calendar(*events):
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bench//FR\r\n" + "".join(events) + "END:VCALENDAR\r\n"
    ).encode()


def files(series):
    today = datetime.date.today()
    monday = today + datetime.timedelta(days=7 - today.weekday())

    def at(day, hour, minute=0):
        return datetime.datetime.combine(day, datetime.time(hour, minute))

    # A member's SNP agenda: `series` weekly slots (20 minutes, Monday to Friday evenings), 12 months.
    legit = calendar(
        *(
            event(
                f"serie-{n}@agenda",
                at(monday + datetime.timedelta(days=n % 5), 17 + (n // 5) % 3, 20 * (n // 15)),
                "FREQ=WEEKLY;COUNT=50",
            )
            for n in range(series)
        )
    )
    day = f"{today + datetime.timedelta(days=3):%Y%m%d}"
    issue = (
        f"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:{day}T090000Z\r\nDTEND:{day}T091000Z\r\n"
        "RRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    start = at(today + datetime.timedelta(days=3), 17)
    return {
        f"légitime ({series} séries hebdomadaires)": legit,
        "fichier de l'issue : FREQ=MINUTELY": issue,
        "FREQ=SECONDLY": calendar(event("s@x", start, "FREQ=SECONDLY")),
        "FREQ=DAILY;BYHOUR=0..23;BYMINUTE=0..59": calendar(
            event(
                "h@x",
                start,
                "FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE=" + ",".join(map(str, range(60))),
            )
        ),
        "sans date : FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30": calendar(
            event("f@x", start, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")
        ),
        "DTSTART en 1970, FREQ=DAILY": calendar(event("o@x", datetime.datetime(1970, 1, 1, 17), "FREQ=DAILY")),
        "COUNT=1000000": calendar(event("c@x", start, "FREQ=DAILY;COUNT=1000000")),
        "3 001 événements": calendar(*(event(f"e{n}@x", start) for n in range(3001))),
    }


def attempt(function) -> str:
    try:
        return f"{len(function())} créneaux"
    except Exception as error:  # ValidationError: the refusal, as the member reads it
        return "refusé : " + getattr(error, "messages", [str(error)])[0][:70]


def measure(function, runs):
    """Best time over `runs` (without tracing), then the peak memory of one traced run."""
    best = None
    for _ in range(runs):
        began = time.perf_counter()
        outcome = attempt(function)
        elapsed = time.perf_counter() - began
        best = elapsed if best is None else min(best, elapsed)
    tracemalloc.start()
    attempt(function)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak, outcome


def unbounded():
    """What the import did before: the whole rule expanded over 12 months, then capped."""
    import zoneinfo

    from dateutil.rrule import rrulestr

    start = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Paris")).replace(microsecond=0)
    rule = rrulestr("FREQ=MINUTELY", dtstart=start)
    return rule.between(start, start + datetime.timedelta(days=366), inc=True)


def main():
    args = parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillon.settings")
    import django

    django.setup()
    from maillon.snp.slots import parse_ics

    results = {name: measure(lambda data=data: parse_ics(data), args.runs) for name, data in files(args.series).items()}
    if args.unbounded:
        results["avant : FREQ=MINUTELY développée sur 12 mois"] = measure(unbounded, 1)
    (reference_time, reference_peak, _), sizes = next(iter(results.values())), files(args.series)
    print(f"{'fichier':52} {'octets':>8} {'temps':>9} {'×':>6} {'mémoire':>10} {'×':>6}  résultat")
    for name, (elapsed, peak, outcome) in results.items():
        size = len(sizes[name]) if name in sizes else 0
        print(
            f"{name:52} {size:8d} {elapsed * 1000:7.1f}ms {elapsed / reference_time:6.2f} "
            f"{peak / 1024:8.0f}Ko {peak / reference_peak:6.2f}  {outcome}"
        )


if __name__ == "__main__":
    main()
