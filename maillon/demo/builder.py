"""The demo region: CPTS, territories, accounts and members in the Yvelines (78).

Deterministic (seed `MAILLON_DEMO_SEED`), dated relative to today so it never
goes stale, and idempotent: every object is found again by its natural key
(slug, e-mail, token digest) on a second run.

Each territory is a contiguous set of whole real communes, grown from a seed
commune through the communes whose contours touch; the rest of the
département stays uncovered (zones blanches).
"""

import base64
import datetime
import hashlib
import hmac
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum import luhn
from stdnum.fr import siren as siren_number

from maillon.core import journal, token_scopes
from maillon.core.models import (
    LIFECYCLE_ORDER,
    ApiToken,
    ApiTokenKind,
    Cpts,
    CptsRole,
    CptsRoleKind,
    CptsStatus,
    LifecycleStep,
    User,
    default_token_expiry,
    token_digest,
)
from maillon.members.models import Membership
from maillon.organisations import services as organisation_services
from maillon.organisations.models import Organisation
from maillon.territories import services
from maillon.territories.models import Commune, TerritoryCommune, TerritoryRole, TerritoryRoleKind
from maillon.territories.taille import taille_for_population

from . import (
    contracts,
    creation,
    crisis,
    crisis_response,
    discussions,
    documents,
    governance,
    mailing,
    meetings,
    members,
    mt,
    pathways,
    prevention,
    quality,
    snp,
    support,
)

DEPARTEMENT = "78"
REGION = "11"
EMAIL_DOMAIN = "example.org"
TOKEN_NAME = "Démo"
TOTP_DEVICE_NAME = "Démo"
DAYS_PER_MONTH = 30.44
# A territory has at least this many communes, so no CPTS is a lone town.
MIN_COMMUNES = 5
# Grow among the few frontier communes nearest to the seed: compact, yet varied by seed.
NEAREST_CANDIDATES = 3


class DemoError(Exception):
    """The demo cannot be built; the message (French) says why and what to do."""


@dataclass(frozen=True)
class CptsSpec:
    slug: str
    name: str
    seed_commune: str
    taille: int
    status: CptsStatus
    # Age in months of each lifecycle step, from the letter of intent to `status`.
    step_ages: tuple[int, ...]
    coordinator: tuple[str, str]
    address: str


# Growth order matters: the most hemmed-in territories go first.
CPTS_SPECS = [
    CptsSpec(
        "seine-et-foret",
        "CPTS Seine et Forêt",
        "78551",
        2,
        CptsStatus.ACI_SIGNED,
        (52, 45, 38, 34, 30),
        ("Hélène", "Garnier"),
        "12 rue de Pologne, 78100 Saint-Germain-en-Laye",
    ),
    CptsSpec(
        "boucle-de-seine",
        "CPTS Boucle de Seine",
        "78586",
        3,
        CptsStatus.NEGOTIATION,
        (30, 22, 14, 4),
        ("Karim", "Benali"),
        "5 avenue de la République, 78500 Sartrouville",
    ),
    CptsSpec(
        "plaine-de-versailles",
        "CPTS Plaine de Versailles",
        "78646",
        4,
        CptsStatus.ACI_SIGNED,
        (40, 32, 24, 18, 14),
        ("Claire", "Lemaire"),
        "3 rue de la Paroisse, 78000 Versailles",
    ),
    CptsSpec(
        "mantois",
        "CPTS du Mantois",
        "78361",
        2,
        CptsStatus.PROJECT_VALIDATED,
        (22, 13, 3),
        ("Julien", "Moreau"),
        "8 place Saint-Maclou, 78200 Mantes-la-Jolie",
    ),
    CptsSpec(
        "sud-yvelines",
        "CPTS Sud Yvelines",
        "78517",
        1,
        CptsStatus.PROJECT_SUBMITTED,
        (11, 2),
        ("Sophie", "Lefebvre"),
        "20 rue Chasles, 78120 Rambouillet",
    ),
    CptsSpec(
        "pays-houdanais",
        "CPTS du Pays Houdanais",
        "78310",
        1,
        CptsStatus.LETTER_OF_INTENT,
        (3,),
        ("Thomas", "Petit"),
        "2 place de la Tour, 78550 Houdan",
    ),
]

