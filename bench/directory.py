"""Benchmark of the members directory and import, as ratios against references measured in the same run.

    DATABASE_URL=postgres://… .venv/bin/python bench/directory.py [--professionals 50000] [--runs 9] [--explain]

Everything is created inside one transaction that is rolled back at the end: the
database is left as it was (it must be migrated: `manage.py migrate`). With
`--commit`, the members are kept in the database (use a throwaway one) and vacuumed,
so PostgreSQL reads them as in production (index-only scans need the visibility map).

(a) Directory search (`maillon.members.selectors.directory_professionals`) over
    N professionals with an active adhesion to one CPTS (plus 20 % more in another
    CPTS): count + first page of 20 (with its prefetches), median server time of each
    typical search, against a trivial indexed query (one professional by RPPS).
    The directory page itself (`members_directory`), through the test client, when
    it exists. `--explain 0.5` prints PostgreSQL's plans of the searches over half the target.
(b) Import of a 5 000-row CSV file (`maillon.members.imports.commit`), against reading
    and parsing the same file.

Absolute times depend on the machine; compare the ratios. Tests never assert times.
Target (issue 3): a directory search under 100 ms of server time on PostgreSQL; an
import of 5 000 rows under 10 s.
"""

import argparse
import os
import random
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
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from stdnum import luhn  # noqa: E402

from maillon.core.models import Cpts, CptsRole, CptsRoleKind, User  # noqa: E402
from maillon.demo.members import (  # noqa: E402
    FIRST_NAMES,
    LAST_NAMES,
    PROFESSIONAL_OF_CATEGORY,
    SKILLS,
    national_quotas,
)
from maillon.members import imports  # noqa: E402
from maillon.members.models import Membership, MembershipStatus, PracticePlace, Professional  # noqa: E402
from maillon.members.professions import Profession  # noqa: E402
from maillon.members.selectors import DirectoryFilters, directory_professionals  # noqa: E402
from maillon.territories.models import Commune, Departement, Region, normalize_name  # noqa: E402

PAGE = 20
BATCH = 5_000
COMMUNES = 150  # a grid of synthetic communes, 0.05° apart
CENTRE = "99075"
IMPORT_ROWS = 5_000
TARGET_MS = 100
# Indexes the directory could use on PostgreSQL (--candidate-indexes measures the searches again with them).
# The name order (last_name, first_name, id) is in migration members 0003 since this bench showed the sort.
CANDIDATE_INDEXES = [
    # The count and the join: the active adhesions of one CPTS from the index alone.
    "CREATE INDEX bench_membership_cpts_status_professional ON members_membership (cpts_id, status, professional_id)",
]


class Rollback(Exception):
    """Raised to leave the bench's transaction without keeping its writes."""


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def median_time(function, runs):
    function()  # warm-up: caches, lazy imports, the database's buffers
    return statistics.median(timed(function)[0] for _ in range(runs))


def rpps(prefix: str, n: int) -> str:
    body = f"{prefix}{n:08d}"
    return body + luhn.calc_check_digit(body)


# --- Data ---------------------------------------------------------------------------


