"""The demo's members: collèges, professionals and structures of each demo CPTS.

Professions follow the national mix of CPTS adherents (DOMAIN.md §6): each CPTS gets
40 to 150 members depending on its population, split over the categories of the
national table by largest remainders, so every large category is present and the
shares stay close to the national ones. Members practise in the communes of the
CPTS (the more populated, the more members), with valid and unique RPPS, ADELI,
FINESS or SIRET numbers taken from ranges kept for the demo.

Deterministic (one random generator per CPTS, from the seed) and idempotent:
professionals and structures are found again by their number, adhesions by member
and CPTS, cotisations by adhesion and year; what exists is left as it is.

The past election, mandates, bureau and assembly: maillon/demo/governance.py.
"""

import datetime
import math
import random
import unicodedata
import zlib
from dataclasses import dataclass
from decimal import Decimal

from stdnum import luhn

from maillon.core.missions import Mission
from maillon.core.models import Cpts, User
from maillon.members.models import (
    College,
    Fee,
    Involvement,
    Language,
    Membership,
    MembershipStatus,
    PracticePlace,
    Professional,
    Structure,
)
from maillon.members.professions import (
    NATIONAL_ADHERENTS_2024,
    RPPS_PROFESSIONS,
    NationalCategory,
    Profession,
    Specialty,
    StructureKind,
)
from maillon.members.services import set_missions

# Collèges of the demo statutes, with their seats on the board. The other health
# professions (sages-femmes and dentists included) sit with the paramedical ones.
COLLEGES = [
    ("Médecins", 4),
    ("Paramédicaux", 4),
    ("Pharmaciens", 2),
    ("Établissements et structures", 2),
    ("Usagers", 1),
]
MIN_MEMBERS, MAX_MEMBERS = 40, 150
# Members per inhabitant beyond the minimum: ~50 for 25 000 inhabitants, ~140 for 200 000.
MEMBERS_PER_INHABITANT = 1 / 2000
PENDING_SHARE, LEFT_SHARE, PAID_SHARE = 0.04, 0.04, 0.65
# Categories under 1 % of the national adherents are spread over the region (see national_quotas).
RARE_SHARE = 0.01
# One in four "pharmacies / pharmaciens" is a pharmacy (the structure), the rest pharmacists.
PHARMACY_STRUCTURE_SHARE = 0.25
FEE_BY_TAILLE = {1: Decimal("10.00"), 2: Decimal("15.00"), 3: Decimal("20.00"), 4: Decimal("30.00")}
EMAIL_DOMAIN = "example.org"

# Categories of the national table → what the demo creates for them.
PROFESSIONAL_OF_CATEGORY = {
    NationalCategory.INFIRMIERS: (Profession.INFIRMIER, Specialty.NONE),
    NationalCategory.GENERALISTES: (Profession.MEDECIN, Specialty.GENERAL_PRACTICE),
    NationalCategory.PHARMACIES: (Profession.PHARMACIEN, Specialty.NONE),
    NationalCategory.KINES: (Profession.MASSEUR_KINESITHERAPEUTE, Specialty.NONE),
    NationalCategory.ORTHOPHONISTES: (Profession.ORTHOPHONISTE, Specialty.NONE),
    NationalCategory.SPECIALISTES: (Profession.MEDECIN, Specialty.OTHER_MEDICAL),
    NationalCategory.SAGES_FEMMES: (Profession.SAGE_FEMME, Specialty.NONE),
    NationalCategory.PODOLOGUES: (Profession.PEDICURE_PODOLOGUE, Specialty.NONE),
    NationalCategory.DENTISTES: (Profession.CHIRURGIEN_DENTISTE, Specialty.NONE),
    NationalCategory.ORTHOPTISTES: (Profession.ORTHOPTISTE, Specialty.NONE),
    NationalCategory.AUTRES: (Profession.DIETETICIEN, Specialty.NONE),
    NationalCategory.IPA: (Profession.INFIRMIER, Specialty.IPA),
    NationalCategory.PSYCHOMOTRICIENS: (Profession.PSYCHOMOTRICIEN, Specialty.NONE),
    NationalCategory.PSYCHOLOGUES: (Profession.PSYCHOLOGUE, Specialty.NONE),
    NationalCategory.ERGOTHERAPEUTES: (Profession.ERGOTHERAPEUTE, Specialty.NONE),
}
STRUCTURE_OF_CATEGORY = {
    NationalCategory.LABORATOIRES: StructureKind.LABORATORY,
    NationalCategory.FOURNISSEURS: StructureKind.SUPPLIER,
    NationalCategory.TRANSPORTEURS: StructureKind.TRANSPORT,
}
# Kinds identified by SIRET rather than FINESS.
SIRET_KINDS = {StructureKind.SUPPLIER, StructureKind.TRANSPORT, StructureKind.ASSOCIATION}


