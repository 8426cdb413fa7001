"""Benchmark of the dialogue de gestion report: building it, its PDF and its XLSX workbook,
as ratios against references measured in the same run.

    [DATABASE_URL=postgres://…] .venv/bin/python bench/report.py [--runs 5] [--spending 200] [--indicators 25]

Everything is created inside one transaction that is rolled back at the end: the database
is left as it was (it must be migrated: `manage.py migrate`).

A realistic year: an ACI signed two years ago with the 6 missions, ~25 indicators (tiers,
baselines, yearly values), ~200 spending rows, money received, 300 validated time entries
of 30 members. Measured (median of --runs): `build_report`, `report_pdf`, `report_xlsx`,
and the three together; references: an empty PDF (`maillon.core.pdf.render_pdf` with one
paragraph) and a one-cell workbook, rendered in the same process.

Absolute times depend on the machine; compare the ratios. Tests never assert times.
Target (issue 4): a year's PDF + XLSX under 5 s.
"""

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillon.settings")

import django

django.setup()

from dateutil.relativedelta import relativedelta  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from stdnum import luhn  # noqa: E402

from maillon.contracts import registry, services  # noqa: E402
from maillon.contracts.catalogue import CATALOGUE  # noqa: E402
from maillon.contracts.models import FactCode, FundingReceipt, Spending, SpendingCategory  # noqa: E402
from maillon.contracts.report import build_report  # noqa: E402
from maillon.contracts.report_files import report_pdf, report_xlsx  # noqa: E402
from maillon.core import pdf  # noqa: E402
from maillon.core.models import Cpts, User  # noqa: E402
from maillon.meetings.models import HourlyRate, TimeEntry, TimeState  # noqa: E402
from maillon.members.models import Membership, MembershipStatus, Professional  # noqa: E402
from maillon.members.professions import Profession  # noqa: E402

TARGET_S = 5
MISSIONS = [1, 2, 3, 4, 5, 6]
LABELS = [
    "Salaire de la coordinatrice (quote-part)",
    "Prestation de secrétariat",
    "Abonnement à l'outil de messagerie sécurisée",
    "Location de la salle de réunion",
    "Impression des affiches de la campagne de dépistage",
    "Formation des professionnels au protocole",
    "Buffet de la soirée d'information",
    "Déplacements des membres du bureau",
]


class Rollback(Exception):
    """Raised to leave the bench's transaction without keeping its writes."""


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def median_time(function, runs):
    function()  # warm-up: caches, lazy imports, fonts
    return statistics.median(timed(function)[0] for _ in range(runs))


# --- Data ------------------------------------------------------------------------------------


def make_year(indicators: int, spending: int, rng: random.Random):
    user = User.objects.create_user("banc-rapport@example.org", first_name="Banc", last_name="Rapport")
    cpts = Cpts.objects.create(name="CPTS du banc d'essai du rapport", slug="banc-d-essai-rapport")
    signed_on = timezone.localdate() - relativedelta(years=2, months=1)
    contract = services.create_contract(
        cpts=cpts, signed_on=signed_on, taille=3, missions=MISSIONS, by=user, reference="ACI-BANC-001"
    )
    services.sign_amendment(
        contract=contract,
        signed_on=signed_on + relativedelta(months=8),
        summary="Passage en taille 4.",
        by=user,
        new_taille=4,
    )
    for commitment in contract.missions.all():
        commitment.started_on = signed_on + datetime.timedelta(days=20 * commitment.mission)
        commitment.save()
    entries = [entry for entry in CATALOGUE if entry.mission in MISSIONS]
    for n in range(indicators):
        entry = entries[n % len(entries)]
        indicator = services.add_indicator(
            contract=contract,
            mission=entry.mission,
            name=f"{entry.name} ({n + 1})",
            code=f"{entry.code}-{n}",
            unit=entry.unit,
            added_on=signed_on,
            baseline_value=Decimal(rng.randint(50, 400)),
            baseline_on=signed_on - datetime.timedelta(days=90),
            baseline_source="Rézone CPTS",
            target="Baisse de 30 % en 2 ans",
            tiers=[
                (None, Decimal(100), Decimal(3000), "100 et moins"),
                (Decimal(101), Decimal(200), Decimal(2000), "101 à 200"),
                (Decimal(201), None, Decimal(500), "plus de 200"),
            ],
        )
        for year in (1, 2):
            services.record_value(indicator=indicator, contract_year=year, value=Decimal(rng.randint(20, 300)), by=user)
    if not registry.has_fact(FactCode.CRISIS_PLAN_FIRST_DRAFTED):  # else the crisis plan app establishes it
        services.state_fact(
            contract=contract, contract_year=1, code=FactCode.CRISIS_PLAN_FIRST_DRAFTED, value=True, by=user
        )
    categories = SpendingCategory.values
    Spending.objects.bulk_create(
        Spending(
            contract=contract,
            contract_year=1,
            mission=rng.choice([None, *MISSIONS]),
            category=rng.choice(categories),
            label=rng.choice(LABELS),
            amount=Decimal(rng.randint(5_000, 900_000)) / 100,
            spent_on=signed_on + datetime.timedelta(days=rng.randint(0, 364)),
            entered_by=user,
        )
        for _ in range(spending)
    )
    FundingReceipt.objects.bulk_create(
        FundingReceipt(
            contract=contract,
            contract_year=1,
            received_on=signed_on + relativedelta(months=m),
            amount=Decimal("60000.00"),
            label=f"Versement {m}",
        )
        for m in (1, 4, 7, 11)
    )
    make_time(cpts, user, signed_on, rng)
    return contract, user