# The CPTS where the demo member account belongs.
MEMBER_CPTS = "plaine-de-versailles"
# The role (in the credentials) of a manager of an organisation, who hosts a regional group.
ORGANISATION_MANAGER = "manager"


@dataclass(frozen=True)
class AccountSpec:
    email: str
    first_name: str
    last_name: str
    role: str
    cpts: str | None = None
    organisation: str = ""
    departement: str | None = None
    region: str | None = None


def account_specs() -> list[AccountSpec]:
    accounts = [AccountSpec(f"admin.demo@{EMAIL_DOMAIN}", "Camille", "Roux", "admin")]
    for spec in CPTS_SPECS:
        first, last = spec.coordinator
        accounts.append(AccountSpec(f"coordination.{spec.slug}@{EMAIL_DOMAIN}", first, last, "coordinator", spec.slug))
    accounts += [
        AccountSpec(f"membre.{MEMBER_CPTS}@{EMAIL_DOMAIN}", "Léa", "Fournier", "member", MEMBER_CPTS),
        AccountSpec(
            f"observation.ars-idf@{EMAIL_DOMAIN}",
            "Nathalie",
            "Girard",
            TerritoryRoleKind.OBSERVER,
            organisation="ARS Île-de-France",
            region=REGION,
        ),
        AccountSpec(
            f"autorite.cpam78@{EMAIL_DOMAIN}",
            "Philippe",
            "Bonnet",
            TerritoryRoleKind.AUTHORITY,
            organisation="CPAM des Yvelines",
            departement=DEPARTEMENT,
        ),
        # The ARS's authority: decides on the lettres d'intention, records the start-up grant and
        # reviews the projets de santé for the ARS (maillon/demo/creation.py).
        AccountSpec(
            creation.ARS_AUTHORITY,
            "Sandrine",
            "Mercier",
            TerritoryRoleKind.AUTHORITY,
            organisation=creation.ARS_ORGANISATION,
            region=REGION,
        ),
        AccountSpec(
            f"regulation.sas78@{EMAIL_DOMAIN}",
            "Marc",
            "Dubois",
            TerritoryRoleKind.SAS_REGULATOR,
            organisation="SAS des Yvelines (SAMU 78)",
            departement=DEPARTEMENT,
        ),
        # The URPS of the midwives, host of the regional group « Sages-femmes libérales et CPTS ».
        AccountSpec(
            f"gestion.urps-sf@{EMAIL_DOMAIN}",
            "Isabelle",
            "Marchand",
            ORGANISATION_MANAGER,
            organisation=discussions.ORGANISATION,
            region=REGION,
        ),
    ]
    return accounts


# --- Secrets derived from the seed: the same demo on every machine. ---


def derive(seed: int, purpose: str, email: str) -> bytes:
    return hmac.new(f"maillon-demo:{seed}".encode(), f"{purpose}:{email}".encode(), hashlib.sha256).digest()


def demo_password(seed: int, email: str) -> str:
    """19 characters in four groups, e.g. `Kq7F-3xAb-P2Lm-9RtW`: passes the password validators."""
    raw = base64.b32encode(derive(seed, "password", email)).decode()
    chars = [char.lower() if index % 2 else char for index, char in enumerate(raw[:16])]
    return "-".join("".join(chars[start : start + 4]) for start in range(0, 16, 4))


def demo_totp_key(seed: int, email: str) -> bytes:
    return derive(seed, "totp", email)[:20]


def demo_token(seed: int, email: str) -> str:
    return ApiToken.PREFIX + "demo_" + base64.urlsafe_b64encode(derive(seed, "token", email)[:24]).decode()


def demo_siren(rng: random.Random) -> str:
    body = f"{rng.randrange(10_000_000, 100_000_000)}"
    number = body + luhn.calc_check_digit(body)
    assert siren_number.is_valid(number)
    return number