def names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",")]


FIRST_NAMES = names(
    "Camille, Léa, Manon, Chloé, Emma, Inès, Sarah, Julie, Laura, Pauline, Marie, Claire, Sophie, Hélène, "
    "Anne, Lucie, Céline, Nadia, Fatima, Aïcha, Élodie, Mathilde, Juliette, Agathe, Louise, Thomas, Lucas, "
    "Hugo, Louis, Nicolas, Julien, Antoine, Maxime, Pierre, Paul, Mathieu, Karim, Mehdi, Yanis, Olivier, "
    "Éric, Laurent, Vincent, François, Sébastien, Benoît, Romain, Guillaume, Arthur"
)
LAST_NAMES = names(
    "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, Laurent, "
    "Lefèvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel, Girard, André, Mercier, "
    "Dupont, Lambert, Bonnet, François, Martinez, Legrand, Garnier, Faure, Rousseau, Blanc, Guérin, "
    "Muller, Henry, Roussel, Nicolas, Perrin, Morin, Mathieu, Clément, Gauthier, Dumont, Lopez, Fontaine, "
    "Chevalier, Robin, Masson, Sanchez, Gérard, Nguyen, Boyer, Denis, Lemaire, Duval, Joly, Gautier, "
    "Roger, Roche, Roy, Noël, Meyer, Lucas, Meunier, Jean, Perez, Marchand, Dufour, Blanchard, Marie, "
    "Barbier, Brun, Dumas, Brunet, Schmitt, Leroux, Colin, Fernandez, Pierre, Renard, Arnaud, Rolland, "
    "Caron, Aubert, Giraud, Leclerc, Vidal, Bourgeois, Renaud, Lemoine, Picard, Gaillard, Philippe, "
    "Leclercq, Lacroix, Fabre, Dupuis, Olivier, Rodriguez, Da Silva, Hubert, Louis, Charles, Guillot, "
    "Rivière, Le Gall, Guillaume, Adam, Rey, Moulin, Gonzalez, Berger, Lecomte, Ménard, Fleury, Deschamps, "
    "Carpentier, Julien, Benoît"
)
STREETS = [
    "rue de la République",
    "avenue de Paris",
    "rue Victor Hugo",
    "rue du Général de Gaulle",
    "place de la Mairie",
    "rue Jean Jaurès",
    "rue Pasteur",
    "avenue des Tilleuls",
    "rue de la Gare",
    "rue des Écoles",
    "chemin des Vignes",
    "rue Nationale",
]
SKILLS = {
    Profession.INFIRMIER: ["Plaies et cicatrisation", "Diabète", "Soins palliatifs", "Éducation thérapeutique"],
    Profession.MEDECIN: ["Pédiatrie", "Gériatrie", "Santé des femmes", "Addictologie", "Médecine du sport"],
    Profession.PHARMACIEN: ["Vaccination", "Entretiens pharmaceutiques", "Bilan partagé de médication"],
    Profession.MASSEUR_KINESITHERAPEUTE: ["Kiné respiratoire", "Rééducation périnéale", "Sport"],
    Profession.ORTHOPHONISTE: ["Troubles des apprentissages", "Neurologie"],
    Profession.SAGE_FEMME: ["Suivi gynécologique", "Préparation à la naissance", "Allaitement"],
}
SPECIALIST_SKILLS = ["Cardiologie", "Pédiatrie", "Psychiatrie", "Gynécologie", "Dermatologie", "Ophtalmologie"]
LANGUAGES = ["en", "es", "ar", "pt", "de", "it", "fsl"]
LEAVE_REASONS = ["Déménagement hors du territoire", "Départ en retraite", "Changement d'activité"]


