"""The demo's ACI: one contract per demo CPTS at the « ACI signé » stage.

Signed on the day of its « ACI signé » step (some years before the load date), with the
four socle missions (and the optional missions 5 and 6 for the larger CPTS), each started within its deadline
— the last one still due, to show a warning —, indicators from the catalogue with
baselines and tiers, a value for each finished contract year, the crisis-plan facts,
spending and the payments received. The frozen dialogue de gestion report of the last
finished year is sent (frozen), waiting for the authority's decision.

Deterministic (one random generator per CPTS, from the seed) and idempotent: a CPTS that
already has a contract is left as it is.
"""

import datetime
import random
from decimal import Decimal

from maillon.contracts import registry, report, services
from maillon.contracts.models import Contract, FactCode, SpendingCategory
from maillon.contracts.selectors import funding_for_year, payment_schedule
from maillon.core.missions import parse as parse_mission
from maillon.core.models import Cpts, CptsStatus, User

# (catalogue code, baseline, tiers [(low, high, amount)], yearly drift of the value)
INDICATORS = (
    ("m1-ald-sans-mt", 219, [(None, 50, 9000), (51, 100, 6000), (101, 219, 3000)], -45),
    ("m1-70-ans-sans-mt", 410, [(None, 250, 6000), (251, 350, 3000)], -60),
    ("m1-medecins-volontaires", 8, [(15, None, 5000), (10, 14, 2500)], 3),
    ("m1-snp-48h", 55, [(80, None, 8000), (65, 79.99, 4000)], 9),
    ("m2-patients-inclus", 0, [(150, None, 12000), (60, 149, 6000)], 70),
    ("m2-reunions-pluripro", 0, [(12, None, 8000), (6, 11, 4000)], 5),
    ("m3-depistage-sein", 48.5, [(60, None, 3500), (55, 59.99, 2500), (50, 54.99, 1000)], 2.8),
    ("m3-personnes-touchees", 0, [(800, None, 6000), (300, 799, 3000)], 350),
    ("m4-ps-mobilises", 0, [], 0),
    ("m5-concertations", 0, [(10, None, 7500), (5, 9, 4000)], 4),
    ("m6-stagiaires", 0, [(6, None, 6000), (3, 5, 3000)], 2),
)

SPENDING = (
    (None, SpendingCategory.COORDINATION, "Coordinatrice — quote-part fonctionnement", 0.45),
    (None, SpendingCategory.PREMISES, "Loyer du local de coordination", 0.08),
    (None, SpendingCategory.TOOLS, "Logiciels et hébergement", 0.04),
    (1, SpendingCategory.MEMBERS_TIME, "Indemnisation des médecins volontaires (guichet MT, SNP)", 0.55),
    (1, SpendingCategory.COORDINATION, "Chargée de mission accès aux soins", 0.30),
    (2, SpendingCategory.MEMBERS_TIME, "Temps des professionnels — parcours", 0.5),
    (2, SpendingCategory.EVENTS, "Réunions pluriprofessionnelles", 0.15),
    (3, SpendingCategory.EVENTS, "Actions de prévention (Octobre rose, vaccination)", 0.6),
    (3, SpendingCategory.COMMUNICATION, "Supports de prévention", 0.2),
    (4, SpendingCategory.MEMBERS_TIME, "Rédaction et mise à jour du plan de crise", 0.5),
    (4, SpendingCategory.TRAINING, "Exercice de crise et formation", 0.3),
    (5, SpendingCategory.MEMBERS_TIME, "Concertations pluriprofessionnelles", 0.6),
    (6, SpendingCategory.MEMBERS_TIME, "Maîtres de stage, accueil des internes et aide à l'installation", 0.5),
)


def aci_signed_on(cpts: Cpts) -> datetime.date | None:
    step = cpts.steps.filter(to_status=CptsStatus.ACI_SIGNED).order_by("date").first()
    return step.date if step else None


def ensure_contract(cpts: Cpts, coordinator: User, *, taille: int, seed: int, today: datetime.date):
    """The contract of one demo CPTS at « ACI signé » (left alone when it has one)."""
    signed_on = aci_signed_on(cpts)
    if cpts.is_dissolved or cpts.status != CptsStatus.ACI_SIGNED or signed_on is None:
        return None
    if Contract.objects.for_cpts(cpts).exists():
        return None
    rng = random.Random(f"{seed}:contract:{cpts.slug}")
    missions = [1, 2, 3, 4, 5, 6] if taille >= 3 else [1, 2, 3, 4]
    contract = services.create_contract(
        cpts=cpts,
        signed_on=signed_on,
        taille=taille,
        missions=missions,
        by=coordinator,
        reference=f"ACI-78-{signed_on:%Y}-{rng.randint(100, 999)}",
    )
    start_missions(contract, rng, today)
    finished = [year for year in contract.years() if year.ends_on <= today]
    add_indicators(contract, rng, finished, coordinator)
    for year in contract.years():
        if year.starts_on > today:
            break
        add_facts(contract, year.number, coordinator)
        add_spending(contract, year, rng, today, coordinator)
    add_receipts(contract, rng, today, coordinator)
    if finished:
        report.send_report(contract, finished[-1].number, by=coordinator)
    return contract