def demo_siret(siren: str) -> str:
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


# --- Territories: contiguous growth over the commune adjacency graph. ---


@dataclass
class CommuneMap:
    """The communes of the département, their population, position and neighbours."""

    population: dict[str, int]
    position: dict[str, tuple[float, float]]
    neighbours: dict[str, set[str]] = field(default_factory=dict)


def adjacency(codes: list[str], contours: list[str]) -> dict[str, set[str]]:
    """Communes whose (simplified) contours touch or overlap are neighbours."""
    geometries = shapely.from_geojson(contours)
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    neighbours = {code: set() for code in codes}
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a != b:
            neighbours[codes[a]].add(codes[b])
    return neighbours


def load_commune_map() -> CommuneMap:
    rows = list(
        Commune.objects.filter(departement_id=DEPARTEMENT)
        .exclude(contour="")
        .order_by("code")
        .values_list("code", "population", "longitude", "latitude", "contour")
    )
    if not rows:
        raise DemoError(
            "Les communes ne sont pas importées : lancez d'abord « python manage.py import_communes » "
            "(ou « make db »), puis « load_demo »."
        )
    codes = [row[0] for row in rows]
    return CommuneMap(
        population={row[0]: row[1] for row in rows},
        position={row[0]: (row[2] or 0.0, row[3] or 0.0) for row in rows},
        neighbours=adjacency(codes, [row[4] for row in rows]),
    )


def population_range(taille: int, rng: random.Random) -> tuple[int, int]:
    """A target population well inside the taille's bounds (settings), and a ceiling below the next one."""
    minimums = settings.MAILLON_TAILLE_MINIMUMS
    bounds = [0, *minimums, minimums[-1] * 3 // 2]
    low, high = bounds[taille - 1], bounds[taille]
    width = high - low
    return low + int(width * rng.uniform(0.45, 0.75)), high - width // 20 - 1


def distance2(a: tuple[float, float], b: tuple[float, float]) -> float:
    # Longitude degrees are ~0.66 of latitude degrees at 48.8° N.
    return ((a[0] - b[0]) * 0.66) ** 2 + (a[1] - b[1]) ** 2


def grow(spec: CptsSpec, communes: CommuneMap, taken: set[str], rng: random.Random) -> list[str]:
    target, ceiling = population_range(spec.taille, rng)
    territory = {spec.seed_commune}
    population = communes.population[spec.seed_commune]
    origin = communes.position[spec.seed_commune]
    while population < target or len(territory) < MIN_COMMUNES:
        frontier = set().union(*(communes.neighbours[code] for code in territory)) - territory - taken
        fitting = sorted(
            (code for code in frontier if population + communes.population[code] <= ceiling),
            key=lambda code: (distance2(communes.position[code], origin), code),
        )
        if not fitting:
            break
        chosen = rng.choice(fitting[:NEAREST_CANDIDATES])
        territory.add(chosen)
        population += communes.population[chosen]
    if taille_for_population(population) != spec.taille:
        raise DemoError(f"Impossible de faire croître « {spec.name} » jusqu'à la taille {spec.taille}.")
    return sorted(territory)


def plan_territories(rng: random.Random) -> dict[str, list[str]]:
    communes = load_commune_map()
    missing = [spec.seed_commune for spec in CPTS_SPECS if spec.seed_commune not in communes.population]
    if missing:
        raise DemoError(f"Communes de départ absentes : {', '.join(missing)}. Réimportez les communes.")
    demo_slugs = [spec.slug for spec in CPTS_SPECS]
    # Communes of CPTS created outside the demo are never taken.
    taken = set(
        TerritoryCommune.objects.current().exclude(cpts__slug__in=demo_slugs).values_list("commune_id", flat=True)
    )
    # Every seed is reserved, so no territory swallows another's seed.
    taken |= {spec.seed_commune for spec in CPTS_SPECS}
    plans = {}
    for spec in CPTS_SPECS:
        plans[spec.slug] = grow(spec, communes, taken - {spec.seed_commune}, rng)
        taken |= set(plans[spec.slug])
    return plans


# --- CPTS, steps and territories. ---


def step_dates(spec: CptsSpec, today: datetime.date, rng: random.Random) -> list[datetime.date]:
    return [today - datetime.timedelta(days=round(age * DAYS_PER_MONTH) + rng.randint(-5, 5)) for age in spec.step_ages]


def demo_cpts_finess(spec: CptsSpec) -> str:
    """A FINESS for each demo CPTS (the SAS's FHIR search names the CPTS by it), outside the
    members' range (7899…); not drawn from `rng`, so the rest of the demo stays the same."""
    body = f"78980{CPTS_SPECS.index(spec)}00"
    return body + luhn.calc_check_digit(body)


def ensure_cpts(spec: CptsSpec, rng: random.Random) -> Cpts:
    siren = demo_siren(rng)
    cpts, _ = Cpts.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "name": spec.name,
            "siren": siren,
            "siret": demo_siret(siren),
            "finess": demo_cpts_finess(spec),
            "email": f"contact@{spec.slug}.{EMAIL_DOMAIN}",
            # 01 99 00 xx xx: the range ARCEP keeps for fiction.
            "phone": f"01 99 00 {rng.randrange(100):02d} {rng.randrange(100):02d}",
            "website": f"https://{spec.slug}.{EMAIL_DOMAIN}/",
            "address": spec.address,
        },
    )
    return cpts