@dataclass
class MemberSpec:
    """One planned member: a professional or a structure, and its adhesion."""

    number: str  # RPPS, ADELI, FINESS or SIRET: the natural key
    category: str
    commune: str
    status: str
    joined_on: datetime.date | None
    left_on: datetime.date | None = None
    profession: str = ""
    specialty: str = ""
    first_name: str = ""
    last_name: str = ""
    kind: str = ""
    name: str = ""
    involvement: str = Involvement.MAILING_LIST
    fee_paid_on: datetime.date | None = None

    @property
    def is_structure(self):
        return bool(self.kind)


# --- Numbers: ranges kept for the demo, away from the real registers' usual ranges. ---


def demo_rpps(cpts_index: int, n: int) -> str:
    body = f"1999{cpts_index}{n:05d}"
    return body + luhn.calc_check_digit(body)


def demo_adeli(cpts_index: int, n: int) -> str:
    return f"789{cpts_index}{n:05d}"


def demo_finess(cpts_index: int, n: int) -> str:
    assert n < 1000, "three digits per CPTS: at most 150 members are planned"
    body = f"7899{cpts_index}{n:03d}"
    return body + luhn.calc_check_digit(body)


def demo_siret(cpts_index: int, n: int) -> str:
    siren_body = f"99{cpts_index}{n:05d}"
    siren = siren_body + luhn.calc_check_digit(siren_body)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


# --- The plan ------------------------------------------------------------------------


def member_count(population: int) -> int:
    return max(MIN_MEMBERS, min(MAX_MEMBERS, MIN_MEMBERS + round(population * MEMBERS_PER_INHABITANT) - 10))


def national_quotas(total: int, before: int = 0) -> dict[str, int]:
    """`total` members split like the national table.

    Categories above RARE_SHARE: by largest remainders within the CPTS, so each is
    present everywhere. Rarer ones (IPA, psychologues…) would always round to zero
    in a CPTS: they are rounded on the running total of the region instead, `before`
    being the members planned in the CPTS built before this one.
    """
    national = sum(NATIONAL_ADHERENTS_2024.values())
    shares = {category: count / national for category, count in NATIONAL_ADHERENTS_2024.items()}
    quotas = {
        category: math.floor((before + total) * share + 0.5) - math.floor(before * share + 0.5)
        for category, share in shares.items()
        if share < RARE_SHARE
    }
    big = {category: share for category, share in shares.items() if share >= RARE_SHARE}
    rest = total - sum(quotas.values())
    exact = {category: rest * share / sum(big.values()) for category, share in big.items()}
    quotas |= {category: int(value) for category, value in exact.items()}
    by_remainder = sorted(big, key=lambda category: (-(exact[category] - quotas[category]), -exact[category]))
    for category in by_remainder[: total - sum(quotas.values())]:
        quotas[category] += 1
    return quotas


def ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if char.isalnum() and char.isascii()).lower()


