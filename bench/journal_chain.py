"""Benchmark of the journal's hash chain (issue 19): what sealing costs concurrent writers.

    [DATABASE_URL=postgres://user@host:5432/any] .venv/bin/python bench/journal_chain.py \
        [--database-url postgres://…] [--writers 8] [--seconds 5] [--entries 5]

PostgreSQL only (SQLite has one writer at a time): a scratch database `maillon_bench_journal`
on the server of the URL (dropped and re-created, never the `test` database), migrated.

--writers threads, each with its own connection, write for --seconds: one transaction after
another, each of --entries journal entries through `journal.record` (as a request does), then
commit. Twice: (a) the reference, sealing turned off (entries stay unsealed, as before the
chain); (b) the chain, each commit sealing what is pending in its own short transaction under
the advisory lock. Prints entries/s of both and the ratio (b)/(a); then seals what is left,
runs `journal.verify` over the whole chain (exit status 1 if it is not intact) and prints its
speed. Absolute numbers depend on the machine; compare the ratio. Tests never assert times.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scratch_pg import recreate_database, scratch_url, setup_django

SCRATCH = "maillon_bench_journal"
BENCH = "bench/journal_chain.py"
BARRIER_SECONDS = 60


def run(writers: int, seconds: float, per_transaction: int, *, seal: bool) -> tuple[int, float]:
    """(entries written, elapsed seconds) by `writers` threads for `seconds`."""
    from django.db import connection, transaction

    from maillon.core import journal

    original = journal.seal_after_commit
    if not seal:
        journal.seal_after_commit = lambda **kwargs: None
    counts = [0] * writers
    errors = []
    barrier = threading.Barrier(writers + 1, timeout=BARRIER_SECONDS)
    stop = threading.Event()

    def writer(number):
        try:
            barrier.wait()
            while not stop.is_set():
                with transaction.atomic():
                    for item in range(per_transaction):
                        journal.record(
                            journal.Action.READ, object_type="core.Cpts", object_id=f"{number}-{item}", fields=["name"]
                        )
                counts[number] += per_transaction
        except Exception as error:  # reported below
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(writers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    journal.seal_after_commit = original
    if errors:
        sys.exit(f"{len(errors)} writer(s) failed, first: {errors[0]}")
    return sum(counts), elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--entries", type=int, default=5, help="entries per transaction")
    options = parser.parse_args()
    if not options.database_url.startswith("postgres"):
        sys.exit(f"{BENCH} needs PostgreSQL: --database-url postgres://user@host:5432/db")
    options.seconds = min(options.seconds, 60.0)  # bounded in time
    recreate_database(options.database_url, SCRATCH, bench=BENCH)
    setup_django(scratch_url(options.database_url, SCRATCH, bench=BENCH))

    from maillon.core import journal
    from maillon.core.models import JournalEntry

    print(f"PostgreSQL, scratch database {SCRATCH}: {options.writers} writers, {options.entries} entries a transaction")
    plain, plain_seconds = run(options.writers, options.seconds, options.entries, seal=False)
    plain_rate = plain / plain_seconds
    print(f"  without the chain : {plain:>8} entries in {plain_seconds:5.1f} s = {plain_rate:>8.0f} entries/s")
    started = time.perf_counter()
    backlog = journal.seal_pending()
    print(f"  sealing the backlog of {backlog} entries in one pass: {time.perf_counter() - started:5.2f} s")
    chained, chained_seconds = run(options.writers, options.seconds, options.entries, seal=True)
    chained_rate = chained / chained_seconds
    print(f"  with the chain    : {chained:>8} entries in {chained_seconds:5.1f} s = {chained_rate:>8.0f} entries/s")
    print(f"  ratio with/without: {chained_rate / plain_rate:.2f}")
    left = journal.seal_pending()
    started = time.perf_counter()
    result = journal.verify()
    verify_seconds = time.perf_counter() - started
    total = JournalEntry.objects.count()
    print(
        f"  verify: {result.checked} entries in {verify_seconds:.2f} s "
        f"({result.checked / max(verify_seconds, 1e-9):.0f} entries/s), {left} left unsealed by the run, "
        f"{'intact' if result.ok else 'BROKEN'}"
    )
    if not result.ok or result.checked != total:
        for problem in result.problems[:10]:
            print("   ", problem)
        sys.exit(1)


if __name__ == "__main__":
    main()