def ensure_steps(cpts: Cpts, dates: list[datetime.date]) -> None:
    """Record the missing steps in order; existing ones keep their place, re-dated."""
    for status, date in zip(LIFECYCLE_ORDER, dates, strict=False):
        step = cpts.steps.filter(to_status=status).first()
        if step is not None:
            if step.date != date:
                step.date = date
                step.save(update_fields=["date"])
        elif status == CptsStatus.LETTER_OF_INTENT:
            # The first step is the status a CPTS starts with: no transition to check.
            LifecycleStep.objects.create(cpts=cpts, to_status=status, date=date)
        elif LIFECYCLE_ORDER.index(status) > LIFECYCLE_ORDER.index(cpts.status):
            services.record_step(cpts, status=status, on=date, by=None)


def current_codes(cpts: Cpts) -> set[str]:
    return set(TerritoryCommune.objects.for_cpts(cpts).current().values_list("commune_id", flat=True))


def ensure_territories(
    plans: dict[str, Cpts], territories: dict[str, list[str]], starts, today, warnings: list[str]
) -> None:
    """Removals first, then additions, so a commune moving between demo CPTS never conflicts.

    A territory someone changed by hand in a way the plan cannot follow is left
    as it is, with a warning: `make run` must not fail on a demo people used.
    """
    for slug, cpts in plans.items():
        current = current_codes(cpts)
        if current - set(territories[slug]):
            keep_going(warnings, cpts, services.set_territory, cpts, current & set(territories[slug]), on=today)
    for slug, cpts in plans.items():
        # A new territory dates from the letter of intent; a later correction from today.
        on = starts[slug] if not current_codes(cpts) else today
        keep_going(warnings, cpts, services.set_territory, cpts, territories[slug], on=on)


def keep_going(warnings, cpts, write, *args, **kwargs):
    try:
        write(*args, **kwargs)
    except ValidationError as error:
        warnings.append(f"{cpts.name} : laissée telle quelle ({' '.join(error.messages)})")


# --- Accounts. ---


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str
    totp_secret: str
    role: str
    cpts: str | None
    token: str | None  # None: the platform admin's, while MAILLON_API_SUPERUSER_TOKENS is off

    def as_dict(self):
        return {
            "email": self.email,
            "password": self.password,
            "totp_secret": self.totp_secret,
            "role": self.role,
            "cpts": self.cpts,
            "token": self.token,
        }