@dataclass
class Planner:
    cpts_index: int
    rng: random.Random
    communes: list[tuple[str, int]]  # (code, population)
    start: datetime.date
    today: datetime.date
    n: int = 0

    def commune(self) -> str:
        codes = [code for code, _ in self.communes]
        weights = [max(population, 1) for _, population in self.communes]
        return self.rng.choices(codes, weights=weights)[0]

    def adhesion(self):
        """(status, joined_on, left_on): mostly active, a few pending or gone."""
        draw = self.rng.random()
        span = max((self.today - self.start).days, 1)
        joined = self.start + datetime.timedelta(days=self.rng.randrange(span))
        if draw < PENDING_SHARE:
            return MembershipStatus.REQUESTED, None, None
        if draw < PENDING_SHARE + LEFT_SHARE and joined < self.today - datetime.timedelta(days=2):
            left = joined + datetime.timedelta(days=self.rng.randrange(1, (self.today - joined).days))
            return MembershipStatus.LEFT, joined, left
        return MembershipStatus.ACTIVE, joined, None

    def fee_paid_on(self, status, joined):
        if status != MembershipStatus.ACTIVE or self.rng.random() >= PAID_SHARE:
            return None
        first_day = max(datetime.date(self.today.year, 1, 1), joined)
        return first_day + datetime.timedelta(days=self.rng.randrange(max((self.today - first_day).days, 1)))

    def next_number(self):
        self.n += 1
        return self.n

    def professional(self, category) -> MemberSpec:
        profession, specialty = PROFESSIONAL_OF_CATEGORY[category]
        n = self.next_number()
        number = demo_rpps(self.cpts_index, n) if profession in RPPS_PROFESSIONS else demo_adeli(self.cpts_index, n)
        return self.member(
            number,
            category,
            profession=profession,
            specialty=specialty,
            first_name=self.rng.choice(FIRST_NAMES),
            last_name=self.rng.choice(LAST_NAMES),
            involvement=self.rng.choices(list(Involvement), weights=[6, 3, 1])[0],
        )

    def structure(self, category, kind) -> MemberSpec:
        """A structure of `kind`, named by the caller."""
        n = self.next_number()
        number = demo_siret(self.cpts_index, n) if kind in SIRET_KINDS else demo_finess(self.cpts_index, n)
        return self.member(number, category, kind=kind, involvement=Involvement.MISSION)

    def member(self, number, category, **own) -> MemberSpec:
        """A member numbered `number`, with its commune, adhesion and fee drawn; `own`: the rest."""
        status, joined, left = self.adhesion()
        return MemberSpec(
            number=number,
            category=category,
            commune=self.commune(),
            status=status,
            joined_on=joined,
            left_on=left,
            fee_paid_on=self.fee_paid_on(status, joined),
            **own,
        )


FIXED_STRUCTURES = [
    (StructureKind.MSP, "Maison de santé pluriprofessionnelle de {commune}"),
    (StructureKind.EHPAD, "EHPAD Les Tilleuls de {commune}"),
    (StructureKind.ASSOCIATION, "Association des usagers de la santé de {commune}"),
]
STRUCTURE_NAMES = {
    StructureKind.PHARMACY: "Pharmacie {street}",
    StructureKind.LABORATORY: "Laboratoire de biologie médicale de {commune}",
    StructureKind.SUPPLIER: "Matériel médical {last_name}",
    StructureKind.TRANSPORT: "Ambulances {last_name}",
}


def plan_members(planner: Planner, total: int, names: dict[str, str], before: int = 0) -> list[MemberSpec]:
    """The members of one CPTS: the MSP, the EHPAD and the users' association, then the national mix."""
    specs = []
    for kind, pattern in FIXED_STRUCTURES:
        spec = planner.structure(NationalCategory.AUTRES, kind)
        spec.name = pattern.format(commune=names[spec.commune])
        specs.append(settled(spec, planner.start))
    mixed_before = before - len(FIXED_STRUCTURES) * planner.cpts_index
    for category, quota in national_quotas(total - len(specs), mixed_before).items():
        for index in range(quota):
            spec = plan_one(planner, category, index, names)
            # The first of each category is an active member, so the mix shows every category planned.
            specs.append(settled(spec, planner.start) if index == 0 else spec)
    return specs


def settled(spec: MemberSpec, start) -> MemberSpec:
    spec.status, spec.left_on = MembershipStatus.ACTIVE, None
    spec.joined_on = spec.joined_on or start
    return spec


def plan_one(planner, category, index, names) -> MemberSpec:
    kind = STRUCTURE_OF_CATEGORY.get(category)
    if category == NationalCategory.PHARMACIES and index % round(1 / PHARMACY_STRUCTURE_SHARE) == 0:
        kind = StructureKind.PHARMACY
    if kind is None:
        return planner.professional(category)
    spec = planner.structure(category, kind)
    spec.name = STRUCTURE_NAMES[kind].format(
        commune=names[spec.commune], street=planner.rng.choice(STREETS), last_name=planner.rng.choice(LAST_NAMES)
    )
    return spec


