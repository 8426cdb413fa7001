"""Benchmark of the care pathways (issue 15, « Performance »): 10 CPTS of taille 4, each with
5 000 included patients and 100 000 care tasks, built in SQL; the breaks board and a member's
task list against a plain indexed SQL query on the same data; the daily break scan, one task
per CPTS.

    [DATABASE_URL=postgres://user@host:5432/any] .venv/bin/python bench/pathways.py \
        [--database-url postgres://…] [--cpts 10] [--patients 5000] [--steps 20] [--runs 30]

The bench creates its own scratch database `maillon_bench_pathways` on the server of the URL
(dropped and re-created each run, never the `test` database) and migrates it. Per CPTS:
90 adherents (40 GPs, 40 nurses, 10 pharmacists), one programme of `--steps` steps, the
patients (one INSERT … SELECT generate_series), each with the lead and a nurse in the care
team, and one care task per step (due every 30 days from the inclusion, most of those past
done, a few left late).

Measured, in the process:
- the daily scan (`pathways.tasks.scan_breaks`, the task the scheduler queues per CPTS): its
  time per CPTS, the first run (it opens every break) and the next (steady state);
- the breaks board (coordinator) and « Mes tâches » (a GP who leads 125 patients): server
  time through Django's test client, p50 and p95 over --runs requests, the same for the API's
  lists; the reference is the plain indexed query of the same first rows (ids only).
Target: p95 under 200 ms. Absolute times depend on the machine; compare the ratios. Tests
never assert times.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scratch_pg import recreate_database, scratch_url, setup_django

SCRATCH = "maillon_bench_pathways"
BENCH = "bench/pathways.py"
TARGET_MS = 200
GPS, NURSES, PHARMACISTS = 40, 40, 10


def make_cpts(index: int, steps: int):
    """A CPTS, its adherents, a coordinator and a GP's account, one programme."""
    from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
    from maillon.core.models import CptsRoleKind
    from maillon.members.factories import MembershipFactory, ProfessionalFactory
    from maillon.pathways.factories import ProgrammeFactory, ProgrammeStepFactory
    from maillon.pathways.models import Anchor

    cpts = CptsFactory(name=f"CPTS du banc d'essai {index}", slug=f"banc-parcours-{index}")
    coordinator = CptsRoleFactory(cpts=cpts, role=CptsRoleKind.COORDINATOR).user
    member = UserFactory()
    CptsRoleFactory(cpts=cpts, user=member, role=CptsRoleKind.MEMBER)
    gps = [MembershipFactory(cpts=cpts, professional=ProfessionalFactory()) for _ in range(GPS)]
    gps[0].professional.user = member
    gps[0].professional.save()
    nurses = [MembershipFactory(cpts=cpts, professional=ProfessionalFactory(nurse=True)) for _ in range(NURSES)]
    for _ in range(PHARMACISTS):
        MembershipFactory(cpts=cpts, professional=ProfessionalFactory(pharmacist=True))
    programme = ProgrammeFactory(cpts=cpts, name="Maintien à domicile")
    for position in range(1, steps + 1):
        lead_step = position % 4 == 1
        ProgrammeStepFactory(
            programme=programme,
            position=position,
            title=f"Étape {position}",
            profession="" if lead_step else "60",
            role="Référent" if lead_step else "",
            anchor=Anchor.RECURRING if position == steps else Anchor.INCLUSION,
            offset_days=30 * position,
        )
    return cpts, coordinator, member, programme, [gp.pk for gp in gps], [nurse.pk for nurse in nurses]


