"""Benchmark of the médecin traitant proposal engine (issue 5, « Performance »).

    .venv/bin/python bench/matching.py [--seed 5] [--patients 100000] [--doctors 2000] [--sample 8]
                                       [--workers N] [--queued-only]

Pure Python, no database. Every instance is generated from a fixed seed. Printed, measured in
the same run:

(a) Optimality: on medium instances, the engine's objective (OR-Tools min-cost flow) against a
    second exact solver (HiGHS, three linear programs, in a spawned process: the two solvers
    cannot share one, see maillon/mt/matching_check.py) — the ratio must be 1.000 on each of
    the three criteria; and the priority patients (ALD or aged 70+) placed by the engine
    against a first-come-first-served greedy pass.
(b) Scale: 100 000 waiting patients and 2 000 doctors in one département-like area, solved
    (target: under 10 s on 2 cores), against building the eligibility index alone and the
    greedy pass on the same instance.
(c) National: 6.7 M patients and 55 000 doctors split into 100 départements of realistic,
    unequal sizes. A sample of départements (smallest, largest and quantiles between) is
    generated and solved, one by one and then by 2 worker processes (as background tasks
    would); the national total is projected from the time per patient of the sample.
(d) With `--workers N`: the same sample of départements as background tasks (django_tasks, one
    task per département) on a scratch SQLite database in a temporary directory, run by 1 then
    N `manage.py db_worker --batch` processes that share the queue (the database backend hands
    each task to one worker): time per département as reported by the workers, wall time with
    1 and N workers, and the speed-up. `--queued-only` skips (a)–(c).

Absolute times depend on the machine; tests never assert times.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from maillon.mt.matching import Doctor, EligibilityIndex, Patient, solve
from maillon.mt.matching_check import HighsChecker, greedy

ROOT = Path(__file__).resolve().parent.parent
NATIONAL_PATIENTS = 6_700_000
NATIONAL_DOCTORS = 55_000
DEPARTEMENTS = 100
TARGET_SECONDS = 10
PRIORITY_TRAITS = frozenset({"ald", "age_70_plus"})


# --- Generated instances ------------------------------------------------------------------


def weight_of(traits: frozenset[str]) -> int:
    """A CPTS's default weighting: ALD, 70+, C2S in ALD first (issue 5, point 2)."""
    return (
        1
        + 3 * ("ald" in traits)
        + 2 * ("age_70_plus" in traits)
        + 2 * ("c2s" in traits and "ald" in traits)
        + ("pregnancy" in traits)
        + ("disability" in traits)
    )


def patient_traits(rng: random.Random) -> frozenset[str]:
    traits = set()
    age = rng.random()
    if age < 0.20:
        traits.add("child")
    elif age > 0.85:
        traits.add("age_70_plus")
    if rng.random() < (0.35 if "age_70_plus" in traits else 0.08):
        traits.add("ald")
    if rng.random() < 0.08:
        traits.add("c2s")
    if "child" not in traits and rng.random() < 0.02:
        traits.add("pregnancy")
    if rng.random() < 0.03:
        traits.add("disability")
    return frozenset(traits)


