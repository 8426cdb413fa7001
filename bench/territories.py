"""Benchmark of the territory features, as ratios against references measured in the same run.

    .venv/bin/python bench/territories.py [--runs 7] [--skip-import] [--departements 62 78]

(a) The full commune import against just reading and decompressing its CSV files.
    When the communes are already there, the import runs inside a transaction that
    is rolled back, so the database is left as it was.
(b) Server time of the département overview page (median of N requests through the
    test client, after a warm-up), with its number of SQL queries, against a small
    API request (GET /api/v1/communes/62041).

Absolute times depend on the machine; compare the ratios. Tests never assert times.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillon.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from maillon.territories import communes_import  # noqa: E402
from maillon.territories.models import Commune  # noqa: E402

# Tables read by import_communes(), for the reference measure.
IMPORT_TABLES = ["regions", "departements", "epci", "communes", "codes_postaux", "codes_postaux_communes"]
REFERENCE_URL = "/api/v1/communes/62041"


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def read_csv_files():
    return sum(1 for table in IMPORT_TABLES for _ in communes_import.read_table(table))


class Rollback(Exception):
    """Raised to leave the import's transaction without keeping its writes."""


def import_without_keeping_it():
    try:
        with transaction.atomic():
            duration, result = timed(communes_import.import_communes)
            raise Rollback
    except Rollback:
        return duration, result


def bench_import():
    print("(a) Commune import")
    reference, rows = timed(read_csv_files)
    print(f"    reference: read and decompress the CSV files ({rows} rows): {reference:.2f} s")
    if Commune.objects.exists():
        duration, result = import_without_keeping_it()
        note = "rolled back, the database is unchanged"
    else:
        duration, result = timed(communes_import.import_communes)
        note = "kept: the database had no communes"
    print(f"    import_communes() ({result.communes} communes, {note}): {duration:.2f} s")
    print(f"    ratio import / reference: {duration / reference:.2f}")


def median_time(client, url, runs):
    response = client.get(url)  # warm-up: templates, caches, lazy imports
    if response.status_code != 200:
        return None, response
    durations = []
    for _ in range(runs):
        duration, response = timed(lambda: client.get(url))
        durations.append(duration)
    return statistics.median(durations), response


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def bench_page(client, url, runs, reference):
    duration, response = median_time(client, url, runs)
    if response.status_code != 200:
        print(f"    GET {url}: HTTP {response.status_code} — page not available (yet?), skipped")
        return
    queries = query_count(client, url)
    size = len(response.content) // 1024
    print(
        f"    GET {url:<28} {duration * 1000:9.1f} ms  {queries:4d} SQL queries  {size:6d} KiB"
        f"  ratio {duration / reference:8.1f}"
    )


def bench_departements(departements, runs):
    print(f"(b) Département overview (median of {runs} requests after a warm-up)")
    # A page that crashes is reported as HTTP 500 instead of stopping the bench.
    client = Client(raise_request_exception=False)
    reference, response = median_time(client, REFERENCE_URL, runs)
    if response.status_code != 200:
        print(f"    reference GET {REFERENCE_URL}: HTTP {response.status_code}; import the communes first")
        return
    queries = query_count(client, REFERENCE_URL)
    print(f"    reference GET {REFERENCE_URL:<18} {reference * 1000:9.1f} ms  {queries:4d} SQL queries")
    for code in departements:
        communes = Commune.objects.filter(departement_id=code).count()
        print(f"    département {code}: {communes} communes")
        bench_page(client, f"/departements/{code}/", runs, reference)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="requests per page (median)")
    parser.add_argument("--skip-import", action="store_true", help="skip (a), the commune import")
    parser.add_argument("--departements", nargs="+", default=["62", "78"])
    options = parser.parse_args()
    # WhiteNoise warns when STATIC_ROOT was never collected; irrelevant to timings.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    print(f"Maillon bench — territories ({connection.vendor}, {connection.settings_dict['NAME']})")
    if not options.skip_import:
        bench_import()
    bench_departements(options.departements, options.runs)


if __name__ == "__main__":
    main()