def insert_patients(cpts, programme, gps, nurses, patients: int, steps: int) -> None:
    """Inclusions, their care teams and tasks in three INSERT … SELECT."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO pathways_inclusion (cpts_id, programme_id, birth_name, used_name, given_names,
                first_given_name, sex, birth_date, birth_place_code, ins_number, identity_qualification, phone,
                email, consent_on, consent_mode, lead_id, included_on, status, close_reason, reminder_channel)
            SELECT %(cpts)s, %(programme)s, 'Patient ' || n, '', 'Prénom', 'Prénom', 'F',
                DATE '1940-01-01' + (n %% 7000), '', '', 'provisional', '', '',
                CURRENT_DATE - (n %% 365), 'oral', (%(gps)s::bigint[])[1 + n %% %(gp_count)s],
                CURRENT_DATE - (n %% 365), 'active', '', ''
            FROM generate_series(0, %(patients)s - 1) AS n
            """,
            {
                "cpts": cpts.pk,
                "programme": programme.pk,
                "gps": gps,
                "gp_count": len(gps),
                "patients": patients,
            },
        )
        cursor.execute(
            """
            INSERT INTO pathways_careteammember (inclusion_id, membership_id, name, relationship, contact, role,
                starts_on)
            SELECT i.id, CASE WHEN k = 0 THEN i.lead_id ELSE (%(nurses)s::bigint[])[1 + i.id %% %(nurse_count)s] END,
                '', '', '', CASE WHEN k = 0 THEN 'Référent' ELSE 'Infirmier' END, i.included_on
            FROM pathways_inclusion i CROSS JOIN generate_series(0, 1) AS k
            WHERE i.cpts_id = %(cpts)s
            """,
            {"cpts": cpts.pk, "nurses": nurses, "nurse_count": len(nurses)},
        )
        # Due every 30 days from the inclusion; done when due more than 5 days ago, but one in 40 left late.
        cursor.execute(
            """
            INSERT INTO pathways_caretask (cpts_id, inclusion_id, step_id, title, profession, role, assignee_id,
                due_on, late_from, status, done_on, outcome)
            SELECT i.cpts_id, i.id, s.id, s.title, s.profession, s.role,
                CASE WHEN s.profession = '' THEN i.lead_id
                     ELSE (%(nurses)s::bigint[])[1 + i.id %% %(nurse_count)s] END,
                i.included_on + s.offset_days, i.included_on + s.offset_days + s.tolerance_days,
                CASE WHEN i.included_on + s.offset_days < CURRENT_DATE - 5 AND (i.id + s.id) %% 40 <> 0
                     THEN 'done' ELSE 'todo' END,
                CASE WHEN i.included_on + s.offset_days < CURRENT_DATE - 5 AND (i.id + s.id) %% 40 <> 0
                     THEN i.included_on + s.offset_days END,
                ''
            FROM pathways_inclusion i JOIN pathways_programmestep s ON s.programme_id = i.programme_id
            WHERE i.cpts_id = %(cpts)s
            """,
            {"cpts": cpts.pk, "nurses": nurses, "nurse_count": len(nurses)},
        )


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("pathways_inclusion", "pathways_careteammember", "pathways_caretask", "pathways_carebreak"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def percentiles(durations: list[float]) -> tuple[float, float]:
    ordered = sorted(durations)
    return statistics.median(ordered) * 1000, ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


def timed(function, runs: int) -> list[float]:
    function()  # warm the caches once
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        durations.append(time.perf_counter() - start)
    return durations


def plain(sql: str, params) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()


def verified_client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(raise_request_exception=False)
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Banc d'essai", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def token_client(user):
    from django.test import Client

    from maillon.core.models import ApiToken

    _, plain_token = ApiToken.issue(user, "Banc d'essai")
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain_token}")


def measure(label, function, runs, reference_ms):
    durations = timed(function, runs)
    p50, p95 = percentiles(durations)
    over = "  > target" if p95 >= TARGET_MS else ""
    print(f"  {label:<48} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ratio p95/reference {p95 / reference_ms:7.1f}{over}")


