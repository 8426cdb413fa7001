"""The demo's mission 6 (« accompagnement des professionnels »), for every demo CPTS that is not
dissolved:

- **trainees**: 3 to 5 training supervisors among its adherents (general practitioners taking
  externes, internes and docteurs juniors, a nurse taking nursing students, a pharmacist taking
  pharmacy students), their placements of the current and the next semester — those under way
  filled with a trainee through an accepted application, those to come open with applications
  received — a spontaneous application, and two housing offers with their bookings (one past,
  one cancelled);
- **installation**: three projects — one settled (the professional has joined since), one whose
  wished date is within 60 days, one just started;
- **ads** of every kind, in communes of the territory and in communes no CPTS covers: published,
  waiting for moderation, refused, filled and expired;
- **peer help**: two tutoring pairs (one ended), a cross-training whose date is being polled,
  two pieces of equipment with bookings of the coming days;
- **the public page**'s texts.

Everything goes through the services where the product has a rule (a supervisor's capacity, the
rooms of a housing, an equipment's overlaps, the ads' moderation, the applications' outcome);
the dates a service writes as today's are then set back to tell a story over months
(`backdate`). The people are the CPTS's own adherents; the demo member account supervises in its
CPTS, so its home has applications, ads and a booking of its own. Deterministic (seeded) and
dated relative to today; left alone when the CPTS already has supervisors.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from maillon.core.models import Cpts, User
from maillon.members.models import Membership, MembershipStatus, Structure, StructureKind
from maillon.members.professions import Profession, Specialty
from maillon.support import services
from maillon.support.models import (
    Ad,
    AdKind,
    Equipment,
    EquipmentKind,
    Housing,
    InstallationProject,
    InstallationStepKind,
    Placement,
    PlacementApplication,
    PublicSite,
    Supervisor,
    TraineeLevel,
    Tutoring,
)
from maillon.territories.models import Commune, TerritoryCommune

from .discussions import cpts_characters
from .members import EMAIL_DOMAIN, FIRST_NAMES, LAST_NAMES, ascii_slug, street_address
from .prevention import nothing_sent

# Interns' semesters start early in May and in November.
SEMESTER_MONTHS = (5, 11)
SEMESTER_DAY = 2
# Nursing students' placements last ten weeks; a pharmacy student's officinal placement six months.
NURSING_WEEKS = 10
PHARMACY_WEEKS = 26
# The settled professional settled at least this many days ago, their tutoring lasted this long.
SETTLED_DAYS_AGO = 150
TUTORING_DAYS = 120
# The CPTS with this many general practitioners or more has a third GP supervisor (five in all).
THIRD_GP_FROM = 20

GP_ACCREDITATION = (
    "ARS Île-de-France, sur proposition du département de médecine générale de l'UFR Simone Veil – Santé (UVSQ)"
)
PHARMACY_ACCREDITATION = "UFR de pharmacie de l'Université Paris-Saclay"
# The nursing school near each demo CPTS (the default for another one).
NURSING_SCHOOLS = {
    "seine-et-foret": "IFSI de Poissy – Saint-Germain-en-Laye",
    "boucle-de-seine": "IFSI de Poissy – Saint-Germain-en-Laye",
    "plaine-de-versailles": "IFSI du centre hospitalier de Versailles",
    "mantois": "IFSI de Mantes-la-Jolie",
    "sud-yvelines": "IFSI de Rambouillet",
    "pays-houdanais": "IFSI de Mantes-la-Jolie",
}
DEFAULT_NURSING_SCHOOL = "IFSI du centre hospitalier de Versailles"
MEDICAL_SCHOOLS = [
    "UFR Simone Veil – Santé (UVSQ, Université Paris-Saclay)",
    "Université Paris Cité — Faculté de santé",
    "Sorbonne Université — Faculté de santé",
]
PHARMACY_SCHOOLS = [
    "Faculté de pharmacie de l'Université Paris-Saclay",
    "Faculté de pharmacie de Paris (Université Paris Cité)",
]

MESSAGES = {
    TraineeLevel.EXTERNAL: (
        "Externe en cinquième année, je cherche un stage de médecine générale sur le territoire pour découvrir "
        "le suivi au long cours et les visites à domicile."
    ),
    TraineeLevel.INTERN: (
        "Interne en médecine générale, je souhaite faire mon stage de niveau 1 dans un cabinet de groupe qui "
        "travaille avec les infirmiers et les pharmaciens du secteur. J'ai le permis B et une voiture."
    ),
    TraineeLevel.JUNIOR_DOCTOR: (
        "En quatrième année de médecine générale, je cherche un terrain de docteur junior où je pourrais "
        "m'installer ensuite : l'exercice coordonné de la CPTS m'intéresse beaucoup."
    ),
    TraineeLevel.PARAMEDICAL: (
        "En deuxième année de soins infirmiers, je voudrais découvrir l'exercice libéral et les soins "
        "à domicile, en lien avec les médecins traitants."
    ),
    TraineeLevel.PHARMACY: (
        "En sixième année de pharmacie, filière officine, je cherche une pharmacie qui fait des entretiens "
        "pharmaceutiques et de la vaccination pour mon stage de pratique professionnelle."
    ),
}


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def days(today: datetime.date, count: int) -> datetime.date:
    return today + datetime.timedelta(days=count)


def weekday(day: datetime.date) -> datetime.date:
    """The day, or the Monday after it."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def monday_after(day: datetime.date) -> datetime.date:
    """The Monday on or after `day`."""
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def backdate(model, pk, **fields):
    """The services date what they write today; the demo tells a story over months."""
    model.objects.filter(pk=pk).update(**fields)


# --- Semesters ---------------------------------------------------------------------------------


def semester_start(day: datetime.date) -> datetime.date:
    """The start of the interns' semester `day` is in (2 May or 2 November)."""
    starts = [
        datetime.date(year, month, SEMESTER_DAY) for year in (day.year - 1, day.year) for month in SEMESTER_MONTHS
    ]
    return max(start for start in starts if start <= day)