def ensure_user(spec: AccountSpec, password: str) -> User:
    is_admin = spec.role == "admin"
    user, created = User.objects.update_or_create(
        email=spec.email,
        defaults={
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "is_active": True,
            "is_staff": is_admin,
            "is_superuser": is_admin,
        },
    )
    if created:
        validate_password(password, user)
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def ensure_totp(user: User, key: bytes) -> None:
    TOTPDevice.objects.update_or_create(
        user=user, name=TOTP_DEVICE_NAME, defaults={"key": key.hex(), "confirmed": True}
    )


def ensure_token(user: User, plain: str) -> str | None:
    """The account's demo token, with the scopes of its roles' areas (write where the role writes)
    and the default life; None for the platform admin while superuser tokens are refused
    (MAILLON_API_SUPERUSER_TOKENS). Run after its roles are set."""
    if user.is_superuser and not settings.MAILLON_API_SUPERUSER_TOKENS:
        return None
    scopes = token_scopes.scopes_for(user)
    existing = ApiToken.objects.filter(digest=token_digest(plain))
    if not existing.exists():
        ApiToken.issue(user, TOKEN_NAME, plain=plain, scopes=scopes)
    else:  # a demo loaded again: its roles may have grown, an old token may have expired
        existing.update(kind=ApiTokenKind.PERSONAL, scopes=scopes, expires_at=default_token_expiry())
    return plain


def ensure_roles(user: User, spec: AccountSpec, cpts_by_slug: dict[str, Cpts]) -> None:
    if spec.cpts:
        role = CptsRoleKind.COORDINATOR if spec.role == "coordinator" else CptsRoleKind.MEMBER
        CptsRole.objects.update_or_create(user=user, cpts=cpts_by_slug[spec.cpts], defaults={"role": role})
    elif spec.role in TerritoryRoleKind.values:
        TerritoryRole.objects.update_or_create(
            user=user,
            role=spec.role,
            departement_id=spec.departement,
            region_id=spec.region,
            defaults={"organisation": spec.organisation},
        )
    elif spec.role == ORGANISATION_MANAGER:
        # The organisation over its région, the role granted as the platform admin does.
        organisation, _ = Organisation.objects.get_or_create(
            name=spec.organisation,
            defaults={"kind": organisation_services.kind_of(spec.organisation), "region_id": spec.region},
        )
        organisation_services.grant_manager(organisation, email=user.email, by=None)


def ensure_account(spec: AccountSpec, seed: int, cpts_by_slug: dict[str, Cpts]) -> Credentials:
    password = demo_password(seed, spec.email)
    key = demo_totp_key(seed, spec.email)
    token = demo_token(seed, spec.email)
    user = ensure_user(spec, password)
    ensure_totp(user, key)
    ensure_roles(user, spec, cpts_by_slug)
    token = ensure_token(user, token)
    return Credentials(
        email=spec.email,
        password=password,
        totp_secret=base64.b32encode(key).decode(),
        role=str(spec.role),
        cpts=spec.cpts,
        token=token,
    )


# --- Members. ---


def ensure_members(cpts_by_slug: dict[str, Cpts], territories, starts, *, seed: int, today: datetime.date) -> None:
    """Collèges and members of each demo CPTS (maillon/demo/members.py), spread over
    its planned communes; a CPTS dissolved by hand is counted, not written."""
    account = User.objects.get(email=f"membre.{MEMBER_CPTS}@{EMAIL_DOMAIN}")
    planned = 0
    for index, spec in enumerate(CPTS_SPECS):
        cpts = cpts_by_slug[spec.slug]
        communes = list(
            Commune.objects.filter(pk__in=territories[spec.slug])
            .order_by("code")
            .values_list("code", "population", "name")
        )
        target = members.CptsMembers(
            cpts=cpts,
            index=index,
            communes=communes,
            start=starts[spec.slug],
            taille=taille_for_population(sum(population for _, population, _ in communes)),
            coordinator=User.objects.get(email=f"coordination.{spec.slug}@{EMAIL_DOMAIN}"),
        )
        account_here = account if spec.slug == MEMBER_CPTS else None
        planned += members.ensure_members(
            target, seed=seed, today=today, before=planned, account=account_here, plan_only=cpts.is_dissolved
        )


