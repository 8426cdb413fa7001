"""Benchmark of the same-day care slot search (issue 6, « Performance »): a region's year of
slots (1 000 000), searched for random requests, against a plain indexed SQL query.

    [DATABASE_URL=postgres://user@host:5432/any] .venv/bin/python bench/slots.py \
        [--database-url postgres://…] [--slots 1000000] [--agendas 500] [--searches 200]

The bench creates its own scratch database `maillon_bench_slots` on the server of the URL
(dropped and re-created each run, never the `test` database), migrates it, writes 500 agendas
in 300 communes of a region-sized box and the slots with one INSERT … SELECT generate_series.
Measured (server time, in the process): `maillon.snp.search.search` for --searches random
requests (a random commune, médecin or infirmier, within 24 or 48 h), p50 and p95; the
reference is the plain indexed query of the same window and bounding box (`LIMIT 50`, ids
only) on the same data. Target: p95 under 50 ms. Tests never assert times.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scratch_pg import recreate_database, scratch_url, setup_django

SCRATCH = "maillon_bench_slots"
BENCH = "bench/slots.py"
TARGET_MS = 50


def make_data(slots: int, agendas: int, rng: random.Random):
    from django.db import connection
    from django.utils import timezone

    from maillon.core.factories import CptsFactory
    from maillon.members.factories import MembershipFactory, PracticePlaceFactory
    from maillon.snp.factories import AgendaFactory
    from maillon.territories.factories import CommuneFactory, DepartementFactory

    cpts = CptsFactory(name="CPTS du banc d'essai", slug="banc-essai")
    departement = DepartementFactory(code="78")
    communes = [
        CommuneFactory(
            code=f"78{n:03d}",
            departement=departement,
            latitude=48.0 + rng.random() * 1.5,
            longitude=1.0 + rng.random() * 2.5,
        )
        for n in range(300)
    ]
    for n in range(agendas):
        profession = "10" if n % 10 < 7 else "60"
        place = PracticePlaceFactory(
            commune=rng.choice(communes),
            professional__profession=profession,
            professional__specialty="" if profession == "60" else "01",
        )
        MembershipFactory(cpts=cpts, professional=place.professional)  # only active members' slots are offered
        AgendaFactory(cpts=cpts, practice_place=place, professional=place.professional)
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    per_agenda = max(1, slots // agendas)
    step_minutes = max(20, (365 * 24 * 60) // per_agenda)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO snp_slot (agenda_id, cpts_id, professional_id, profession, specialty, commune_id,
                latitude, longitude, start, "end", audience, shared_with_sas, status, ics_uid, created_at, updated_at)
            SELECT a.id, a.cpts_id, a.professional_id, p.profession, p.specialty, pp.commune_id,
                c.latitude, c.longitude,
                %s + (n * %s || ' minutes')::interval + (a.id %% 7 || ' hours')::interval,
                %s + (n * %s + 20 || ' minutes')::interval + (a.id %% 7 || ' hours')::interval,
                'PUBLIC', (n %% 2 = 0), CASE WHEN n %% 5 = 0 THEN 'booked' ELSE 'free' END, '', now(), now()
            FROM snp_agenda a
            JOIN members_professional p ON p.id = a.professional_id
            JOIN members_practiceplace pp ON pp.id = a.practice_place_id
            JOIN territories_commune c ON c.code = pp.commune_id
            CROSS JOIN generate_series(0, %s - 1) AS n
            """,
            [start, step_minutes, start, step_minutes, per_agenda],
        )
        cursor.execute("ANALYZE snp_slot")
        cursor.execute("SELECT count(*) FROM snp_slot")
        total = cursor.fetchone()[0]
    return cpts, communes, total


def random_request(cpts, communes, rng, now):
    import datetime

    from maillon.snp.models import CareRequest

    urgency = rng.choice(["24h", "48h"])
    return CareRequest(
        pk=0,
        cpts=cpts,
        requester_kind=rng.choice(["member", "sas"]),
        commune=rng.choice(communes),
        urgency=urgency,
        profession=rng.choice(["10", "10", "60"]),
        created_at=now,
        deadline=now + datetime.timedelta(hours=24 if urgency == "24h" else 48),
    )


def plain_query(care_request, now):
    from django.db import connection

    from maillon.snp.radius import radius_for
    from maillon.snp.search import MAX_STEPS, bounding_box

    radius = radius_for("78")
    box = bounding_box(
        care_request.commune.latitude, care_request.commune.longitude, radius.default_km + MAX_STEPS * radius.step_km
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM snp_slot WHERE profession = %s AND status = 'free' AND start >= %s AND start <= %s "
            "AND cpts_id = %s AND latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s ORDER BY start LIMIT 50",
            [care_request.profession, now, care_request.deadline, care_request.cpts_id, box[0], box[1], box[2], box[3]],
        )
        return cursor.fetchall()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--slots", type=int, default=1_000_000)
    parser.add_argument("--agendas", type=int, default=500)
    parser.add_argument("--searches", type=int, default=200)
    options = parser.parse_args()
    recreate_database(options.database_url, SCRATCH, bench=BENCH)
    setup_django(scratch_url(options.database_url, SCRATCH, bench=BENCH))
    from django.utils import timezone

    from maillon.snp.search import search

    rng = random.Random(2026)
    started = time.perf_counter()
    cpts, communes, total = make_data(options.slots, options.agendas, rng)
    print(f"Maillon bench — SNP slot search (PostgreSQL, scratch database {SCRATCH})")
    print(f"    data: {total} slots of {options.agendas} agendas created in {time.perf_counter() - started:.1f} s")
    now = timezone.now()
    requests = [random_request(cpts, communes, rng, now) for _ in range(options.searches)]
    for care_request in requests[:10]:  # warm the caches
        search(care_request, now=now)
        plain_query(care_request, now)
    ours, plain, found = [], [], []
    for care_request in requests:
        begin = time.perf_counter()
        result = search(care_request, now=now)
        ours.append((time.perf_counter() - begin) * 1000)
        found.append(len(result.hits))
        begin = time.perf_counter()
        plain_query(care_request, now)
        plain.append((time.perf_counter() - begin) * 1000)
    p95, reference = percentile(ours, 0.95), percentile(plain, 0.95)
    verdict = "within" if p95 < TARGET_MS else "OVER"
    print(
        f"    search, {len(ours)} requests: p50 {statistics.median(ours):6.1f} ms  p95 {p95:6.1f} ms"
        f"  ({verdict} the {TARGET_MS} ms target; {statistics.mean(found):.1f} slots found on average)"
    )
    print(f"    plain indexed SQL query:   p50 {statistics.median(plain):6.1f} ms  p95 {reference:6.1f} ms")
    print(f"    ratio (p95 search / p95 plain query): {p95 / reference:6.1f}")


if __name__ == "__main__":
    main()
