"""Benchmark of atomic SNP booking (issue 6, « Performance »): 50 concurrent clients hammering
1 000 slots on PostgreSQL, against pgbench running a one-row UPDATE transaction on the same
server in the same run.

    [DATABASE_URL=postgres://user@host:5432/any] .venv/bin/python bench/booking.py \
        [--database-url postgres://…] [--clients 50] [--slots 1000] [--attempts 3000] [--seconds 10]

The bench creates its own scratch database `maillon_bench_booking` (dropped and re-created,
never the `test` database), migrates it and writes 1 000 free slots and --attempts requests.
Each client (a thread with its own connection) takes the next request and books a random
slot through `maillon.snp.booking.book` (a transaction: conditional UPDATE of the slot, the
request's transition, the Booking row); a refusal is a normal answer. Printed: bookings/s,
attempts/s, p50/p99 latency, pgbench's transactions/s (-c clients, a one-row update) and the
ratio, then `double bookings: N` — the exit status is 1 if N > 0. Tests never assert times.
"""

import argparse
import os
import queue
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scratch_pg import recreate_database, scratch_url, setup_django

SCRATCH = "maillon_bench_booking"
BENCH = "bench/booking.py"
PGBENCH = "/usr/bin/pgbench"


def make_data(slots: int, attempts: int, rng: random.Random):
    import datetime

    from django.db import connection
    from django.utils import timezone

    from maillon.core.factories import CptsFactory, UserFactory
    from maillon.members.factories import MembershipFactory, PracticePlaceFactory
    from maillon.snp.factories import AgendaFactory
    from maillon.territories.factories import CommuneFactory

    cpts = CptsFactory(name="CPTS du banc d'essai", slug="banc-essai")
    commune = CommuneFactory(code="78646", latitude=48.80, longitude=2.13)
    agendas = []
    for _ in range(20):
        place = PracticePlaceFactory(commune=commune)
        MembershipFactory(cpts=cpts, professional=place.professional)  # only active members' slots are offered
        agendas.append(AgendaFactory(cpts=cpts, practice_place=place, professional=place.professional))
    operator = UserFactory()
    start = timezone.now() + datetime.timedelta(hours=1)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO snp_slot (agenda_id, cpts_id, professional_id, profession, specialty, commune_id,
                latitude, longitude, start, "end", audience, shared_with_sas, status, ics_uid, created_at, updated_at)
            SELECT a.id, a.cpts_id, a.professional_id, '10', '', %s, 48.80, 2.13,
                %s + ((n / 20) * 20 || ' minutes')::interval, %s + ((n / 20) * 20 + 20 || ' minutes')::interval,
                'PUBLIC', false, 'free', '', now(), now()
            FROM generate_series(0, %s - 1) AS n
            JOIN snp_agenda a ON a.id = (SELECT id FROM snp_agenda ORDER BY id OFFSET (n %% 20) LIMIT 1)
            """,
            [commune.code, start, start, slots],
        )
        cursor.execute(
            """
            INSERT INTO snp_carerequest (cpts_id, requested_by_id, requester_kind, first_name, last_name, birth_date,
                phone, commune_id, reason, urgency, profession, specialty, status, created_at, deadline, updated_at)
            SELECT %s, %s, 'member', 'Banc', 'Essai ' || n, '1970-01-01', '0600000000', %s, 'Banc d''essai',
                '48h', '10', '', 'open', now(), now() + interval '48 hours', now()
            FROM generate_series(1, %s) AS n
            """,
            [cpts.pk, operator.pk, commune.code, attempts],
        )
        make_pgbench_table(cursor)
        cursor.execute("ANALYZE")
    return operator


def make_pgbench_table(cursor) -> None:
    """The 1 000 rows pgbench's one-row UPDATE picks from (`pgbench`)."""
    cursor.execute("CREATE TABLE bench_row (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0)")
    cursor.execute("INSERT INTO bench_row (id) SELECT generate_series(1, 1000)")


def hammer(clients: int, operator) -> tuple[float, list[float], int, int]:
    from django.db import connections

    from maillon.snp.booking import SlotTaken, book
    from maillon.snp.models import CareRequest, Slot

    work = queue.Queue()
    for pk in CareRequest.objects.order_by("pk").values_list("pk", flat=True):
        work.put(pk)
    slot_ids = list(Slot.objects.values_list("pk", flat=True))
    latencies, counts, lock = [], {"booked": 0, "refused": 0}, threading.Lock()

    def client(seed):
        rng = random.Random(seed)
        try:
            while True:
                try:
                    pk = work.get_nowait()
                except queue.Empty:
                    return
                begin = time.perf_counter()
                care_request = CareRequest.objects.get(pk=pk)
                slot = Slot.objects.select_related("agenda").get(pk=rng.choice(slot_ids))
                try:
                    book(care_request, slot, by=operator)
                    outcome = "booked"
                except SlotTaken:
                    outcome = "refused"
                elapsed = time.perf_counter() - begin
                with lock:
                    latencies.append(elapsed * 1000)
                    counts[outcome] += 1
        finally:
            connections.close_all()

    elapsed = run_together(clients, client)
    return elapsed, latencies, counts["booked"], counts["refused"]