def ensure_governance(cpts_by_slug: dict[str, Cpts], *, seed: int, today: datetime.date) -> None:
    """One past election, its elected, a bureau and an assembly per demo CPTS whose health
    project is validated (maillon/demo/governance.py); a CPTS dissolved by hand is skipped."""
    for spec in CPTS_SPECS:
        cpts = cpts_by_slug[spec.slug]
        if cpts.is_dissolved:
            continue
        coordinator = User.objects.get(email=f"coordination.{spec.slug}@{EMAIL_DOMAIN}")
        governance.ensure_governance(cpts, coordinator, seed=seed, today=today)
        # Statuts and règlement intérieur, each with its PDF (maillon/demo/documents.py).
        if governance.takes_part(cpts):
            documents.ensure_founding_documents(cpts, coordinator, seed=seed, today=today)
        # The invitation to the assembly, as a sent message to the members (maillon/demo/mailing.py).
        mailing.ensure_mailing(cpts, coordinator, seed=seed)


def ensure_contracts(cpts_by_slug: dict[str, Cpts], *, seed: int, today: datetime.date) -> None:
    """An ACI for each demo CPTS at « ACI signé » (maillon/demo/contracts.py)."""
    member_account = User.objects.get(email=f"membre.{MEMBER_CPTS}@{EMAIL_DOMAIN}")
    for spec in CPTS_SPECS:
        cpts = cpts_by_slug[spec.slug]
        coordinator = User.objects.get(email=f"coordination.{spec.slug}@{EMAIL_DOMAIN}")
        taille = taille_for_population(services.current_population(cpts))
        # The crisis plan first: the contract's M4 facts come from its validated versions.
        crisis.ensure_plan(cpts, coordinator, seed=seed, today=today)
        contracts.ensure_contract(cpts, coordinator, taille=taille, seed=seed, today=today)
        # The Rézone extract behind one indicator value (maillon/demo/documents.py).
        documents.ensure_indicator_document(cpts, coordinator, today=today)
        # The médecin traitant desk: waiting list, volunteers, one run (maillon/demo/mt.py).
        mt.ensure_desk(cpts, coordinator, seed=seed, today=today)
        # Same-day care: agendas, the coming week of slots, past requests (maillon/demo/snp.py).
        snp.ensure_snp(cpts, coordinator, seed=seed, today=today)
        # A member's weekly series of slots, and a request still to place.
        snp.ensure_series(cpts, seed=seed, today=today)
        snp.ensure_open_request(cpts, coordinator, seed=seed, today=today)
        # The alert chain, a past exercise, an ended crisis with its RETEX (crisis_response.py).
        crisis_response.ensure_response(cpts, coordinator, seed=seed, today=today)
        # Meetings held and coming, members' time and the hourly rate (maillon/demo/meetings.py).
        meetings.ensure_meetings(cpts, coordinator, seed=seed, today=today)
        # Care pathways: two programmes, their patients, care teams and tasks (maillon/demo/pathways.py).
        pathways.ensure_pathways(cpts, coordinator, seed=seed, today=today, member=member_account)
        # Prevention: two campaigns, their measures, public sessions and a flyer (maillon/demo/prevention.py).
        prevention.ensure_prevention(cpts, coordinator, seed=seed, today=today, member=member_account)
        # Quality: a case conference carried into a PPCS, two event reviews, a practice-analysis group
        # with its sessions (maillon/demo/quality.py).
        quality.ensure_quality(cpts, coordinator, seed=seed, today=today, member=member_account)
        # Support for professionals: supervisors, placements, housing, installations, ads, peer help and
        # the public page's texts (maillon/demo/support.py).
        support.ensure_support(cpts, coordinator, seed=seed, today=today, member=member_account)