def make_communes():
    region, _ = Region.objects.get_or_create(code="99", defaults={"name": "Région du banc d'essai"})
    departement, _ = Departement.objects.get_or_create(
        code="99", defaults={"name": "Département du banc d'essai", "region": region}
    )
    communes = [
        Commune(
            code=f"99{n:03d}",
            name=f"Commune d'essai {n}",
            search_name=normalize_name(f"Commune d'essai {n}"),
            departement=departement,
            population=5_000 + 97 * n,
            latitude=48.5 + (n // 15) * 0.05,
            longitude=1.8 + (n % 15) * 0.05,
        )
        for n in range(COMMUNES)
    ]
    Commune.objects.bulk_create(communes)
    return [commune.code for commune in communes]


def professions(total):
    """Professions in the national mix (see maillon/demo/members.py)."""
    mix = []
    for category, quota in national_quotas(total).items():
        mix += [PROFESSIONAL_OF_CATEGORY.get(category, (Profession.DIETETICIEN, ""))] * quota
    return mix


def new_professional(n, profession, specialty, rng):
    skills = SKILLS.get(profession, [])
    professional = Professional(
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        profession=profession,
        specialty=specialty,
        rpps=rpps("18", n),
        email=f"pro{n}@example.org",
        skills=", ".join(rng.sample(skills, k=min(len(skills), rng.randint(0, 2)))),
        accepts_new_patients=rng.random() < 0.2,
        takes_part_in_snp=rng.random() < 0.2,
    )
    # bulk_create skips save(), which fills the search columns.
    professional.search_text = professional.build_search_text()
    professional.skills_search = normalize_name(professional.skills)
    return professional


def make_members(cpts, other, count, communes, rng):
    """`count` professionals active in `cpts`, 20 % more in `other`; places, languages."""
    mix = professions(count + count // 5)
    rng.shuffle(mix)
    professionals = [new_professional(n, *mix[n], rng) for n in range(len(mix))]
    Professional.objects.bulk_create(professionals, batch_size=BATCH)
    places, memberships, spoken = [], [], []
    Through = Professional.languages.through
    for index, professional in enumerate(professionals):
        for _ in range(2 if rng.random() < 0.1 else 1):
            places.append(
                PracticePlace(professional=professional, address="1 rue de l'Essai", commune_id=rng.choice(communes))
            )
        memberships.append(
            Membership(
                cpts=cpts if index < count else other,
                professional=professional,
                status=MembershipStatus.ACTIVE,
                joined_on="2025-01-01",
            )
        )
        if rng.random() < 0.1:
            spoken.append(Through(professional=professional, language_id="en"))
    PracticePlace.objects.bulk_create(places, batch_size=BATCH)
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    Through.objects.bulk_create(spoken, batch_size=BATCH)


def analyze():
    """Fresh statistics for the planner, as autovacuum would have after a real load."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("members_professional", "members_membership", "members_practiceplace", "territories_commune"):
                cursor.execute(f"ANALYZE {table}")
            cursor.execute("ANALYZE members_professional_languages")


# --- (a) Directory ------------------------------------------------------------------


SEARCHES = [
    ("no filter (all members)", DirectoryFilters()),
    ('q="dupont"', DirectoryFilters(q="dupont")),
    ("profession=infirmier", DirectoryFilters(profession=Profession.INFIRMIER)),
    ("commune (exact)", DirectoryFilters(commune=CENTRE)),
    ("commune + radius 10 km", DirectoryFilters(commune=CENTRE, radius_km=10)),
    ('skill="plaies"', DirectoryFilters(skill="plaies")),
    ("language=en", DirectoryFilters(language="en")),
    ("accepts new patients", DirectoryFilters(accepts_new_patients=True)),
    (
        'q="martin" + médecin + radius 15 km',
        DirectoryFilters(q="martin", profession=Profession.MEDECIN, commune=CENTRE, radius_km=15),
    ),
]


def search(cpts, filters):
    queryset = directory_professionals(cpts, filters)
    return queryset.count(), list(queryset[:PAGE])


def queries_of(function):
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def explain(cpts, filters):
    queryset = directory_professionals(cpts, filters)
    for label, query in (("count", queryset.order_by().values("pk")), ("page", queryset[:PAGE])):
        print(f"      EXPLAIN ANALYZE ({label}):")
        for line in query.explain(analyze=True).splitlines():
            print(f"        {line}")


def bench_directory(cpts, count, runs, reference, explain_slow):
    print(f"(a) Directory search over {count} members of one CPTS (median of {runs}, count + page of {PAGE})")
    print(f"    {'search':<36} {'total':>11}  {'count':>8}  {'page':>8}  queries  found   ratio")
    for label, filters in SEARCHES:
        duration = median_time(lambda filters=filters: search(cpts, filters), runs)
        counting = median_time(lambda filters=filters: directory_professionals(cpts, filters).count(), runs)
        paging = median_time(lambda filters=filters: list(directory_professionals(cpts, filters)[:PAGE]), runs)
        found, _ = search(cpts, filters)
        queries = queries_of(lambda filters=filters: search(cpts, filters))
        slow = duration * 1000 >= TARGET_MS * explain_slow
        over = "  > target" if duration * 1000 >= TARGET_MS else ""
        print(
            f"    {label:<36} {duration * 1000:8.1f} ms  {counting * 1000:5.1f} ms  {paging * 1000:5.1f} ms"
            f"  {queries:7d}  {found:5d}  {duration / reference:6.1f}{over}"
        )
        if explain_slow and slow and connection.vendor == "postgresql":
            explain(cpts, filters)


def verified_client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Banc d'essai", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def bench_page(cpts, user, runs, reference):
    try:
        url = reverse("members_directory", args=[cpts.slug])
    except NoReverseMatch:
        print("    directory page: no route members_directory yet, skipped")
        return
    client = verified_client(user)
    for query in ("", "?q=dupont", f"?profession={Profession.INFIRMIER}"):
        response = client.get(url + query)
        if response.status_code != 200:
            print(f"    GET {url}{query}: HTTP {response.status_code}, skipped")
            continue
        duration = median_time(lambda query=query: client.get(url + query), runs)
        queries = queries_of(lambda query=query: client.get(url + query))
        print(
            f"    page GET {query or '(no filter)':<31} {duration * 1000:8.1f} ms  {queries:2d} queries"
            f"  ratio {duration / reference:7.1f}"
        )


# --- (b) Import ---------------------------------------------------------------------


def import_file(communes, rng):
    lines = ["Nom;Prénom;Profession;RPPS;Email;Code INSEE;Adresse;Langues;Compétences"]
    labels = ["Infirmière", "Médecin généraliste", "Pharmacien", "Kiné", "Orthophoniste", "Sage-femme"]
    for n in range(IMPORT_ROWS):
        row = [rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES), labels[n % len(labels)], rpps("17", n)]
        row += [f"import{n}@example.org", rng.choice(communes), f"{n} rue de l'Import", "Anglais" if n % 10 else ""]
        lines.append(";".join([*row, "Plaies, Diabète"]))
    return "\r\n".join(lines).encode("utf-8")


def bench_import(cpts, user, communes, rng):
    print(f"(b) Import of a {IMPORT_ROWS}-row CSV file (all or nothing)")
    content = import_file(communes, rng)
    rows = imports.read_rows(content, "import.csv")
    reference = median_time(lambda: imports.read_rows(content, "import.csv"), 5)
    print(f"    reference: read and parse the CSV ({len(rows)} lines, {len(content) // 1024} KiB): {reference:.3f} s")
    analysis, preview = timed(lambda: imports.analyse(cpts, content, "import.csv"))
    print(f"    analyse (the preview): {analysis:.2f} s, {len(preview.error_rows)} rows in error")
    with CaptureQueriesContext(connection) as captured:
        duration, result = timed(lambda: imports.commit(cpts, content, "import.csv", by=user))
    print(
        f"    commit: {duration:.2f} s ({len(captured)} queries, {result.memberships} adhesions)"
        f"  ratio {duration / reference:.1f}  (target < 10 s)"
    )


# --- Entry point --------------------------------------------------------------------


BENCH_SLUG = "banc-d-essai-annuaire"


def create_data(count, rng):
    started = time.perf_counter()
    communes = make_communes()
    cpts = Cpts.objects.create(name="CPTS du banc d'essai", slug=BENCH_SLUG)
    other = Cpts.objects.create(name="CPTS voisine du banc d'essai", slug="banc-d-essai-voisine")
    user = User.objects.create_user("banc-essai@example.org", first_name="Banc", last_name="Essai")
    CptsRole.objects.create(user=user, cpts=cpts, role=CptsRoleKind.COORDINATOR)
    make_members(cpts, other, count, communes, rng)
    print(f"    data: {Professional.objects.count()} professionals created in {time.perf_counter() - started:.1f} s")


def committed_data(count, rng):
    """--commit: the members stay in the (throwaway) database, vacuumed: hint bits and
    visibility map as in production, which index-only scans need."""
    if Cpts.objects.exclude(slug__startswith="banc-d-essai").exists():
        sys.exit("--commit refuses a database that holds real CPTS: create a throwaway database for the bench.")
    if not Cpts.objects.filter(slug=BENCH_SLUG).exists():
        with transaction.atomic():
            create_data(count, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print("    data: kept in the database (--commit), vacuumed and analysed")


def add_candidate_indexes():
    with connection.cursor() as cursor:
        # Bulk inserts in this transaction leave deferred foreign-key checks, which forbid CREATE INDEX.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in CANDIDATE_INDEXES:
            print(f"    + {statement}")
            cursor.execute(statement)
    analyze()


def measure(options, rng):
    cpts = Cpts.objects.get(slug=BENCH_SLUG)
    user = User.objects.get(email="banc-essai@example.org")
    communes = list(Commune.objects.filter(departement_id="99").values_list("code", flat=True))
    known = Professional.objects.order_by("?").values_list("rpps", flat=True).first()
    reference = median_time(
        lambda: Professional.objects.filter(rpps=known).values_list("pk", flat=True).first(), options.runs
    )
    print(f"    reference: one professional by RPPS (indexed): {reference * 1000:.2f} ms")
    count = Membership.objects.for_cpts(cpts).active().count()
    bench_directory(cpts, count, options.runs, reference, options.explain)
    bench_page(cpts, user, options.runs, reference)
    if options.candidate_indexes and connection.vendor == "postgresql":
        add_candidate_indexes()
        bench_directory(cpts, count, options.runs, reference, options.explain)
        bench_page(cpts, user, options.runs, reference)
    if not options.skip_import:
        bench_import(cpts, user, communes, rng)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--professionals", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=9, help="runs per search (median)")
    parser.add_argument(
        "--explain",
        type=float,
        default=0,
        metavar="SHARE",
        help="print PostgreSQL's plans of the searches slower than SHARE x the 100 ms target (e.g. 0.5)",
    )
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument(
        "--candidate-indexes",
        action="store_true",
        help="PostgreSQL: measure the searches again with the indexes of CANDIDATE_INDEXES (rolled back)",
    )
    parser.add_argument(
        "--commit",
        action="store_true",
        help="keep the generated members in a THROWAWAY database (vacuumed, as in production); "
        "the import and the candidate indexes are still rolled back",
    )
    options = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    print(f"Maillon bench — members directory ({connection.vendor}, {connection.settings_dict['NAME']})")
    rng = random.Random(2026)
    if options.commit:
        committed_data(options.professionals, rng)
    try:
        with transaction.atomic():
            if not Cpts.objects.filter(slug=BENCH_SLUG).exists():  # kept by an earlier --commit run
                create_data(options.professionals, rng)
                analyze()
            measure(options, rng)
            raise Rollback
    except Rollback:
        print("    rolled back: the database is as it was before the measures")


if __name__ == "__main__":
    main()
