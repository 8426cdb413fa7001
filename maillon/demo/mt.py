"""The médecin traitant desk of each demo CPTS at « ACI signé »: a waiting list, volunteer
doctors, one past run of the engine and a few proposals along the workflow.

Deterministic (a random generator seeded by the demo seed and the CPTS), dated relative to
`today`, and idempotent: a CPTS that already has patients is left alone. Patients are
written with `bulk_create` (the identity key filled here, as `Patient.save` does) to keep
the demo load fast; the rest goes through the models and services.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from maillon.core.models import Cpts, CptsStatus, User
from maillon.members.models import Membership
from maillon.members.professions import Profession, Specialty
from maillon.mt import services
from maillon.mt.models import (
    Channel,
    DoctorOffer,
    Patient,
    Proposal,
    ProposalStatus,
    Trait,
    identity_key,
)
from maillon.territories.models import TerritoryCommune

LAST_NAMES = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefèvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martinez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Roger",
    "Fabre",
    "Aubert",
    "Lemoine",
    "Renaud",
    "Dumas",
]
FEMALE_FIRST_NAMES = [
    "Jeanne",
    "Marie",
    "Louise",
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Emma",
    "Inès",
    "Sarah",
    "Julie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Monique",
    "Françoise",
    "Odile",
    "Hélène",
    "Claire",
    "Anne",
    "Sophie",
    "Aïcha",
    "Fatima",
    "Yasmine",
    "Lucie",
    "Alice",
    "Jade",
    "Rose",
    "Agnès",
]
MALE_FIRST_NAMES = [
    "Jean",
    "Pierre",
    "Michel",
    "André",
    "Philippe",
    "Alain",
    "Bernard",
    "Jacques",
    "Daniel",
    "Patrick",
    "Nicolas",
    "Thomas",
    "Lucas",
    "Hugo",
    "Louis",
    "Gabriel",
    "Arthur",
    "Paul",
    "Karim",
    "Mehdi",
    "Youssef",
    "Antoine",
    "Julien",
    "Olivier",
    "Christophe",
    "Laurent",
    "Marc",
    "Éric",
    "Henri",
    "Noé",
]
FIRST_NAMES = FEMALE_FIRST_NAMES + MALE_FIRST_NAMES
MONTHS_OF_REGISTRATIONS = 18
# Of the women of child-bearing age on the list, the share who declare a pregnancy.
PREGNANT_SHARE = 0.12
PREGNANCY_AGES = range(18, 45)


def has_aci(cpts: Cpts) -> bool:
    return cpts.status == CptsStatus.ACI_SIGNED and not cpts.is_dissolved


def waiting_list_size(population: int) -> int:
    """A few hundred: about 0.5 % of the inhabitants, between 120 and 900."""
    return max(120, min(900, population // 200))


@transaction.atomic
def ensure_desk(cpts: Cpts, coordinator: User, *, seed: int, today: datetime.date) -> dict | None:
    """Patients, offers, one run and a few moved proposals; None when left alone."""
    if not has_aci(cpts) or Patient.objects.for_cpts(cpts).exists():
        return None
    communes = [
        row.commune
        for row in TerritoryCommune.objects.current()
        .for_cpts(cpts)
        .filter(commune__latitude__isnull=False, commune__longitude__isnull=False)
        .select_related("commune")
        .order_by("commune__code")
    ]
    if not communes:
        return None
    rng = random.Random(f"{seed}:mt:{cpts.slug}")
    now = min(timezone.now(), timezone.make_aware(datetime.datetime.combine(today, datetime.time(9, 0))))
    patients = make_patients(cpts, communes, coordinator, rng, now)
    offers = make_offers(cpts, communes, rng, now)
    run = None
    if offers:
        run = services.propose(cpts, by=coordinator, now=now - datetime.timedelta(days=6))
        move_some(run, coordinator, rng)
    return {"patients": len(patients), "offers": len(offers), "proposals": run.proposals_made if run else 0}


def birth_date(rng: random.Random, today: datetime.date) -> datetime.date:
    band = rng.random()
    if band < 0.12:
        age = rng.randint(0, 17)
    elif band < 0.75:
        age = rng.randint(18, 69)
    else:
        age = rng.randint(70, 95)  # about a quarter 70+
    return today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))


def make_patients(cpts, communes, coordinator, rng, now) -> list[Patient]:
    total = sum(commune.population for commune in communes)
    size = waiting_list_size(total)
    weights = [max(commune.population, 1) for commune in communes]
    seen = set()
    patients = []
    while len(patients) < size:
        last_name, first_name = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
        born = birth_date(rng, now.date())
        identity = identity_key(last_name, first_name, born)
        if identity in seen:
            continue
        seen.add(identity)
        number = len(patients) + 1
        registered_at = now - datetime.timedelta(
            days=rng.randint(0, MONTHS_OF_REGISTRATIONS * 30), minutes=rng.randint(0, 600)
        )
        channel = rng.choices([Channel.SELF, Channel.COORDINATOR, Channel.CPAM], weights=[60, 15, 25])[0]
        with_email = rng.random() < 0.7
        ald = rng.random() < 0.10
        patient = Patient(
            cpts=cpts,
            last_name=last_name,
            first_name=first_name,
            birth_date=born,
            commune=rng.choices(communes, weights=weights)[0],
            email=f"patient{number}.{cpts.slug}@demo.invalid" if with_email else "",
            phone="" if with_email and rng.random() < 0.5 else demo_phone(number, rng),
            ald=ald,
            c2s=rng.random() < (0.25 if ald else 0.08),
            pregnancy=rng.random() < PREGNANT_SHARE,  # kept only for a woman of child-bearing age, below
            disability=rng.random() < 0.04,
            mt_retired=rng.random() < 0.30,
            consent_at=registered_at,
            channel=channel,
            registered_by=None if channel == Channel.SELF else coordinator,
            registered_at=registered_at,
        )
        # A registration carries no sex: a pregnancy is declared by a woman (her first name)
        # of child-bearing age on the day she registers.
        age = patient.age_on(timezone.localtime(registered_at).date())
        patient.pregnancy = patient.pregnancy and first_name in FEMALE_FIRST_NAMES and age in PREGNANCY_AGES
        patient.identity = identity  # as Patient.save does
        patients.append(patient)
    return Patient.objects.bulk_create(patients, batch_size=500)


def demo_phone(number: int, rng: random.Random) -> str:
    return f"06 {number // 10000 % 100:02d} {number // 100 % 100:02d} {number % 100:02d} {rng.randint(10, 99)}"


def make_offers(cpts, communes, rng, now) -> list[DoctorOffer]:
    """About a quarter of the active member general practitioners volunteer."""
    doctors = [
        membership.professional
        for membership in Membership.objects.for_cpts(cpts)
        .active()
        .filter(professional__profession=Profession.MEDECIN, professional__specialty=Specialty.GENERAL_PRACTICE)
        .select_related("professional")
        .order_by("professional_id")
    ]
    if not doctors:
        return []
    volunteers = sorted(rng.sample(doctors, max(1, round(len(doctors) * 0.25))), key=lambda doctor: doctor.pk)
    offers = []
    for doctor in volunteers:
        refuses = rng.choice([[], [], [], [Trait.CHILD], [Trait.PREGNANCY]])
        offer = DoctorOffer.objects.create(
            cpts=cpts,
            doctor=doctor,
            places_per_month=rng.randint(1, 5),
            radius_km=rng.randint(5, 15),
            refuses=[str(value) for value in refuses],
            created_at=now - datetime.timedelta(days=rng.randint(10, 300)),
        )
        if not doctor.practice_places.exists():
            offer.communes.set([rng.choice(communes)])  # where the doctor practises, for the engine
        offers.append(offer)
    return offers


def move_some(run, coordinator, rng):
    """Move the run's proposals along: some declared, accepted or refused; the rest still wait."""
    for proposal in Proposal.objects.filter(run=run).order_by("pk"):
        draw = rng.random()
        if draw < 0.25:
            steps = [ProposalStatus.ACCEPTED, ProposalStatus.INFORMED, ProposalStatus.DECLARED]
        elif draw < 0.40:
            steps = [ProposalStatus.ACCEPTED]
        elif draw < 0.50:
            steps = [ProposalStatus.REFUSED_BY_DOCTOR]
        elif draw < 0.55:
            steps = [ProposalStatus.ACCEPTED, ProposalStatus.REFUSED_BY_PATIENT]
        else:
            continue
        for step in steps:
            proposal = proposal.move(step, by=coordinator)