def ensure_discussions(cpts_by_slug: dict[str, Cpts], *, today: datetime.date):
    """Each CPTS's discussion spaces and their history, the URPS's regional group across two
    CPTS (maillon/demo/discussions.py)."""
    coordinators = {
        spec.slug: User.objects.get(email=f"coordination.{spec.slug}@{EMAIL_DOMAIN}") for spec in CPTS_SPECS
    }
    return discussions.ensure_discussions(
        cpts_by_slug,
        coordinators,
        manager=User.objects.get(email=f"gestion.urps-sf@{EMAIL_DOMAIN}"),
        member=User.objects.get(email=f"membre.{MEMBER_CPTS}@{EMAIL_DOMAIN}"),
        today=today,
    )


# --- Entry point. ---


@dataclass
class DemoCpts:
    cpts: Cpts
    communes: int
    population: int
    taille: int
    members: int = 0


@dataclass
class DemoResult:
    cpts: list[DemoCpts]
    accounts: list[Credentials]
    uncovered_communes: int
    warnings: list[str] = field(default_factory=list)
    # The SAS platform's client of GET /fhir/Slot: its token and RPPS to search for.
    sas_client: dict = field(default_factory=dict)


def build(*, seed: int | None = None, today: datetime.date | None = None) -> DemoResult:
    """Create or bring up to date the whole demo region; all or nothing."""
    seed = settings.MAILLON_DEMO_SEED if seed is None else seed
    today = today or services.today()
    rng = random.Random(seed)
    with journal.acting_as(None), transaction.atomic():
        territories = plan_territories(rng)
        cpts_by_slug, starts, warnings = {}, {}, []
        for spec in CPTS_SPECS:
            cpts = ensure_cpts(spec, rng)
            dates = step_dates(spec, today, rng)
            cpts_by_slug[spec.slug], starts[spec.slug] = cpts, dates[0]
            if cpts.is_dissolved:
                warnings.append(f"{cpts.name} : dissoute depuis le dernier chargement, laissée telle quelle.")
                continue
            keep_going(warnings, cpts, ensure_steps, cpts, dates)
        living = {slug: cpts for slug, cpts in cpts_by_slug.items() if not cpts.is_dissolved}
        ensure_territories(living, territories, starts, today, warnings)
        accounts = [ensure_account(spec, seed, cpts_by_slug) for spec in account_specs()]
        # The ARS and CPAM officers in their organisations: the signal does it once the
        # transaction commits, the demo needs them now.
        organisation_services.enrol_officers()
        ensure_members(cpts_by_slug, territories, starts, seed=seed, today=today)
        ensure_governance(cpts_by_slug, seed=seed, today=today)
        ensure_contracts(cpts_by_slug, seed=seed, today=today)
        ensure_discussions(cpts_by_slug, today=today)
        # Two lettres d'intention for the ARS, a projet de santé submitted (maillon/demo/creation.py).
        warnings += creation.ensure_creation(cpts_by_slug, today=today)
        sas_client = snp.ensure_sas_client(seed)
    return DemoResult(
        cpts=[summary(cpts_by_slug[spec.slug]) for spec in CPTS_SPECS],
        accounts=accounts,
        uncovered_communes=uncovered_communes(),
        warnings=warnings,
        sas_client=sas_client,
    )


def summary(cpts: Cpts) -> DemoCpts:
    population = services.current_population(cpts)
    return DemoCpts(
        cpts=cpts,
        communes=len(current_codes(cpts)),
        population=population,
        taille=taille_for_population(population),
        members=Membership.objects.for_cpts(cpts).active().count(),
    )


def uncovered_communes() -> int:
    covered = TerritoryCommune.objects.current().values("commune_id")
    return Commune.objects.filter(departement_id=DEPARTEMENT).exclude(pk__in=covered).count()


def default_credentials_path() -> Path:
    return Path(getattr(settings, "MAILLON_DEMO_CREDENTIALS", settings.VAR_DIR / "demo-credentials.json"))


def write_credentials(accounts: list[Credentials], path: Path, *, sas_client: dict | None = None) -> None:
    """Readable by the owner only: the file holds passwords and tokens."""
    path.parent.mkdir(parents=True, exist_ok=True)
    content = {
        "accounts": [account.as_dict() for account in accounts],
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "site": settings.SITE_URL,
    }
    if sas_client:
        content["sas_client"] = sas_client
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(content, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