def make_time(cpts, user, signed_on, rng):
    professionals = Professional.objects.bulk_create(
        Professional(
            first_name="Membre",
            last_name=f"Essai {n}",
            profession=Profession.INFIRMIER,
            email=f"membre{n}@example.org",
            rpps=rpps(n),
        )
        for n in range(30)
    )
    memberships = Membership.objects.bulk_create(
        Membership(cpts=cpts, professional=professional, status=MembershipStatus.ACTIVE, joined_on=signed_on)
        for professional in professionals
    )
    for year in {signed_on.year, signed_on.year + 1}:
        HourlyRate.objects.create(cpts=cpts, year=year, amount=Decimal("50.00"))
    now = timezone.now()
    TimeEntry.objects.bulk_create(
        TimeEntry(
            cpts=cpts,
            membership=rng.choice(memberships),
            date=signed_on + datetime.timedelta(days=rng.randint(0, 364)),
            mission=rng.choice([None, *MISSIONS]),
            hours=Decimal(rng.randint(1, 12)) / 4,
            validated_by=user,
            validated_at=now,
            state=TimeState.VALIDATED,  # bulk_create skips save(), which sets it from the timestamps
        )
        for _ in range(300)
    )


def rpps(n: int) -> str:
    body = f"19{n:08d}"
    return body + luhn.calc_check_digit(body)


# --- Measures --------------------------------------------------------------------------------


def empty_pdf():
    return pdf.render_pdf(title="Référence", blocks=[pdf.Paragraph("Une ligne.")])


def empty_xlsx():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Référence")
    sheet.append(["Une cellule"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def measure(contract, user, runs):
    pdf_reference = median_time(empty_pdf, runs)
    xlsx_reference = median_time(empty_xlsx, runs)
    print(
        f"    reference: a one-paragraph PDF {pdf_reference * 1000:.1f} ms,"
        f" a one-cell XLSX {xlsx_reference * 1000:.1f} ms"
    )
    with CaptureQueriesContext(connection) as captured:
        data = build_report(contract, 1, by=user)
    rows = sum(len(mission["spending"]["rows"]) for mission in data["missions"]) + len(
        data["fonctionnement"]["spending"]["rows"]
    )
    indicators = sum(len(mission["indicators"]) for mission in data["missions"])
    print(f"    year 1: {len(data['missions'])} missions, {indicators} indicators, {rows} spending rows")
    build = median_time(lambda: build_report(contract, 1, by=user), runs)
    print(f"    build_report            {build * 1000:8.1f} ms  ({len(captured)} queries)")
    pdf_time = median_time(lambda: report_pdf(data), runs)
    size = len(report_pdf(data))
    print(
        f"    PDF                     {pdf_time * 1000:8.1f} ms  ({size // 1024} KiB)"
        f"  ratio {pdf_time / pdf_reference:6.1f}"
    )
    xlsx_time = median_time(lambda: report_xlsx(data), runs)
    size = len(report_xlsx(data))
    print(
        f"    XLSX                    {xlsx_time * 1000:8.1f} ms  ({size // 1024} KiB)"
        f"  ratio {xlsx_time / xlsx_reference:6.1f}"
    )
    both = median_time(lambda: (report_pdf(build_report(contract, 1, by=user)), report_xlsx(data)), runs)
    verdict = "under" if both < TARGET_S else "OVER"
    print(
        f"    build + PDF + XLSX      {both * 1000:8.1f} ms  ratio {both / (pdf_reference + xlsx_reference):6.1f}"
        f"  ({verdict} the {TARGET_S} s target)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (median)")
    parser.add_argument("--spending", type=int, default=200)
    parser.add_argument("--indicators", type=int, default=25)
    options = parser.parse_args()
    print(f"Maillon bench — dialogue de gestion report ({connection.vendor}, {connection.settings_dict['NAME']})")
    rng = random.Random(2026)
    try:
        with transaction.atomic():
            started = time.perf_counter()
            contract, user = make_year(options.indicators, options.spending, rng)
            print(f"    data: created in {time.perf_counter() - started:.1f} s")
            measure(contract, user, options.runs)
            raise Rollback
    except Rollback:
        print("    rolled back: the database is as it was before the measures")


if __name__ == "__main__":
    main()