def following_start(start: datetime.date) -> datetime.date:
    return (
        datetime.date(start.year, 11, SEMESTER_DAY)
        if start.month == 5
        else datetime.date(start.year + 1, 5, SEMESTER_DAY)
    )


def semester(start: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of the semester starting on `start`."""
    return start, following_start(start) - datetime.timedelta(days=1)


def semester_label(start: datetime.date) -> str:
    return f"Semestre de {'mai' if start.month == 5 else 'novembre'} {start.year}"


# --- People ------------------------------------------------------------------------------------


class Cast:
    """The CPTS's people the story needs: their adhesions and, for those who write, their accounts."""

    def __init__(self, cpts: Cpts, coordinator: User, member: User | None, rng: random.Random):
        self.cpts, self.coordinator, self.rng = cpts, coordinator, rng
        people = cpts_characters(cpts, coordinator, member)
        self.accounts = people
        self.active = (
            Membership.objects.for_cpts(cpts)
            .filter(status=MembershipStatus.ACTIVE, professional__isnull=False)
            .select_related("professional")
            .order_by("pk")
        )
        self.gps = list(
            self.active.filter(
                professional__profession=Profession.MEDECIN, professional__specialty=Specialty.GENERAL_PRACTICE
            )
        )
        self.first_gp = self.adhesion(people.get("member"), Profession.MEDECIN) or (self.gps[:1] or [None])[0]
        self.second_gp = self.adhesion(people.get("gp"), Profession.MEDECIN)
        self.nurse = self.adhesion(people.get("nurse"), Profession.INFIRMIER) or self.first_of(Profession.INFIRMIER)
        self.pharmacist = self.adhesion(people.get("pharma"), Profession.PHARMACIEN) or self.first_of(
            Profession.PHARMACIEN
        )

    def adhesion(self, user: User | None, profession: str) -> Membership | None:
        if user is None:
            return None
        return self.active.filter(professional__user=user, professional__profession=profession).first()

    def first_of(self, profession: str) -> Membership | None:
        return self.active.filter(professional__profession=profession).first()

    def account(self, membership: Membership | None) -> User:
        """Who acts for an adhesion: its account, or the coordination."""
        if membership is not None and membership.professional.user_id:
            return membership.professional.user
        return self.coordinator

    def writer(self, key: str) -> User | None:
        """A member's account among the characters (None where the coordination stands in)."""
        user = self.accounts.get(key)
        return None if user is None or user == self.coordinator else user

    def name(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)


def full_name(membership: Membership) -> str:
    return f"{membership.professional.first_name} {membership.professional.last_name}"


def practice_commune(membership: Membership, default: Commune) -> Commune:
    place = membership.professional.practice_places.select_related("commune").order_by("-is_main", "pk").first()
    return place.commune if place is not None else default


def practice_address(membership: Membership, default: Commune) -> str:
    place = membership.professional.practice_places.select_related("commune").order_by("-is_main", "pk").first()
    return f"{place.address}, {place.commune.name}" if place is not None else default.name


def student_email(first: str, last: str) -> str:
    return f"{ascii_slug(first)}.{ascii_slug(last)}@etu.{EMAIL_DOMAIN}"


def mobile(rng: random.Random) -> str:
    # 06 39 98 xx xx: the mobile range ARCEP keeps for fiction.
    return f"06 39 98 {rng.randrange(100):02d} {rng.randrange(100):02d}"


# --- Communes ----------------------------------------------------------------------------------

VOWELS = tuple("AEIOUYÉÈÊÂÎÔ")


def at_commune(name: str) -> str:
    """« à Versailles », « au Chesnay-Rocquencourt », « aux Loges-en-Josas »."""
    if name.startswith("Le "):
        return f"au {name[3:]}"
    if name.startswith("Les "):
        return f"aux {name[4:]}"
    return f"à {name}"


def of_commune(name: str) -> str:
    """« de Versailles », « du Chesnay-Rocquencourt », « des Loges-en-Josas », « d'Orgerus »."""
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    return f"d'{name}" if name.startswith(VOWELS) else f"de {name}"


def territory_communes(cpts: Cpts) -> list[Commune]:
    """The communes of the current territory, the most populated first."""
    codes = TerritoryCommune.objects.for_cpts(cpts).current().values("commune_id")
    return list(Commune.objects.filter(pk__in=codes).defer("contour").order_by("-population", "code"))


def uncovered_near(communes: list[Commune], rng: random.Random, count: int = 2) -> list[Commune]:
    """`count` communes of the territory's départements that no CPTS covers today, among the
    nearest to the territory: an ad there says that no CPTS is at work."""
    covered = TerritoryCommune.objects.current().values("commune_id")
    candidates = list(
        Commune.objects.filter(departement_id__in={commune.departement_id for commune in communes})
        .exclude(pk__in=covered)
        .exclude(longitude=None)
        .exclude(latitude=None)
        .defer("contour")
        .order_by("code")
    )
    placed = [commune for commune in communes if commune.longitude is not None and commune.latitude is not None]
    if not placed:
        return candidates[:count]
    lon = sum(commune.longitude for commune in placed) / len(placed)
    lat = sum(commune.latitude for commune in placed) / len(placed)

    def distance(commune):  # longitude degrees are ~0.66 of latitude degrees at 48.8° N
        return ((commune.longitude - lon) * 0.66) ** 2 + (commune.latitude - lat) ** 2

    nearest = sorted(candidates, key=lambda commune: (distance(commune), commune.code))[: count * 3]
    return sorted(rng.sample(nearest, min(count, len(nearest))), key=lambda commune: commune.code)


# --- Entry point -------------------------------------------------------------------------------


@transaction.atomic
def ensure_support(cpts: Cpts, coordinator: User, *, seed: int, today: datetime.date, member: User | None = None):
    """Supervisors, placements, housing, installations, ads, peer help and the public page's
    texts; None when left alone (dissolved, no territory, no general practitioner, or already there)."""
    if cpts.is_dissolved or Supervisor.objects.for_cpts(cpts).exists():
        return None
    communes = territory_communes(cpts)
    if not communes:
        return None
    rng = random.Random(f"{seed}:support:{cpts.slug}")
    cast = Cast(cpts, coordinator, member, rng)
    if cast.first_gp is None:
        return None
    # The applicants, the members and the coordination are told of applications, ads and polls by
    # messages queued on commit: the demo's people are fictitious, nothing is sent to them.
    with nothing_sent(dropped=is_demo_message):
        supervisors = ensure_supervisors(cast, today)
        placements = ensure_placements(cast, supervisors, communes[0], today)
        housing = ensure_housing(cast, placements, communes, today)
        projects = ensure_installations(cast, supervisors, communes, today)
        ads = ensure_ads(cast, communes, uncovered_near(communes, rng), today)
        tutorings = ensure_tutoring(cast, supervisors, projects, today)
        training = ensure_cross_training(cast, supervisors, communes[0], today)
        equipment = ensure_equipment(cast, supervisors, communes[0], today)
    ensure_public_site(cast, communes)
    return {
        "supervisors": len(supervisors),
        "placements": len(placements),
        "housing": len(housing),
        "installations": len(projects),
        "ads": len(ads),
        "tutorings": len(tutorings),
        "cross_training": training.pk if training else None,
        "equipment": len(equipment),
    }


def is_demo_message(callback) -> bool:
    """A message mission 6 queues on commit (an application's receipt, an ad to moderate) or the
    poll of a cross-training's meeting (`sending.on_commit` of one of their tasks)."""
    task = getattr(getattr(callback, "func", None), "__self__", None)
    return getattr(task, "module_path", "").startswith(("maillon.support.", "maillon.meetings."))


# --- Supervisors and placements ----------------------------------------------------------------


def ensure_supervisors(cast: Cast, today: datetime.date) -> dict[str, Supervisor]:
    """The first GP (the demo member account in its CPTS) takes every medical level, the second
    internes and docteurs juniors, a third (in a CPTS with many GPs) externes; the nurse nursing
    students, the pharmacist pharmacy students."""
    rng = cast.rng
    wanted = [("first_gp", cast.first_gp, [TraineeLevel.EXTERNAL, TraineeLevel.INTERN, TraineeLevel.JUNIOR_DOCTOR], 2)]
    if cast.second_gp is not None and cast.second_gp != cast.first_gp:
        wanted.append(("second_gp", cast.second_gp, [TraineeLevel.INTERN, TraineeLevel.JUNIOR_DOCTOR], 2))
    others = [gp for gp in cast.gps if gp not in (cast.first_gp, cast.second_gp)]
    if len(cast.gps) >= THIRD_GP_FROM and others:
        wanted.append(("third_gp", rng.choice(others), [TraineeLevel.EXTERNAL], 1))
    if cast.nurse is not None:
        wanted.append(("nurse", cast.nurse, [TraineeLevel.PARAMEDICAL], 2))
    if cast.pharmacist is not None:
        wanted.append(("pharmacist", cast.pharmacist, [TraineeLevel.PHARMACY], 2))
    school = NURSING_SCHOOLS.get(cast.cpts.slug, DEFAULT_NURSING_SCHOOL)
    supervisors = {}
    for index, (key, membership, levels, capacity) in enumerate(wanted):
        medical = key.endswith("_gp")
        accredited_on = days(today, -rng.randint(200, 1400))
        supervisor = Supervisor(
            cpts=cast.cpts,
            membership=membership,
            levels=[str(level) for level in levels],
            capacity=capacity,
            accreditation_number=(
                f"MSU-78-{accredited_on.year}-{rng.randint(10, 399):03d}"
                if medical
                else (f"MSO-{accredited_on.year}-{rng.randint(10, 99):02d}" if key == "pharmacist" else "")
            ),
            accredited_by=GP_ACCREDITATION if medical else (PHARMACY_ACCREDITATION if key == "pharmacist" else school),
            # Five years for the médecins' and pharmacists' accreditation; the school renews its places yearly.
            accredited_until=(
                accredited_on.replace(year=accredited_on.year + 5, day=min(accredited_on.day, 28))
                if key != "nurse"
                else datetime.date(today.year + 1, 8, 31)
            ),
        )
        supervisor.full_clean()
        supervisor.save()
        # Recorded by the coordination over the last two years, before the current semester's placements.
        recorded = max(membership.joined_on or accredited_on, days(today, -700 + 30 * index))
        backdate(Supervisor, supervisor.pk, created_at=at(min(recorded, days(semester_start(today), -100)), 10))
        supervisors[key] = supervisor
    return supervisors


def offer(cast, supervisor, level, start, end, description, created_on) -> Placement:
    placement = services.offer_placement(
        supervisor=supervisor,
        by=cast.coordinator,
        level=level,
        starts_on=start,
        ends_on=end,
        description=description,
    )
    backdate(Placement, placement.pk, created_at=at(created_on, 11))
    placement.refresh_from_db()
    return placement


def application(cast, placement, level, school, submitted_on, *, wished="", message=None, cpts=None):
    """An application sent from the public page (`services.apply`), dated."""
    first, last = cast.name()
    sent = services.apply(
        cpts=cpts or placement.cpts,
        placement=placement,
        first_name=first,
        last_name=last,
        email=student_email(first, last),
        phone=mobile(cast.rng),
        school=school,
        level=level,
        wished_period=wished,
        message=MESSAGES.get(level, "") if message is None else message,
    )
    backdate(PlacementApplication, sent.pk, submitted_at=at(submitted_on, cast.rng.randint(8, 22), 15))
    sent.refresh_from_db()
    return sent


def filled(cast, placement, level, school, submitted_on, *, rivals=0) -> Placement:
    """Filled the way the product fills it: an application accepted by the supervisor (or the
    coordination for them); the rival applications are declined « Stage pourvu » by the product."""
    chosen = application(cast, placement, level, school, submitted_on)
    for n in range(rivals):
        application(cast, placement, level, cast.rng.choice([*MEDICAL_SCHOOLS, school]), days(submitted_on, 2 + n))
    chosen.accept(by=cast.account(placement.supervisor.membership))
    decided = at(days(submitted_on, 12), 18)
    backdate(PlacementApplication, chosen.pk, decided_at=decided)
    placement.applications.exclude(pk=chosen.pk).update(decided_at=decided)
    placement.refresh_from_db()
    return placement


def gp_description(commune: Commune, colleagues: int) -> str:
    return (
        f"Cabinet de groupe {at_commune(commune.name)} ({colleagues} médecins généralistes, secrétariat sur place) : "
        "consultations et visites à domicile, une demi-journée par semaine en EHPAD, participation aux "
        "concertations pluriprofessionnelles de la CPTS."
    )


def ensure_placements(cast: Cast, supervisors, main: Commune, today: datetime.date) -> dict[str, Placement]:
    """The current semester's placements filled, the next one's open with applications received."""
    current_start, current_end = semester(semester_start(today))
    next_start, next_end = semester(following_start(current_start))
    before_current = days(current_start, -75)
    recent = max(days(today, -20), days(current_start, 1))
    medical_school = cast.rng.choice(MEDICAL_SCHOOLS)
    placements = {}

    first = supervisors["first_gp"]
    commune = practice_commune(first.membership, main)
    placements["first_current"] = filled(
        cast,
        offer(cast, first, TraineeLevel.INTERN, current_start, current_end, gp_description(commune, 3), before_current),
        TraineeLevel.INTERN,
        medical_school,
        days(before_current, 10),
    )
    placements["first_next"] = offer(
        cast, first, TraineeLevel.JUNIOR_DOCTOR, next_start, next_end, gp_description(commune, 3), recent
    )
    for n in range(2):
        application(
            cast,
            placements["first_next"],
            TraineeLevel.JUNIOR_DOCTOR,
            cast.rng.choice(MEDICAL_SCHOOLS),
            days(today, -9 + 5 * n),
            wished=semester_label(next_start),
        )

    if "second_gp" in supervisors:
        second = supervisors["second_gp"]
        commune = practice_commune(second.membership, main)
        placements["second_current"] = filled(
            cast,
            offer(
                cast,
                second,
                TraineeLevel.JUNIOR_DOCTOR,
                current_start,
                current_end,
                gp_description(commune, 2),
                days(before_current, -20),
            ),
            TraineeLevel.JUNIOR_DOCTOR,
            cast.rng.choice(MEDICAL_SCHOOLS),
            days(before_current, 5),
            rivals=1,
        )
        placements["second_next"] = offer(
            cast, second, TraineeLevel.INTERN, next_start, next_end, gp_description(commune, 2), recent
        )
        application(
            cast,
            placements["second_next"],
            TraineeLevel.INTERN,
            cast.rng.choice(MEDICAL_SCHOOLS),
            days(today, -3),
            wished=semester_label(next_start),
        )

    if "third_gp" in supervisors:
        third = supervisors["third_gp"]
        commune = practice_commune(third.membership, main)
        start = monday_after(days(next_start, 7))
        placements["third_next"] = offer(
            cast,
            third,
            TraineeLevel.EXTERNAL,
            start,
            days(start, 7 * 12 - 3),
            "Stage d'externe de médecine générale (trois mois, à mi-temps) dans un cabinet "
            f"{at_commune(commune.name)} : consultations supervisées, suivi des patients chroniques.",
            recent,
        )

    if "nurse" in supervisors:
        nurse = supervisors["nurse"]
        commune = practice_commune(nurse.membership, main)
        school = NURSING_SCHOOLS.get(cast.cpts.slug, DEFAULT_NURSING_SCHOOL)
        description = (
            f"Cabinet infirmier libéral {at_commune(commune.name)} : tournées de soins à domicile, pansements "
            "complexes, suivi des patients diabétiques, liens avec les médecins traitants et la pharmacie."
        )
        start = monday_after(days(today, -24))
        placements["nurse_current"] = filled(
            cast,
            offer(
                cast,
                nurse,
                TraineeLevel.PARAMEDICAL,
                start,
                days(start, 7 * NURSING_WEEKS - 3),
                description,
                days(start, -60),
            ),
            TraineeLevel.PARAMEDICAL,
            school,
            days(start, -50),
        )
        later = monday_after(days(placements["nurse_current"].ends_on, 28))
        placements["nurse_next"] = offer(
            cast, nurse, TraineeLevel.PARAMEDICAL, later, days(later, 7 * NURSING_WEEKS - 3), description, recent
        )
        application(cast, placements["nurse_next"], TraineeLevel.PARAMEDICAL, school, days(today, -6))

    if "pharmacist" in supervisors:
        pharmacist = supervisors["pharmacist"]
        commune = practice_commune(pharmacist.membership, main)
        description = (
            f"Officine {at_commune(commune.name)} : dispensation, entretiens pharmaceutiques, vaccination, "
            "préparation des doses à administrer ; participation aux actions de prévention de la CPTS."
        )
        start = monday_after(days(today, 30))
        placements["pharmacy_current"] = filled(
            cast,
            offer(
                cast,
                pharmacist,
                TraineeLevel.PHARMACY,
                start,
                days(start, 7 * PHARMACY_WEEKS - 3),
                f"Stage de pratique professionnelle en officine (6e année). {description}",
                days(today, -80),
            ),
            TraineeLevel.PHARMACY,
            cast.rng.choice(PHARMACY_SCHOOLS),
            days(today, -70),
        )
        summer = monday_after(days(placements["pharmacy_current"].ends_on, 1))
        placements["pharmacy_next"] = offer(
            cast,
            pharmacist,
            TraineeLevel.PHARMACY,
            summer,
            days(summer, 7 * 6 - 3),
            f"Stage d'initiation officinale (six semaines). {description}",
            recent,
        )
        application(
            cast,
            placements["pharmacy_next"],
            TraineeLevel.PHARMACY,
            cast.rng.choice(PHARMACY_SCHOOLS),
            days(today, -2),
            message=(
                "En deuxième année de pharmacie, je cherche une officine pour mon stage d'initiation "
                "de l'été, près de chez mes parents."
            ),
        )

    # A spontaneous application (no placement): the coordination finds the supervisor.
    application(
        cast,
        None,
        TraineeLevel.EXTERNAL,
        cast.rng.choice(MEDICAL_SCHOOLS),
        days(today, -4),
        wished=semester_label(next_start),
        cpts=cast.cpts,
    )
    return placements


# --- Housing -----------------------------------------------------------------------------------


def msp_in(cpts: Cpts, communes: list[Commune]) -> Structure | None:
    """A maison de santé adherent of the CPTS in one of `communes` (the last ones first)."""
    msps = list(
        Structure.objects.filter(
            kind=StructureKind.MSP,
            commune__in=communes,
            memberships__cpts=cpts,
            memberships__status=MembershipStatus.ACTIVE,
        ).order_by("pk")
    )
    order = {commune.pk: index for index, commune in enumerate(communes)}
    return max(msps, key=lambda msp: (order[msp.commune_id], -msp.pk), default=None)


def book(cast, housing, arrives_on, leaves_on, occupant, placement=None, note="") -> object:
    return services.book_housing(
        housing=housing,
        by=cast.coordinator,
        arrives_on=arrives_on,
        leaves_on=leaves_on,
        occupant_name=occupant,
        placement=placement,
        note=note,
    )


def ensure_housing(cast: Cast, placements, communes: list[Commune], today: datetime.date) -> list[Housing]:
    """The interns' flat lent by the town hall of the main commune (three rooms) and the studio of
    a maison de santé (else of the smallest commune's town hall; one room), booked without double
    booking."""
    main, rural = communes[0], communes[-1]
    rng = cast.rng
    msp = msp_in(cast.cpts, communes)
    flat = Housing(
        cpts=cast.cpts,
        name=f"Appartement des internes — {main.name}",
        commune=main,
        address=street_address(rng),
        rooms=3,
        description=(
            "Appartement meublé de trois chambres, cuisine et séjour partagés, à dix minutes à pied de la gare. "
            "Linge de lit fourni, internet compris."
        ),
        host=f"Mairie {of_commune(main.name)}",
        contact=f"Service logement de la mairie, 01 99 00 {rng.randrange(100):02d} {rng.randrange(100):02d}",
        monthly_rent=Decimal("150.00"),
    )
    studio = Housing(
        cpts=cast.cpts,
        name=f"Studio de la maison de santé — {msp.commune.name}" if msp else f"Studio communal — {rural.name}",
        commune=msp.commune if msp else rural,
        address=msp.address if msp and msp.address else street_address(rng),
        rooms=1,
        description=(
            f"Studio meublé de 24 m² au-dessus {'de la maison de santé' if msp else 'de la mairie'}, prêté "
            "gratuitement aux stagiaires et aux internes qui exercent sur le territoire."
        ),
        host=msp.name if msp else f"Mairie {of_commune(rural.name)}",
        contact=f"Coordination de la CPTS, {cast.cpts.phone or cast.cpts.email}",
    )
    for housing in (flat, studio):
        housing.full_clean()
        housing.save()
        backdate(Housing, housing.pk, created_at=at(days(today, -500), 9))

    current_start = semester_start(today)
    previous_start = semester_start(days(current_start, -1))
    first, last = cast.name()
    book(cast, flat, previous_start, current_start, f"{first} {last}", note="Interne du semestre précédent.")
    for key in ("first_current", "nurse_current", "pharmacy_current"):
        placement = placements.get(key)
        if placement is not None:
            arrives = placement.starts_on if key == "first_current" else days(placement.starts_on, -1)
            book(cast, flat, arrives, days(placement.ends_on, 1), placement.trainee_name, placement)
    nurse_student = placements.get("nurse_current")
    if nurse_student is not None:
        # Asked for first, then given up: the student took a room of the flat, nearer the station.
        given_up = book(
            cast, studio, days(nurse_student.starts_on, -1), days(nurse_student.ends_on, 1), nurse_student.trainee_name
        )
        given_up.cancel(by=cast.coordinator, note="Séjour reporté à l'appartement des internes, plus près de la gare.")
    junior = placements.get("second_current")
    if junior is not None:
        book(
            cast,
            studio,
            junior.starts_on,
            days(junior.starts_on, 7 * 13),
            junior.trainee_name,
            junior,
            note="Le temps de trouver un appartement pour le semestre.",
        )
    return [flat, studio]


# --- Installation ------------------------------------------------------------------------------


def ensure_installations(cast: Cast, supervisors, communes: list[Commune], today: datetime.date):
    """One project settled (the professional joined the CPTS since), one whose wished date is
    within 60 days, one just started in the smallest commune."""
    rng, coordinator = cast.rng, cast.coordinator
    taken = {supervisor.membership_id for supervisor in supervisors.values()}
    settling = Q(professional__profession=Profession.MEDECIN, professional__specialty=Specialty.GENERAL_PRACTICE) | Q(
        professional__profession__in=[Profession.MASSEUR_KINESITHERAPEUTE, Profession.SAGE_FEMME]
    )
    newcomers = [
        membership
        for membership in cast.active.filter(settling, professional__user__isnull=True)
        if membership.pk not in taken and membership.joined_on
    ]
    projects = []
    if newcomers:
        joined = max(newcomers, key=lambda membership: (membership.joined_on, membership.pk))
        projects.append(settled_project(cast, joined, communes[0], today))
    first, last = cast.name()
    wished = (days(today, 30).replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    soon = services.start_installation(
        cpts=cast.cpts,
        by=coordinator,
        first_name=first,
        last_name=last,
        profession=Profession.INFIRMIER,
        email=f"{ascii_slug(first)}.{ascii_slug(last)}@{EMAIL_DOMAIN}",
        phone=mobile(rng),
        commune=communes[min(1, len(communes) - 1)],
        wished_on=wished if (wished - today).days <= 60 else days(today, 45),
        notes=(
            "Huit ans d'exercice infirmier à l'hôpital avant l'installation en libéral. Cherche un cabinet partagé et "
            "le relais de tournées ; a besoin de contacts de médecins traitants qui acceptent de nouveaux patients."
        ),
    )
    backdate(InstallationProject, soon.pk, created_at=at(days(today, -120), 14))
    record(
        soon,
        {
            InstallationStepKind.PREMISES: (
                days(today, -40),
                "Local partagé avec deux infirmières, bail signé au 1er du mois prochain.",
            ),
            InstallationStepKind.ADMINISTRATIVE: (
                days(today, -12),
                "Inscription à l'Ordre faite, conventionnement avec la CPAM en cours ; zone sous-dotée : aide à "
                "l'installation demandée.",
            ),
            InstallationStepKind.PATIENT_BASE: (
                None,
                "Rencontre avec les médecins de la commune, qui adresseront des patients.",
            ),
        },
        coordinator,
    )
    projects.append(soon)

    rural = communes[-1]
    first, last = cast.name()
    _, next_end = semester(following_start(semester_start(today)))
    starting = services.start_installation(
        cpts=cast.cpts,
        by=coordinator,
        first_name=first,
        last_name=last,
        profession=Profession.MEDECIN,
        email=f"{ascii_slug(first)}.{ascii_slug(last)}@{EMAIL_DOMAIN}",
        phone=mobile(rng),
        commune=rural,
        wished_on=days(next_end, 1),
        notes=(
            "Docteur junior en médecine générale, finit sa quatrième année au prochain semestre et veut "
            f"s'installer {at_commune(rural.name)} ; l'exercice coordonné en maison de santé l'intéresse."
        ),
    )
    backdate(InstallationProject, starting.pk, created_at=at(days(today, -21), 17))
    record(
        starting,
        {
            InstallationStepKind.COLLEAGUES: (
                days(today, -7),
                "Rencontre avec les médecins et la pharmacie du secteur.",
            ),
            InstallationStepKind.PREMISES: (None, "Un cabinet pourrait se libérer dans la commune à l'automne."),
        },
        coordinator,
    )
    projects.append(starting)
    return projects


def record(project, steps: dict, by) -> None:
    for step in project.steps.all():
        if step.kind in steps:
            done_on, note = steps[step.kind]
            step.record(done_on=done_on, note=note, by=by)


def settled_project(cast: Cast, membership: Membership, main: Commune, today: datetime.date) -> InstallationProject:
    """The newest adherent settled with the coordination's help: every step done, then settled."""
    professional = membership.professional
    settled_on = min(days(membership.joined_on, -21), days(today, -SETTLED_DAYS_AGO))
    opened = days(settled_on, -240)
    project = services.start_installation(
        cpts=cast.cpts,
        by=cast.coordinator,
        first_name=professional.first_name,
        last_name=professional.last_name,
        profession=professional.profession,
        email=professional.email,
        phone=professional.phone,
        commune=practice_commune(membership, main),
        wished_on=days(settled_on, -30),
        membership=membership,
        notes=(
            "Installation après un an de remplacements sur le territoire ; adhésion à la CPTS quelques mois plus tard."
        ),
    )
    backdate(InstallationProject, project.pk, created_at=at(opened, 10))
    record(
        project,
        {
            InstallationStepKind.PREMISES: (days(opened, 60), "Reprise du cabinet d'un confrère parti à la retraite."),
            InstallationStepKind.COLLEAGUES: (
                days(opened, 90),
                "Soirée de présentation aux confrères de la CPTS.",
            ),
            InstallationStepKind.ADMINISTRATIVE: (days(opened, 150), "Ordre, CPAM et URSSAF : tout est fait."),
            InstallationStepKind.PATIENT_BASE: (settled_on, "Patientèle du confrère reprise, agenda ouvert en ligne."),
        },
        cast.coordinator,
    )
    project.refresh_from_db()
    project.settle(by=cast.coordinator, on=settled_on)
    backdate(InstallationProject, project.pk, closed_on=min(days(settled_on, 3), today))
    project.refresh_from_db()
    return project


# --- Ads ---------------------------------------------------------------------------------------


def ad_dates(ad, today, *, created, published=None, filled=None, expires=None):
    fields = {"created_at": at(days(today, -created), 9, 30)}
    if published is not None:
        fields["published_on"] = days(today, -published)
    if filled is not None:
        fields["filled_on"] = days(today, -filled)
    if expires is not None:
        fields["expires_on"] = days(today, expires)
    backdate(Ad, ad.pk, **fields)


def ensure_ads(cast: Cast, communes: list[Commune], outside: list[Commune], today: datetime.date) -> list[Ad]:
    """Every kind of ad: the coordination's published at once, the members' through moderation
    (two waiting, one refused, one published and now expired), one filled; two in communes no
    CPTS covers."""
    cpts, coordinator, rng = cast.cpts, cast.coordinator, cast.rng
    main = communes[0]
    other = communes[min(1, len(communes) - 1)]
    rural = communes[-1]
    away = outside[0] if outside else rural
    away_too = outside[-1] if outside else other
    member = cast.writer("member") or coordinator
    kine = cast.writer("kine") or member
    pharma = cast.writer("pharma") or member
    retiring = rng.choice([gp for gp in cast.gps if gp not in (cast.first_gp, cast.second_gp)] or cast.gps)
    ads = []

    def submit(by, **fields):
        ad = services.submit_ad(cpts=cpts, by=by, **fields)
        ads.append(ad)
        return ad

    sale = submit(
        coordinator,
        kind=AdKind.PRACTICE_SALE,
        title=f"Cession de patientèle de médecine générale {at_commune(practice_commune(retiring, main).name)}",
        description=(
            f"Départ à la retraite dans six mois du Dr {retiring.professional.last_name}, qui cherche à qui confier "
            "sa patientèle : environ 1 300 patients « médecin traitant », cabinet de groupe avec deux confrères, "
            "secrétariat partagé. Présentation de la patientèle et accompagnement possibles pendant trois mois."
        ),
        profession=Profession.MEDECIN,
        commune=practice_commune(retiring, main),
        starts_on=days(today, 180),
        contact_name=f"Dr {full_name(retiring)}",
        contact_email=retiring.professional.email or cpts.email or f"contact@{cpts.slug}.{EMAIL_DOMAIN}",
        contact_phone=retiring.professional.phone,
        expires_on=days(today, 200),
    )
    ad_dates(sale, today, created=24, published=24)
    premises = submit(
        coordinator,
        kind=AdKind.PREMISES,
        title=f"Local professionnel de 45 m² {at_commune(other.name)}",
        description=(
            "Cabinet de 45 m² en rez-de-chaussée d'un pôle de santé communal, accessible aux personnes à mobilité "
            "réduite : salle d'attente et secrétariat partagés, parking. Pour un kinésithérapeute, une sage-femme "
            "ou un médecin."
        ),
        profession=Profession.MASSEUR_KINESITHERAPEUTE,
        commune=other,
        starts_on=days(today, 60),
        contact_name=f"Mairie {of_commune(other.name)}",
        contact_email=f"urbanisme@mairie-{ascii_slug(other.name)}.{EMAIL_DOMAIN}",
        expires_on=days(today, 120),
    )
    ad_dates(premises, today, created=10, published=10)
    housing = submit(
        coordinator,
        kind=AdKind.INTERN_HOUSING,
        title=f"Chambre meublée chez l'habitant pour un interne {at_commune(away.name)}",
        description=(
            "Chambre meublée avec salle d'eau dans une maison, cuisine partagée, pour un interne ou un étudiant "
            "en stage dans le secteur. 250 € par mois charges comprises."
        ),
        profession=Profession.MEDECIN,
        commune=away,
        contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        contact_phone=mobile(rng),
        expires_on=days(today, 90),
    )
    ad_dates(housing, today, created=15, published=15)
    salaried = submit(
        coordinator,
        kind=AdKind.SALARIED,
        title="Infirmier (H/F) salarié au service de soins infirmiers à domicile",
        description=(
            "Poste à temps plein au SSIAD du territoire : soins à domicile auprès de personnes âgées, travail en "
            "lien avec les infirmiers libéraux et les médecins traitants. Un week-end sur trois."
        ),
        profession=Profession.INFIRMIER,
        commune=main,
        starts_on=days(today, -5),
        contact_name="Direction du SSIAD",
        contact_email=f"recrutement.ssiad@{EMAIL_DOMAIN}",
        expires_on=days(today, 40),
    )
    salaried.fill(by=coordinator)
    ad_dates(salaried, today, created=52, published=52, filled=8)

    replacement = submit(
        member,
        kind=AdKind.REPLACEMENT,
        title="Remplacements réguliers de médecine générale, le jeudi et un samedi matin sur deux",
        description=(
            "Cabinet de groupe informatisé, patientèle variée, visites à domicile limitées. Rétrocession à 75 %. "
            "Remplaçant(e) thésé(e) ou avec licence de remplacement."
        ),
        profession=Profession.MEDECIN,
        commune=practice_commune(cast.first_gp, main),
        starts_on=days(today, 30),
        contact_name=member.get_full_name() if member != coordinator else f"Dr {full_name(cast.first_gp)}",
        contact_email=member.email if member != coordinator else cast.first_gp.professional.email,
        expires_on=days(today, 75),
    )
    ad_dates(replacement, today, created=2)
    collaboration = submit(
        kine,
        kind=AdKind.COLLABORATION,
        title=f"Cabinet de kinésithérapie cherche collaborateur (H/F) {at_commune(away_too.name)}",
        description=(
            "Cabinet de trois kinésithérapeutes, plateau technique, patientèle orthopédique et respiratoire. "
            "Collaboration à 70 %, possibilité d'association après un an."
        ),
        profession=Profession.MASSEUR_KINESITHERAPEUTE,
        commune=away_too,
        contact_name=kine.get_full_name(),
        contact_email=kine.email,
        expires_on=days(today, 100),
    )
    ad_dates(collaboration, today, created=4)
    if member != coordinator:
        refused(cast, member, practice_commune(cast.first_gp, main), today, submit)
    summer = submit(
        pharma,
        kind=AdKind.REPLACEMENT,
        title="Remplacement en officine pendant les congés du titulaire",
        description=(
            "Pharmacie de centre-ville, équipe de quatre personnes, robot de dispensation. Remplacement de trois "
            "semaines, logement possible."
        ),
        profession=Profession.PHARMACIEN,
        commune=rural,
        starts_on=days(today, 10),
        ends_on=days(today, 31),
        contact_name=pharma.get_full_name(),
        contact_email=pharma.email,
        expires_on=days(today, 20),
    )
    if summer.status == "submitted":
        summer.publish(by=coordinator)
    # Published three months ago for last season's holidays: expired since.
    backdate(Ad, summer.pk, starts_on=days(today, -60), ends_on=days(today, -39))
    ad_dates(summer, today, created=100, published=98, expires=-12)
    for ad in ads:
        ad.refresh_from_db()
    return ads


def refused(cast, member, commune, today, submit) -> None:
    """A member's ad too vague to publish, refused with the reason."""
    vague = submit(
        member,
        kind=AdKind.COLLABORATION,
        title="Cherche associé",
        description="Cabinet cherche associé. Me contacter.",
        profession=Profession.MEDECIN,
        commune=commune,
        contact_name=member.get_full_name(),
        contact_email=member.email,
        expires_on=days(today, 50),
    )
    vague.refuse(
        by=cast.coordinator,
        note=(
            "Décrivez le cabinet (nombre de praticiens, secrétariat, patientèle) et l'exercice proposé, puis "
            "déposez une nouvelle annonce."
        ),
    )
    ad_dates(vague, today, created=6)


# --- Peer help ---------------------------------------------------------------------------------


def ensure_tutoring(cast: Cast, supervisors, projects, today: datetime.date) -> list[Tutoring]:
    """The settled professional's tutor through their first months (ended), and the first GP
    tutoring the young doctor who has just started a project (under way)."""
    tutorings = []
    settled = next((project for project in projects if project.membership_id), None)
    starting = projects[-1]
    if settled is not None:
        peers = list(cast.active.filter(professional__profession=settled.profession).exclude(pk=settled.membership_id))
        # A supervisor of the same profession (the last recorded first), else the first adherent of it.
        tutor = next((s.membership for s in reversed(list(supervisors.values())) if s.membership in peers), None) or (
            peers[0] if peers else None
        )
        if tutor is not None:
            started = days(settled.settled_on, -30)
            pair = save_tutoring(
                cast,
                tutor=tutor,
                tutee_membership=settled.membership,
                installation=settled,
                topic="Premiers mois d'installation : organisation du cabinet, correspondants, permanence de soins.",
                started_on=started,
            )
            pair.end(by=cast.coordinator, on=min(days(started, TUTORING_DAYS), today))
            tutorings.append(pair)
    tutorings.append(
        save_tutoring(
            cast,
            tutor=cast.first_gp,
            tutee_name=starting.name,
            installation=starting,
            topic="Préparer l'installation : choix du local, conventionnement, premiers correspondants.",
            started_on=days(today, -18),
        )
    )
    return tutorings


def save_tutoring(cast: Cast, **fields) -> Tutoring:
    pair = Tutoring(cpts=cast.cpts, **fields)
    pair.full_clean()
    pair.save()
    return pair


def ensure_cross_training(cast: Cast, supervisors, main: Commune, today: datetime.date):
    """The pharmacist teaches nurses, GPs and physiotherapists the inhalers; its date polled."""
    pharmacist = supervisors.get("pharmacist")
    if pharmacist is None:
        return None
    msp = msp_in(cast.cpts, [main])
    slots = []
    for offset in (22, 24, 29):
        start = at(weekday(days(today, offset)), 20)
        slots.append((start, start + datetime.timedelta(minutes=90)))
    return services.plan_cross_training(
        cpts=cast.cpts,
        by=cast.coordinator,
        title="Les dispositifs d'inhalation : bien les expliquer aux patients",
        description=(
            f"Animée par {full_name(pharmacist.membership)}, de l'officine qui accueille nos étudiants en pharmacie : "
            "aérosols doseurs, chambres d'inhalation et inhalateurs de poudre, les erreurs les plus fréquentes et "
            "comment vérifier la technique du patient en deux minutes. Apportez vos questions."
        ),
        trainer=pharmacist.membership,
        audience=[Profession.INFIRMIER, Profession.MEDECIN, Profession.MASSEUR_KINESITHERAPEUTE],
        slots=slots,
        place=f"Salle de réunion, {msp.name}" if msp else f"Salle de réunion de la CPTS, {main.name}",
    )


def ensure_equipment(cast: Cast, supervisors, main: Commune, today: datetime.date) -> list[Equipment]:
    """An ECG kept by the second GP and a doppler kept by the nurse, booked in the coming days
    (the first GP — the demo member account in its CPTS — tomorrow)."""
    keeper = (supervisors.get("second_gp") or supervisors["first_gp"]).membership
    nurse = supervisors.get("nurse")
    holder = nurse.membership if nurse is not None else keeper
    ecg = Equipment(
        cpts=cast.cpts,
        name="ECG portable 12 dérivations",
        kind=EquipmentKind.ECG,
        description="Électrocardiographe portable avec interprétation automatique, sacoche et électrodes.",
        location=f"Chez {full_name(keeper)}, {practice_address(keeper, main)}",
        holder=keeper,
    )
    doppler = Equipment(
        cpts=cast.cpts,
        name="Doppler de poche 8 MHz",
        kind=EquipmentKind.DOPPLER,
        description="Pour mesurer l'index de pression systolique (IPS) au cabinet ou à domicile ; gel fourni.",
        location=f"Chez {full_name(holder)}, {practice_address(holder, main)}",
        holder=holder,
    )
    for item in (ecg, doppler):
        item.full_clean()
        item.save()
        backdate(Equipment, item.pk, created_at=at(days(today, -300), 10))

    def lend(equipment, membership, day, start, end, purpose):
        services.book_equipment(
            equipment=equipment,
            membership=membership,
            by=cast.account(membership),
            starts_at=at(day, *start),
            ends_at=at(day, *end),
            purpose=purpose,
        )

    tomorrow = weekday(days(today, 1))
    lend(ecg, cast.first_gp, tomorrow, (8, 30), (12, 30), "ECG annuels des patients diabétiques suivis au cabinet")
    others = [gp for gp in cast.gps if gp not in (cast.first_gp, keeper)] or [keeper]
    lend(ecg, cast.rng.choice(others), weekday(days(tomorrow, 2)), (9, 0), (18, 0), "Bilans en visite à domicile")
    lend(
        doppler,
        keeper if holder != keeper else cast.first_gp,
        weekday(days(today, 2)),
        (14, 0),
        (17, 0),
        "Dépistage de l'artériopathie des membres inférieurs",
    )
    return [ecg, doppler]


# --- The public page ---------------------------------------------------------------------------


def ensure_public_site(cast: Cast, communes: list[Commune]) -> PublicSite | None:
    cpts = cast.cpts
    if PublicSite.objects.filter(cpts=cpts).exists():
        return None
    main = communes[0]
    site = PublicSite(
        cpts=cpts,
        intro=(
            f"La {cpts.name} réunit les professionnels de santé de ville, les structures de soins et les usagers "
            f"de {len(communes)} communes autour {of_commune(main.name)}. Ensemble, nous aidons chacun à trouver "
            "un médecin traitant, organisons les soins non programmés, coordonnons les parcours des patients "
            "fragiles et accueillons les jeunes professionnels qui veulent se former ou s'installer sur le territoire."
        ),
        patient_phone=cpts.phone,
        patient_email=cpts.email,
        patient_hours="Du lundi au vendredi, de 9 h à 12 h 30 et de 14 h à 17 h 30",
        join_text=(
            "Vous exercez sur le territoire, en libéral, en centre ou en maison de santé ? L'adhésion est ouverte "
            "à tous les professionnels de santé et aux structures de soins. Remplissez la demande d'adhésion en "
            "ligne : la coordination vous répond sous quinze jours et vous présente les groupes de travail."
        ),
        show_ads=True,
        updated_by=cast.coordinator,
    )
    site.full_clean()
    site.save()
    return site