def bench_lists(cpts, coordinator, member, runs) -> None:
    from django.urls import NoReverseMatch, reverse

    from maillon.members.models import Membership

    own = Membership.objects.get(cpts=cpts, professional__user=member)
    task_sql = (
        "SELECT id FROM pathways_caretask WHERE cpts_id = %s AND assignee_id = %s AND status = 'todo' "
        "ORDER BY late_from, due_on LIMIT 50"
    )
    board_sql = (
        "SELECT id FROM pathways_carebreak WHERE cpts_id = %s AND status = 'open' ORDER BY detected_on DESC LIMIT 50"
    )
    task_reference = percentiles(timed(lambda: plain(task_sql, [cpts.pk, own.pk]), runs))[1]
    board_reference = percentiles(timed(lambda: plain(board_sql, [cpts.pk]), runs))[1]
    print(f"  reference: the member's open tasks, plain indexed SQL      p95 {task_reference:7.2f} ms")
    print(f"  reference: the open breaks, plain indexed SQL              p95 {board_reference:7.2f} ms")
    pages = [
        ("page « Mes tâches » (a GP, 125 patients)", "pathways_tasks", member, verified_client, task_reference),
        ("page breaks board (coordinator)", "pathways_breaks", coordinator, verified_client, board_reference),
    ]
    apis = [
        ("API GET care-tasks (the GP)", "/api/v1/cpts/{}/care-tasks", member, task_reference),
        ("API GET care-breaks (coordinator)", "/api/v1/cpts/{}/care-breaks", coordinator, board_reference),
    ]
    for label, name, user, client_of, reference in pages:
        try:
            url = reverse(name, args=[cpts.slug])
        except NoReverseMatch:
            print(f"  {label}: no route {name}, skipped")
            continue
        client = client_of(user)
        status = client.get(url).status_code
        if status != 200:
            print(f"  {label}: HTTP {status}, skipped")
            continue
        measure(label, lambda client=client, url=url: client.get(url), runs, reference)
    for label, path, user, reference in apis:
        client = token_client(user)
        url = path.format(cpts.pk)
        status = client.get(url).status_code
        if status != 200:
            print(f"  {label}: HTTP {status}, skipped")
            continue
        measure(label, lambda client=client, url=url: client.get(url), runs, reference)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--cpts", type=int, default=10)
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    url = scratch_url(options.database_url or "postgres://postgres@127.0.0.1:5432/postgres", SCRATCH, bench=BENCH)
    recreate_database(options.database_url or url, SCRATCH, bench=BENCH)
    setup_django(url)

    from maillon.pathways import tasks
    from maillon.pathways.models import CareTask, Inclusion

    start = time.perf_counter()
    made = []
    for index in range(options.cpts):
        cpts, coordinator, member, programme, gps, nurses = make_cpts(index, options.steps)
        insert_patients(cpts, programme, gps, nurses, options.patients, options.steps)
        made.append((cpts, coordinator, member))
    analyze()
    print(
        f"Data: {options.cpts} CPTS, {Inclusion.objects.count():,} inclusions, {CareTask.objects.count():,} care "
        f"tasks, built in {time.perf_counter() - start:.1f} s".replace(",", " ")
    )

    print("The daily break scan, one task per CPTS (first run opens every break, then steady state):")
    for cpts, _, _ in made:
        timings = []
        for _ in range(2):
            begin = time.perf_counter()
            opened = tasks.scan_breaks.call(cpts.pk)
            timings.append((time.perf_counter() - begin, opened))
        (first, first_opened), (second, second_opened) = timings
        print(
            f"  {cpts.slug:<20} first {first:6.2f} s ({first_opened:5d} breaks opened)"
            f"   next {second:6.2f} s ({second_opened} opened)"
        )
    analyze()

    cpts, coordinator, member = made[0]
    print(f"Lists of {cpts.slug}, {options.runs} requests each (target p95 < {TARGET_MS} ms):")
    bench_lists(cpts, coordinator, member, options.runs)


if __name__ == "__main__":
    main()