def generate(seed: int, patients: int, doctors: int, *, departement: str = "99", side_km: float = 80.0):
    """A département-like square area: communes with Zipf populations, patients living in them,
    doctors practising in them with a radius of 5–15 km and/or a list of nearby communes,
    1–20 places, some refusing children, pregnancies or disabilities; 1 % past refusals."""
    rng = random.Random(seed)
    n_communes = max(10, min(700, patients // 100))
    lat0, lon0 = 46.0, 2.0
    km_lat, km_lon = 1 / 111.2, 1 / (111.2 * math.cos(math.radians(lat0)))
    points = [
        (lat0 + rng.random() * side_km * km_lat, lon0 + rng.random() * side_km * km_lon) for _ in range(n_communes)
    ]
    codes = [f"{departement}{n:03d}" for n in range(n_communes)]
    population = [1 / (rank + 1) for rank in range(n_communes)]
    cumulative = []
    total = 0.0
    for value in population:
        total += value
        cumulative.append(total)
    homes = rng.choices(range(n_communes), cum_weights=cumulative, k=patients)
    waiting_list = []
    for n, c in enumerate(homes):
        traits = patient_traits(rng)
        waiting = min(1500, int(rng.expovariate(1 / 200)))
        waiting_list.append(Patient(n, weight_of(traits), waiting, codes[c], points[c], traits))
    offices = rng.choices(range(n_communes), cum_weights=cumulative, k=doctors)
    volunteers = []
    for n, c in enumerate(offices):
        kind = rng.random()
        radius = rng.choice([5.0, 7.5, 10.0, 12.0, 15.0]) if kind < 0.65 else None
        communes = None
        if kind >= 0.50 and kind < 0.98:  # a list: own commune and a few of the nearest
            nearest = sorted(range(n_communes), key=lambda o: math.dist(points[o], points[c]))
            communes = frozenset(codes[o] for o in nearest[: rng.randint(3, 10)])
        refuses = set()
        if rng.random() < 0.25:
            refuses.add("child")
        if rng.random() < 0.05:
            refuses.add("pregnancy")
        if rng.random() < 0.03:
            refuses.add("disability")
        volunteers.append(
            Doctor(
                1_000_000 + n,
                rng.randint(1, 20),
                points[c],
                communes,
                radius,
                frozenset(refuses),
                codes[c],
            )
        )
    excluded = {(rng.randrange(patients), rng.choice(volunteers).id) for _ in range(patients // 100)}
    return waiting_list, volunteers, excluded


def priority_placed(solution, patients) -> int:
    placed = {assignment.patient_id for assignment in solution.assignments}
    return sum(1 for patient in patients if patient.id in placed and patient.traits & PRIORITY_TRAITS)


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


# --- (a) Optimality ---------------------------------------------------------------------------


def optimality(seed: int, instances: int) -> None:
    print("(a) Optimality — engine (OR-Tools min-cost flow) vs HiGHS (LP), and vs greedy (FCFS)")
    print(f"    {'instance':<22} {'weight':>12} {'distance':>12} {'waiting':>12} {'prio eng':>9} {'prio gr':>8}")
    ratios = []
    engine_priority = greedy_priority = engine_weight = greedy_weight = 0
    with HighsChecker() as checker:
        for n in range(instances):
            size = (400 + 300 * n, 20 + 10 * n)
            patients, doctors, excluded = generate(seed * 1000 + n, *size, side_km=30.0)
            engine = solve(patients, doctors, excluded)
            exact = checker.objective(patients, doctors, excluded)
            fcfs = greedy(patients, doctors, excluded)
            ratio = tuple((a / b if b else 1.0) for a, b in zip(engine.objective, exact, strict=True))
            ratios.append(ratio)
            engine_priority += priority_placed(engine, patients)
            greedy_priority += priority_placed(fcfs, patients)
            engine_weight += engine.objective.weight
            greedy_weight += fcfs.objective.weight
            print(
                f"    {size[0]:>5} patients {size[1]:>3} doc."
                f" {ratio[0]:>12.3f} {ratio[1]:>12.3f} {ratio[2]:>12.3f}"
                f" {priority_placed(engine, patients):>9} {priority_placed(fcfs, patients):>8}"
            )
            assert engine.objective == exact, (engine.objective, exact)
    print(
        "    engine / HiGHS objective ratio (weight, distance, waiting):"
        f" {min(r[0] for r in ratios):.3f}, {min(r[1] for r in ratios):.3f}, {min(r[2] for r in ratios):.3f}"
        f" (min over {instances} instances; equal tuples on every instance)"
    )
    print(
        f"    priority patients placed: engine {engine_priority}, greedy {greedy_priority}"
        f" (ratio {engine_priority / max(greedy_priority, 1):.3f});"
        f" placed weight: engine {engine_weight}, greedy {greedy_weight} (ratio {engine_weight / greedy_weight:.3f})"
    )


# --- (b) Scale ----------------------------------------------------------------------------------


def scale(seed: int, n_patients: int, n_doctors: int) -> None:
    print(f"\n(b) Scale — {n_patients:,} patients, {n_doctors:,} doctors in one département-like area (80 × 80 km)")
    seconds, (patients, doctors, excluded) = timed(generate, seed, n_patients, n_doctors)
    places = sum(doctor.places for doctor in doctors)
    print(f"    generated in {seconds:.1f} s (not counted): {places:,} places, {len(excluded):,} past refusals")
    index_seconds, index = timed(EligibilityIndex, patients, doctors, excluded)
    pairs = sum(len(index.candidates(patient)) for patient in patients)
    groups = len({index.group_key(patient) for patient in patients})
    print(
        f"    eligibility index alone: {index_seconds:.2f} s — {pairs:,} eligible pairs, {groups:,} groups of patients"
    )
    greedy_seconds, fcfs = timed(greedy, patients, doctors, excluded)
    engine_seconds, engine = timed(solve, patients, doctors, excluded)
    verdict = "under" if engine_seconds < TARGET_SECONDS else "OVER"
    print(
        f"    engine: {engine_seconds:.2f} s ({verdict} the {TARGET_SECONDS} s target);"
        f" greedy: {greedy_seconds:.2f} s; engine / greedy time {engine_seconds / greedy_seconds:.1f}×;"
        f" engine / index time {engine_seconds / index_seconds:.1f}×"
    )
    print(
        f"    placed: engine {len(engine.assignments):,}, greedy {len(fcfs.assignments):,};"
        f" priority placed: engine {priority_placed(engine, patients):,},"
        f" greedy {priority_placed(fcfs, patients):,}"
        f" (ratio {priority_placed(engine, patients) / max(priority_placed(fcfs, patients), 1):.3f})"
    )
    print(
        f"    mean distance: engine {engine.objective.distance_hm / 10 / max(len(engine.assignments), 1):.1f} km,"
        f" greedy {fcfs.objective.distance_hm / 10 / max(len(fcfs.assignments), 1):.1f} km"
    )


# --- (c) National projection ------------------------------------------------------------------------


def departement_sizes(seed: int) -> list[tuple[str, int, int]]:
    """100 départements with lognormal sizes summing exactly to the national figures."""
    rng = random.Random(seed)
    patient_shares = [rng.lognormvariate(0, 0.7) for _ in range(DEPARTEMENTS)]
    doctor_shares = [share * rng.uniform(0.8, 1.2) for share in patient_shares]
    patients = apportion(NATIONAL_PATIENTS, patient_shares)
    doctors = apportion(NATIONAL_DOCTORS, doctor_shares)
    codes = [f"{n + 1:02d}" for n in range(DEPARTEMENTS - 1)] + ["971"]
    return list(zip(codes, patients, doctors, strict=True))


def apportion(total: int, shares: list[float]) -> list[int]:
    """Integers proportional to `shares` that sum to `total` (largest remainders)."""
    exact = [total * share / sum(shares) for share in shares]
    counts = [int(value) for value in exact]
    by_remainder = sorted(range(len(shares)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def solve_departement(args: tuple[int, str, int, int]) -> tuple[str, int, int, float, int]:
    """One background task: generate (stands for loading) and solve one département."""
    seed, code, n_patients, n_doctors = args
    patients, doctors, excluded = generate(seed, n_patients, n_doctors, departement=code)
    seconds, solution = timed(solve, patients, doctors, excluded)
    return code, n_patients, n_doctors, seconds, len(solution.assignments)


def solve_departement_job(seed: int, code: str, n_patients: int, n_doctors: int) -> list:
    """The same job as a django_tasks task (see `queued`): JSON in, JSON out."""
    return list(solve_departement((seed, code, n_patients, n_doctors)))


if os.environ.get("DJANGO_SETTINGS_MODULE"):  # imported by a db_worker, or by `queued` below
    from django_tasks import task

    solve_departement_job = task()(solve_departement_job)


def sampled_departements(seed: int, sample: int) -> list[tuple[int, str, int, int]]:
    """The sample of (c): smallest, largest and quantiles between, as task arguments."""
    ordered = sorted(departement_sizes(seed), key=lambda size: size[1])
    picks = sorted({round(i * (len(ordered) - 1) / (sample - 1)) for i in range(sample)})
    return [(seed * 1000 + n, code, p, d) for n, (code, p, d) in enumerate(ordered[i] for i in picks)]


def national(seed: int, sample: int) -> None:
    sizes = departement_sizes(seed)
    print(
        f"\n(c) National — {sum(p for _c, p, _d in sizes):,} patients, {sum(d for _c, _p, d in sizes):,} doctors,"
        f" {len(sizes)} départements ({min(p for _c, p, _d in sizes):,} to {max(p for _c, p, _d in sizes):,} patients)"
    )
    tasks = sampled_departements(seed, sample)
    print(f"    a SAMPLE of {len(tasks)} départements is generated and solved (smallest, largest, quantiles);")
    print("    the rest is PROJECTED from the sample's time per patient (all 6.7 M are not run here).")
    serial_started = time.perf_counter()
    results = [solve_departement(task) for task in tasks]
    serial_wall = time.perf_counter() - serial_started
    print(f"    {'dép.':<5} {'patients':>9} {'doctors':>8} {'solve (s)':>10} {'placed':>8}")
    for code, p, d, seconds, placed in results:
        print(f"    {code:<5} {p:>9,} {d:>8,} {seconds:>10.2f} {placed:>8,}")
    # Time grows a little faster than the size: fit time = a × patients^b on the sample (log-log
    # least squares) and apply it to every département.
    xs = [math.log(result[1]) for result in results]
    ys = [math.log(max(result[3], 1e-6)) for result in results]
    b = statistics.covariance(xs, ys) / statistics.variance(xs)
    a = math.exp(statistics.fmean(ys) - b * statistics.fmean(xs))
    per_departement = [a * p**b for _c, p, _d in sizes]
    projected = sum(per_departement)
    per_patient = projected / NATIONAL_PATIENTS
    workers = 2
    pool_started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        list(pool.map(solve_departement, tasks))
    pool_wall = time.perf_counter() - pool_started
    print(
        f"    per département (projected): median {statistics.median(per_departement):.2f} s,"
        f" largest {max(per_departement):.2f} s (fit: time ∝ patients^{b:.2f}); {per_patient * 1e6:.1f} µs per patient"
    )
    print(
        f"    PROJECTED national total: {projected:.0f} s of solving ({projected / 60:.1f} min) on one core,"
        f" ≈ {projected / workers / 60:.1f} min with {workers} workers"
    )
    print(
        f"    the sample with generation, 1 process: {serial_wall:.1f} s; {workers} worker processes:"
        f" {pool_wall:.1f} s (speed-up {serial_wall / pool_wall:.2f}× on {os.cpu_count()} cores)"
    )


# --- (d) Through the task queue, with N db_worker processes -------------------------------------


def scratch_environment(directory: str) -> dict:
    """Settings of the scratch run: its own SQLite database, the database task backend."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "maillon.settings",
        "DATABASE_URL": f"sqlite:///{Path(directory) / 'tasks.sqlite3'}",
        "MAILLON_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
    }


def run_workers(job, arguments, workers: int, env: dict) -> tuple[float, list]:
    """Enqueue one task per département, start `workers` db_worker processes that exit once
    the queue is empty, and wait: (wall seconds from the workers' start, the tasks' results)."""
    from django_tasks import TaskResultStatus

    results = [job.enqueue(*args) for args in arguments]
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"]
    command += ["--interval", "0.2"]
    started = time.perf_counter()
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
        for _ in range(workers)
    ]
    errors = [process.communicate()[1] for process in processes]
    wall = time.perf_counter() - started
    for result in results:
        result.refresh()
        if result.status != TaskResultStatus.SUCCESSFUL:
            raise SystemExit(f"task {result.id} {result.status}: {b''.join(errors).decode()[-2000:]}")
    return wall, [result.return_value for result in results]


def queued(seed: int, sample: int, workers: int) -> None:
    print(f"\n(d) Task queue — the sample of (c) as background tasks, 1 then {workers} db_worker processes")
    with tempfile.TemporaryDirectory(prefix="maillon-bench-") as directory:
        env = scratch_environment(directory)
        os.environ.update(
            {name: env[name] for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "MAILLON_TASK_BACKEND")}
        )
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", "django_tasks_database", verbosity=0)
        # Imported by its module path (not as __main__) so that the workers find the task.
        job = importlib.import_module("bench.matching").solve_departement_job
        arguments = sampled_departements(seed, sample)
        print(f"    scratch database in {directory}; {len(arguments)} tasks, one per département")
        walls = {}
        for count in sorted({1, workers}):
            walls[count], rows = run_workers(job, arguments, count, env)
            if count == 1:
                print(f"    {'dép.':<5} {'patients':>9} {'doctors':>8} {'solve (s)':>10} {'placed':>8}")
                for code, p, d, seconds, placed in rows:
                    print(f"    {code:<5} {p:>9,} {d:>8,} {seconds:>10.2f} {placed:>8,}")
            print(f"    {count} worker(s): {walls[count]:.1f} s of wall time (generation, solving, worker start-up)")
        if workers > 1:
            print(
                f"    speed-up with {workers} workers: {walls[1] / walls[workers]:.2f}× on {os.cpu_count()} cores"
                " (bounded by the cores and by the largest département, which one worker solves alone)"
            )


def main() -> None:
    loads = ", ".join(f"{load:.1f}" for load in os.getloadavg())
    print(f"Load average before the run: {loads} on {os.cpu_count()} cores")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--instances", type=int, default=5, help="medium instances checked against HiGHS")
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--doctors", type=int, default=2_000)
    parser.add_argument("--sample", type=int, default=8, help="départements solved for the national projection")
    parser.add_argument("--workers", type=int, default=0, help="also run the sample through the task queue (d)")
    parser.add_argument("--queued-only", action="store_true", help="only (d)")
    args = parser.parse_args()
    if not args.queued_only:
        optimality(args.seed, args.instances)
        scale(args.seed, args.patients, args.doctors)
        national(args.seed, max(2, args.sample))
    if args.workers or args.queued_only:
        queued(args.seed, max(2, args.sample), max(1, args.workers))


if __name__ == "__main__":
    main()