def run_together(clients: int, client) -> float:
    """`client(index)` in `clients` threads released at once (a barrier); the seconds from
    their release until the last one ends."""
    barrier = threading.Barrier(clients + 1)

    def released(index):
        barrier.wait()
        client(index)

    threads = [threading.Thread(target=released, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    begin = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - begin


def percentile(values: list[float], share: float) -> float:
    """Of values sorted in increasing order (share 0.99: the p99)."""
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def double_bookings() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT slot_id FROM snp_booking WHERE cancelled_at IS NULL AND slot_id IS NOT NULL "
            "GROUP BY slot_id HAVING count(*) > 1) AS doubled"
        )
        doubled = cursor.fetchone()[0]
        # A slot marked booked without its booking, or the other way round, is as bad.
        cursor.execute(
            "SELECT count(*) FROM snp_slot s WHERE (s.status = 'booked') <> EXISTS "
            "(SELECT 1 FROM snp_booking b WHERE b.slot_id = s.id AND b.cancelled_at IS NULL)"
        )
        return doubled + cursor.fetchone()[0]


def pgbench_tps(url: str, clients: int, seconds: int) -> float:
    return pgbench(url, clients, seconds)[0]


def pgbench(url: str, clients: int, seconds: int, *, rows: int = 1000) -> tuple[float, list[float]]:
    """pgbench's transactions/s on `bench_row` (`make_pgbench_table`), one-row UPDATE
    transactions from `clients` connections, each of a row drawn among the first `rows` (1: all
    on the same row), and each transaction's latency in ms (its log)."""
    script = f"\\set id random(1, {rows})\nBEGIN;\nUPDATE bench_row SET n = n + 1 WHERE id = :id;\nEND;\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "update.sql"
        path.write_text(script)
        parts = urlsplit(url)
        command = [PGBENCH, "-n", "-c", str(clients), "-j", "2", "-T", str(seconds), "-f", str(path)]
        command += ["-l", "--log-prefix", str(Path(folder) / "log")]
        command += ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
        command += ["-U", parts.username or "postgres", parts.path.lstrip("/")]
        env = {**os.environ, "PGPASSWORD": parts.password or ""}
        output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout  # noqa: S603 (fixed binary)
        # Each line of a log: client, transaction, latency (µs), script, epoch, µs.
        latencies = [
            int(line.split()[2]) / 1000
            for log in Path(folder).glob("log.*")
            for line in log.read_text().splitlines()
            if line.strip()
        ]
    match = re.search(r"tps = ([0-9.]+)", output)
    return (float(match.group(1)) if match else 0.0), sorted(latencies)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--slots", type=int, default=1000)
    parser.add_argument("--attempts", type=int, default=3000)
    parser.add_argument("--seconds", type=int, default=10, help="pgbench's duration")
    options = parser.parse_args()
    url = scratch_url(options.database_url, SCRATCH, bench=BENCH)
    recreate_database(options.database_url, SCRATCH, bench=BENCH)
    setup_django(url)
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    operator = make_data(options.slots, options.attempts, random.Random(2026))
    print(f"Maillon bench — atomic SNP booking (PostgreSQL, scratch database {SCRATCH})")
    print(f"    {options.clients} clients, {options.slots} slots, {options.attempts} booking attempts")
    elapsed, latencies, booked, refused = hammer(options.clients, operator)
    rate = booked / elapsed
    latencies.sort()
    p99 = percentile(latencies, 0.99)
    print(
        f"    booked {booked}, refused {refused} in {elapsed:.1f} s: {rate:8.1f} bookings/s,"
        f" {len(latencies) / elapsed:8.1f} attempts/s"
    )
    print(f"    latency per attempt: p50 {statistics.median(latencies):6.1f} ms  p99 {p99:6.1f} ms")
    tps = pgbench_tps(url, options.clients, options.seconds)
    print(f"    pgbench, one-row UPDATE, {options.clients} clients: {tps:8.1f} tps")
    print(f"    ratio (bookings/s / pgbench tps): {rate / tps if tps else float('nan'):6.3f}")
    doubled = double_bookings()
    print(f"double bookings: {doubled}")
    sys.exit(1 if doubled else 0)


if __name__ == "__main__":
    main()
