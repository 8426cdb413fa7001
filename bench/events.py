"""Benchmark of the public sessions' registration (issue 16, « Performance »): 200 people
registering at once for a session of 100 seats on PostgreSQL, against pgbench running a one-row
UPDATE transaction on the same server in the same run.

    [DATABASE_URL=postgres://user@host:5432/any] .venv/bin/python bench/events.py \
        [--database-url postgres://…] [--registrants 200] [--seats 100] [--rounds 5] \
        [--connections 50] [--seconds 10]

The bench creates its own scratch database `maillon_bench_events` (dropped and re-created,
never the `test` database) and migrates it. Each round opens a new session of --seats seats
and releases --registrants threads at once, each registering one person through
`maillon.prevention.services.register` (the conditional UPDATE of the seat count, the
registration row, the message queued on commit, as the public page does). They share a pool
of --connections database connections, as an application server's workers would: the server
allows 100 connections in all. After each round the session must hold exactly its seats:
seats taken = confirmed registrations = the seats, everyone else on the waiting list.

Printed: registrations/s, the latency of one registration (p50/p99, from taking a connection
to its commit and the message's enqueue), pgbench's transactions/s and p99 (-c connections, a
one-row update: of a row among 1 000 as the other benches, then of one hot row, as every
registration updates its session's seat count) and the ratios, then `overbooked: N` — the
registrations confirmed beyond the seats plus any mismatch of the counts; the exit status is 1
if N > 0 (or if a registration failed). Tests never assert times.
"""

import argparse
import copy
import datetime
import os
import queue
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booking import make_pgbench_table, percentile, pgbench, run_together
from scratch_pg import recreate_database, scratch_url, setup_django

SCRATCH = "maillon_bench_events"
BENCH = "bench/events.py"


def make_action():
    from django.db import connection

    from maillon.core.factories import CptsFactory
    from maillon.prevention.factories import PreventionActionFactory

    action = PreventionActionFactory(cpts=CptsFactory(name="CPTS du banc d'essai", slug="banc-essai"))
    with connection.cursor() as cursor:
        make_pgbench_table(cursor)
        cursor.execute("ANALYZE")
    return action


def new_session(action, seats: int, number: int):
    from django.utils import timezone

    from maillon.prevention.factories import PublicSessionFactory

    return PublicSessionFactory(
        action=action,
        title=f"Atelier du banc d'essai {number}",
        capacity=seats,
        starts_at=timezone.now() + datetime.timedelta(days=10),
    )


def connection_pool(size: int) -> queue.Queue:
    """`size` open connections that threads take in turn (`pooled`): Django's are per thread."""
    from django.db import connections

    pool = queue.Queue()
    for _ in range(size):
        wrapper = connections.create_connection("default")
        wrapper.inc_thread_sharing()
        wrapper.ensure_connection()
        pool.put(wrapper)
    return pool


def close_pool(pool: queue.Queue) -> None:
    while not pool.empty():
        wrapper = pool.get_nowait()
        wrapper.close()
        wrapper.dec_thread_sharing()


def rush(session, registrants: int, pool: queue.Queue) -> tuple[float, list[float], int]:
    """`registrants` threads register at once for `session`; the seconds until the last one's
    commit, each registration's latency (ms) and the registrations that failed."""
    from django.db import connections

    from maillon.prevention.services import register

    latencies, errors, lock = [], [], threading.Lock()

    def registrant(index):
        own = copy.copy(session)
        wrapper = pool.get()
        connections["default"] = wrapper
        begin = time.perf_counter()
        try:
            register(own, first_name="Camille", last_name=f"Essai {index}", email=f"essai{index}@example.org")
        except Exception as error:
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
            return
        finally:
            elapsed = time.perf_counter() - begin
            pool.put(wrapper)
        with lock:
            latencies.append(elapsed * 1000)

    elapsed = run_together(registrants, registrant)
    for error in sorted(set(errors))[:5]:
        print(f"    error: {error}")
    return elapsed, latencies, len(errors)


def overbooked(session, registrants: int) -> tuple[int, str]:
    """Confirmed beyond the seats, plus any mismatch: the seat count against the confirmed
    registrations, a seat left while someone waits, a registration lost."""
    from maillon.prevention.models import PublicSession, RegistrationStatus

    session = PublicSession.objects.get(pk=session.pk)
    confirmed = session.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = session.registrations.filter(status=RegistrationStatus.WAITING).count()
    beyond = max(0, confirmed - session.capacity)
    mismatch = abs(session.seats_taken - confirmed) + abs(confirmed + waiting - registrants)
    if waiting and confirmed < session.capacity:
        mismatch += session.capacity - confirmed
    state = f"{confirmed} confirmed, {waiting} waiting, seat count {session.seats_taken}/{session.capacity}"
    return beyond + mismatch, state


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--registrants", type=int, default=200)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5, help="sessions rushed one after the other")
    parser.add_argument("--connections", type=int, default=50, help="the pool's size, and pgbench's clients")
    parser.add_argument("--seconds", type=int, default=10, help="pgbench's duration")
    options = parser.parse_args()
    url = scratch_url(options.database_url, SCRATCH, bench=BENCH)
    recreate_database(options.database_url, SCRATCH, bench=BENCH)
    setup_django(url)
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    action = make_action()
    print(f"Maillon bench — registration for public sessions (PostgreSQL, scratch database {SCRATCH})")
    print(
        f"    {options.registrants} registrants at once for {options.seats} seats, {options.rounds} sessions,"
        f" {options.connections} connections"
    )
    pool = connection_pool(options.connections)
    total_time, latencies, failed, faults = 0.0, [], 0, 0
    try:
        for number in range(1, options.rounds + 1):
            session = new_session(action, options.seats, number)
            elapsed, round_latencies, errors = rush(session, options.registrants, pool)
            fault, state = overbooked(session, options.registrants)
            print(f"    session {number}: {elapsed * 1000:7.1f} ms, {state}")
            total_time += elapsed
            latencies += round_latencies
            failed += errors
            faults += fault
    finally:
        close_pool(pool)
    latencies.sort()
    rate = len(latencies) / total_time
    p99 = percentile(latencies, 0.99)
    print(f"    registered {len(latencies)}, failed {failed}: {rate:8.1f} registrations/s")
    print(f"    latency per registration: p50 {statistics.median(latencies):6.1f} ms  p99 {p99:6.1f} ms")
    # A row of 1 000 as the other benches, then always the same row, as every registration
    # updates its session's seat count.
    for rows, label in ((1000, "a row of 1 000"), (1, "one hot row")):
        tps, pg_latencies = pgbench(url, options.connections, options.seconds, rows=rows)
        pg_p99 = percentile(pg_latencies, 0.99) if pg_latencies else float("nan")
        print(
            f"    pgbench, one-row UPDATE ({label}), {options.connections} clients:"
            f" {tps:8.1f} tps  p99 {pg_p99:6.1f} ms"
        )
        print(
            f"        ratios: registrations/s / tps {rate / tps if tps else float('nan'):6.3f},"
            f"  p99 / pgbench p99 {p99 / pg_p99 if pg_latencies else float('nan'):6.2f}"
        )
    print(f"overbooked: {faults}")
    sys.exit(1 if faults or failed else 0)


if __name__ == "__main__":
    main()