# --- Writing --------------------------------------------------------------------------


def ensure_colleges(cpts: Cpts) -> dict[str, College]:
    colleges = {}
    for position, (name, seats) in enumerate(COLLEGES, start=1):
        college, _ = College.objects.update_or_create(
            cpts=cpts, name=name, defaults={"seats": seats, "position": position}
        )
        colleges[name] = college
    return colleges


def college_for(spec: MemberSpec, colleges) -> College:
    if spec.kind == StructureKind.ASSOCIATION:
        return colleges["Usagers"]
    if spec.is_structure:
        return colleges["Établissements et structures"]
    if spec.profession == Profession.MEDECIN:
        return colleges["Médecins"]
    if spec.profession == Profession.PHARMACIEN:
        return colleges["Pharmaciens"]
    return colleges["Paramédicaux"]


def street_address(rng) -> str:
    return f"{rng.randint(1, 120)} {rng.choice(STREETS)}"


def create_professional(spec: MemberSpec, rng, msp, languages) -> Professional:
    first, last = ascii_slug(spec.first_name), ascii_slug(spec.last_name)
    skills = SPECIALIST_SKILLS if spec.specialty == Specialty.OTHER_MEDICAL else SKILLS.get(spec.profession, [])
    professional = Professional(
        first_name=spec.first_name,
        last_name=spec.last_name,
        profession=spec.profession,
        specialty=spec.specialty,
        email=f"{first}.{last}.{spec.number[-5:]}@{EMAIL_DOMAIN}",
        phone=f"01 99 00 {rng.randrange(100):02d} {rng.randrange(100):02d}",
        skills=", ".join(rng.sample(skills, k=min(len(skills), rng.randint(0, 2)))),
        accepts_new_patients=spec.specialty == Specialty.GENERAL_PRACTICE and rng.random() < 0.3,
        takes_part_in_snp=spec.profession == Profession.MEDECIN and rng.random() < 0.4,
        **({"rpps": spec.number} if len(spec.number) == 11 else {"adeli": spec.number}),
    )
    professional.save()
    spoken = [code for code in rng.sample(LANGUAGES, k=2) if code in languages and rng.random() < 0.2]
    if spoken:
        professional.languages.set(spoken)
    in_msp = msp is not None and rng.random() < 0.15
    PracticePlace.objects.create(
        professional=professional,
        structure=msp if in_msp else None,
        address=msp.address if in_msp else street_address(rng),
        commune_id=msp.commune_id if in_msp else spec.commune,
        phone=professional.phone,
        mssante_email=f"{first}.{last}.{spec.number[-5:]}@mssante.{EMAIL_DOMAIN}" if rng.random() < 0.5 else "",
    )
    return professional


def create_structure(spec: MemberSpec, rng) -> Structure:
    numbers = {"siret": spec.number} if len(spec.number) == 14 else {"finess": spec.number}
    structure = Structure(
        name=spec.name,
        kind=spec.kind,
        address=street_address(rng),
        commune_id=spec.commune,
        phone=f"01 99 00 {rng.randrange(100):02d} {rng.randrange(100):02d}",
        email=f"contact.{spec.number[-6:]}@{EMAIL_DOMAIN}",
        **numbers,
    )
    structure.save()
    return structure


def existing_members(specs):
    numbers = [spec.number for spec in specs]
    found = {}
    for professional in Professional.objects.filter(rpps__in=numbers):
        found[professional.rpps] = professional
    for professional in Professional.objects.filter(adeli__in=numbers):
        found[professional.adeli] = professional
    for structure in Structure.objects.filter(finess__in=numbers):
        found[structure.finess] = structure
    for structure in Structure.objects.filter(siret__in=numbers):
        found[structure.siret] = structure
    return found