def start_missions(contract: Contract, rng: random.Random, today: datetime.date) -> None:
    """Each mission starts within its deadline; full deployment is recorded once due, except
    for the prevention mission, left pending to show a warning."""
    for commitment in contract.missions.all():
        deadlines = {deadline.label: deadline.due_on for deadline in commitment.deadlines(today)}
        start_due = deadlines.get("Démarrage", contract.signed_on + datetime.timedelta(days=200))
        started_on = contract.signed_on + datetime.timedelta(
            days=rng.randint(20, max(21, (start_due - contract.signed_on).days - 10))
        )
        commitment.started_on = min(started_on, today)
        deployed_due = deadlines.get("Déploiement complet")
        if deployed_due and deployed_due <= today and commitment.mission != 3:
            commitment.deployed_on = deployed_due - datetime.timedelta(days=rng.randint(10, 60))
            commitment.deployed_on = max(commitment.deployed_on, commitment.started_on)
        commitment.save()


def add_indicators(contract: Contract, rng: random.Random, finished, coordinator: User) -> None:
    missions = {commitment.mission for commitment in contract.missions.all()}
    for code, baseline, tiers, drift in INDICATORS:
        mission = int(parse_mission(code))  # « m1-ald-sans-mt » → 1
        if mission not in missions:
            continue
        indicator = services.add_indicator(
            contract=contract,
            mission=mission,
            catalogue_code=code,
            added_on=contract.signed_on,
            baseline_value=Decimal(str(baseline)),
            baseline_on=contract.signed_on - datetime.timedelta(days=90),
            baseline_source="Rézone CPTS" if mission in (1, 3) else "Diagnostic territorial",
            tiers=[(_dec(low), _dec(high), Decimal(amount), "") for low, high, amount in tiers],
            # The demo enters every value by hand: no mission app computes them yet.
            source="entered",
            computed_code="",
        )
        value = Decimal(str(baseline))
        for year in finished:
            value = max(Decimal(0), value + Decimal(str(drift)) * Decimal(str(rng.uniform(0.7, 1.3))))
            services.record_value(
                indicator=indicator,
                contract_year=year.number,
                # Counts are whole numbers; rates keep two decimals.
                value=value.quantize(Decimal("0.01") if indicator.unit == "%" else Decimal("1")),
                by=coordinator,
                note="Source : Rézone CPTS" if mission in (1, 3) else "Suivi de la coordination",
            )


def _dec(value):
    return None if value is None else Decimal(str(value))


def add_facts(contract: Contract, number: int, coordinator: User) -> None:
    code = FactCode.CRISIS_PLAN_FIRST_DRAFTED if number == 1 else FactCode.CRISIS_PLAN_UPDATED
    if registry.has_fact(code):
        return  # the crisis plan app establishes it from the plan's validated versions
    services.state_fact(contract=contract, contract_year=number, code=code, value=True, by=coordinator)


def add_spending(contract: Contract, year, rng: random.Random, today: datetime.date, coordinator: User) -> None:
    """Spending of the year's elapsed part, by mission and nature, entered (and checked) as the funding page does."""
    funding = funding_for_year(contract, year.number)
    elapsed = min(year.ends_on, today) - year.starts_on
    share = Decimal(elapsed.days) / Decimal((year.ends_on - year.starts_on).days)
    by_mission: dict = {}
    for line in funding.lines:
        by_mission[line.mission] = by_mission.get(line.mission, Decimal(0)) + line.envelope
    for mission, category, label, weight in SPENDING:
        if mission not in by_mission:
            continue
        amount = by_mission[mission] * Decimal(str(weight)) * share * Decimal(str(rng.uniform(0.75, 1.0)))
        amount = amount.quantize(Decimal("0.01"))
        if amount <= 0:
            continue
        services.add_spending(
            contract=contract,
            contract_year=year.number,
            category=category,
            label=label,
            amount=amount,
            spent_on=year.starts_on + datetime.timedelta(days=rng.randint(0, max(0, elapsed.days - 1))),
            by=coordinator,
            mission=mission,
        )


def add_receipts(contract: Contract, rng: random.Random, today: datetime.date, coordinator: User) -> None:
    """The Assurance Maladie's payments of the schedule that fell due, received a few weeks later."""
    due: dict = {}
    for payment in payment_schedule(contract, today).payments:
        key = (payment.on, payment.contract_year)
        due[key] = due.get(key, Decimal(0)) + payment.amount
    for (on, contract_year), amount in sorted(due.items()):
        received_on = on + datetime.timedelta(days=rng.randint(20, 45))
        if received_on > today or amount <= 0:
            continue
        contract.receipts.create(
            contract_year=contract_year,
            received_on=received_on,
            amount=amount,
            label=f"Versement de l'Assurance Maladie — échéance du {on:%d/%m/%Y}",
            entered_by=coordinator,
        )