def demo_missions(spec: MemberSpec) -> list[int]:
    """One or two missions for an active adherent who takes part in a mission or leads a project.

    Drawn from the member's number (not from the random generator: the rest of the demo stays as it was).
    """
    if spec.status != MembershipStatus.ACTIVE or spec.involvement == Involvement.MAILING_LIST:
        return []
    draw = zlib.crc32(spec.number.encode())
    first = draw % len(Mission) + 1
    if (draw >> 8) % 3:
        return [first]
    second = (first + (draw >> 12) % (len(Mission) - 1)) % len(Mission) + 1
    return sorted({first, second})


def ensure_adhesion(cpts, member, spec: MemberSpec, college, *, by, fee_amount, today):
    """The planned adhesion, through the model's transitions, unless the member already has one here."""
    field = "structure" if spec.is_structure else "professional"
    if Membership.objects.for_cpts(cpts).filter(**{field: member}).exists():
        return
    requested = datetime.datetime.combine(spec.joined_on or today, datetime.time(9), tzinfo=datetime.UTC)
    membership = Membership.objects.create(
        cpts=cpts, college=college, involvement=spec.involvement, requested_at=requested, **{field: member}
    )
    if spec.status == MembershipStatus.REQUESTED:
        return
    membership.accept(by=by, on=spec.joined_on)
    if spec.status == MembershipStatus.LEFT:
        membership.leave(by=by, on=spec.left_on, reason=LEAVE_REASONS[len(spec.number) % len(LEAVE_REASONS)])
        return
    Fee.objects.get_or_create(
        membership=membership, year=today.year, defaults={"amount": fee_amount, "paid_on": spec.fee_paid_on}
    )
    set_missions(membership, demo_missions(spec))


@dataclass(frozen=True)
class CptsMembers:
    cpts: Cpts
    index: int
    communes: list[tuple[str, int, str]]  # (code, population, name)
    start: datetime.date
    taille: int
    coordinator: User


def ensure_members(
    target: CptsMembers, *, seed: int, today: datetime.date, before: int = 0, account=None, plan_only=False
) -> int:
    """Collèges and members of one CPTS; `account` (a member's User) gets the first GP's card.

    `before`: the members planned for the demo CPTS built before this one. Returns this one's.
    `plan_only`: count without writing (a demo CPTS dissolved by hand keeps the numbering of the others).
    """
    rng = random.Random(f"{seed}:members:{target.cpts.slug}")
    planner = Planner(target.index, rng, [(code, pop) for code, pop, _ in target.communes], target.start, today)
    names = {code: name for code, _, name in target.communes}
    population = sum(pop for _, pop, _ in target.communes)
    specs = plan_members(planner, member_count(population), names, before)
    if plan_only:
        return len(specs)
    if account is not None:
        link_account(specs, account)
    colleges = ensure_colleges(target.cpts)
    found = existing_members(specs)
    languages = set(Language.objects.values_list("code", flat=True))
    msp = None
    for spec in specs:
        member = found.get(spec.number)
        if member is None:
            member = (
                create_structure(spec, rng) if spec.is_structure else create_professional(spec, rng, msp, languages)
            )
        if spec.kind == StructureKind.MSP:
            msp = member
        ensure_adhesion(
            target.cpts,
            member,
            spec,
            college_for(spec, colleges),
            by=target.coordinator,
            fee_amount=FEE_BY_TAILLE[target.taille],
            today=today,
        )
    if account is not None:
        attach_account(specs, account)
    return len(specs)


def first_generalist(specs):
    return next(
        spec
        for spec in specs
        if spec.category == NationalCategory.GENERALISTES and spec.status == MembershipStatus.ACTIVE
    )


def link_account(specs, account: User):
    """The demo member account is an active general practitioner of its CPTS."""
    spec = first_generalist(specs)
    spec.first_name, spec.last_name = account.first_name, account.last_name


def attach_account(specs, account: User):
    professional = Professional.objects.get(rpps=first_generalist(specs).number)
    if professional.user_id == account.pk:
        return
    for other in Professional.objects.filter(user=account):  # a card linked by an older demo
        other.user = None
        other.save()
    professional.user = account
    professional.save()
