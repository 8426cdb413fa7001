"""The demo's governance: one past election, its elected, a bureau and one past assembly.

Each demo CPTS whose health project is validated (or further: negotiation, ACI signé)
gets, a few weeks to a few months before today:

- the closed election of its « Médecins » collège's representatives: candidates among
  its active general practitioners, ballots cast by a seeded subset of the collège's
  active members through `Election.cast_vote`, so the secret ballot holds (émargement
  and ballots apart, one vote per member, one journal entry per vote without actor);
- the representatives' mandates (`Mandate.from_elected`);
- a bureau: président(e) (the best-elected), trésorier(ère), secrétaire;
- one ordinary general assembly, with its attendance.

An election cannot be opened once its closing time has passed, nor closed before it:
the demo opens it on a window around now, casts the votes, then moves the window, the
émargement times and the electorate (the collège's members on the opening day) into
the past, as if the week had gone by, and closes it through the model.

Deterministic (one random generator per CPTS, from the seed) and idempotent: the
election is found again by CPTS and title, the assembly by CPTS and agenda, the
bureau by CPTS and role; what exists is left as it is. A CPTS dissolved by hand is
skipped. The founding documents and their files: maillon/demo/documents.py.
"""

import datetime
import random
from collections import Counter

from django.utils import timezone

from maillon.core.models import LIFECYCLE_ORDER, Cpts, CptsStatus, User
from maillon.governance.models import (
    AssemblyKind,
    Body,
    Election,
    ElectionStatus,
    GeneralAssembly,
    Mandate,
    MandateRole,
    VoterRecord,
)
from maillon.members.models import College, Membership
from maillon.members.professions import Profession, Specialty

COLLEGE = "Médecins"
ELECTION_TITLE = "Élection des représentants du collège des médecins"
QUORUM_PERCENT = 20
# At most this many candidates beyond the seats.
EXTRA_CANDIDATES = 2
TURNOUT = (0.45, 0.75)
BLANK_SHARE = 0.05
ATTENDANCE = (0.3, 0.5)
MANDATE_YEARS = 3
ASSEMBLY_AGENDA = (
    "1. Rapport moral et rapport d'activité\n"
    "2. Rapport financier et approbation des comptes\n"
    "3. Proclamation des représentants élus des collèges\n"
    "4. Cotisations de l'année à venir\n"
    "5. Questions diverses"
)
ASSEMBLY_MINUTES = (
    "Le quorum étant atteint, l'assemblée a délibéré valablement. Les rapports moral et "
    "financier ont été approuvés à l'unanimité des présents ; le montant des cotisations "
    "est reconduit. Les représentants élus du collège des médecins ont été proclamés."
)
STATEMENT = "Médecin généraliste du territoire, je souhaite porter la voix des médecins au conseil."


def takes_part(cpts: Cpts) -> bool:
    """A living CPTS whose health project is validated (or further)."""
    if cpts.is_dissolved or cpts.status not in LIFECYCLE_ORDER:
        return False
    return LIFECYCLE_ORDER.index(cpts.status) >= LIFECYCLE_ORDER.index(CptsStatus.PROJECT_VALIDATED)


def aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def plan_ballots(rng: random.Random, voters: int, candidates: int, seats: int) -> list[list[int]]:
    """Each voter's choices (candidate indexes, at most `seats`, a few blank votes),
    the earlier candidates the more popular; no tie at the last seat, so the demo
    shows a clear result."""
    weights = [candidates - index + rng.random() for index in range(candidates)]
    ballots = []
    for _ in range(voters):
        if rng.random() < BLANK_SHARE:
            ballots.append([])
            continue
        chosen = []
        for _ in range(rng.randint(1, min(seats, candidates))):
            left = [index for index in range(candidates) if index not in chosen]
            chosen.append(rng.choices(left, weights=[weights[index] for index in left])[0])
        ballots.append(chosen)
    if candidates > seats:
        break_ties(ballots, candidates, seats)
    return ballots


def break_ties(ballots: list[list[int]], candidates: int, seats: int) -> None:
    """Add a vote for (or, failing that, remove one from) a candidate level at the last seat."""
    for _ in range(10 * len(ballots) + 10):
        votes = Counter(dict.fromkeys(range(candidates), 0))
        votes.update(index for ballot in ballots for index in ballot)
        ranked = sorted(range(candidates), key=lambda index: (-votes[index], index))
        threshold = votes[ranked[seats - 1]]
        if votes[ranked[seats]] != threshold:
            return
        level = [index for index in ranked if votes[index] == threshold]
        first, last = level[0], level[-1]
        room = next((ballot for ballot in ballots if first not in ballot and len(ballot) < seats), None)
        if room is not None:
            room.append(first)
            continue
        holding = next((ballot for ballot in ballots if last in ballot), None)
        if holding is None:  # nobody voted for anyone: nothing to separate
            return
        holding.remove(last)
    raise AssertionError("égalité non résolue")


def is_general_practitioner(membership: Membership) -> bool:
    professional = membership.professional
    return (
        professional is not None
        and professional.profession == Profession.MEDECIN
        and professional.specialty == Specialty.GENERAL_PRACTICE
    )


def ensure_election(cpts: Cpts, college: College, coordinator: User, rng: random.Random, opens_on, closes_on):
    election = Election.objects.filter(cpts=cpts, title=ELECTION_TITLE).first()
    if election is not None:
        return election
    # Who could take part on the opening day and still can (casting needs an active adhesion).
    eligible = list(
        college.memberships.active().filter(joined_on__lte=opens_on).select_related("professional__user").order_by("pk")
    )
    general_practitioners = [membership for membership in eligible if is_general_practitioner(membership)]
    if not general_practitioners:
        return None
    now = timezone.now()
    election = Election.objects.create(
        cpts=cpts,
        college=college,
        title=ELECTION_TITLE,
        seats=college.seats,
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(days=1),
        quorum_percent=QUORUM_PERCENT,
    )
    count = min(len(general_practitioners), college.seats + EXTRA_CANDIDATES)
    candidates = [
        election.add_candidate(membership, statement=STATEMENT)
        for membership in rng.sample(general_practitioners, k=count)
    ]
    election.open(by=coordinator)

    # The demo member account votes, so its pages show it; the others by lot.
    accounts = [m for m in eligible if m.professional is not None and m.professional.user_id]
    others = [m for m in eligible if m not in accounts]
    turnout = rng.uniform(*TURNOUT)
    wanted = max(1, round(len(eligible) * turnout)) - len(accounts)
    voters = accounts + rng.sample(others, k=max(0, min(wanted, len(others))))
    ballots = plan_ballots(rng, len(voters), len(candidates), election.seats)
    for membership, choices in zip(voters, ballots, strict=True):
        election.cast_vote(membership=membership, candidates=[candidates[index] for index in choices])

    # As if the week had gone by: the window, the émargement and the electorate in the past.
    opens_at, closes_at = aware(opens_on, 9), aware(closes_on, 18)
    Election.objects.filter(pk=election.pk).update(
        opens_at=opens_at,
        closes_at=closes_at,
        created_at=opens_at - datetime.timedelta(days=rng.randint(14, 30)),
        electorate_size=Membership.objects.for_cpts(cpts).active_on(opens_on).filter(college=college).count(),
    )
    span = int((closes_at - opens_at).total_seconds())
    records = list(VoterRecord.objects.filter(election=election))
    for record in records:
        record.voted_at = opens_at + datetime.timedelta(seconds=rng.randrange(span))
    VoterRecord.objects.bulk_update(records, ["voted_at"])
    election.refresh_from_db()
    election.close(by=coordinator)
    return election


def ensure_representatives(election: Election, starts_on: datetime.date) -> list[Mandate]:
    results = election.results()
    if results is None:
        return []
    mandates = []
    for candidate in results.elected:
        mandate = Mandate.objects.filter(election=election, membership=candidate.membership_id).first()
        if mandate is None:
            mandate = Mandate.from_elected(candidate, starts_on=starts_on, ends_on=years_after(starts_on))
        mandates.append(mandate)
    return mandates


def years_after(day: datetime.date, years: int = MANDATE_YEARS) -> datetime.date:
    try:
        return day.replace(year=day.year + years) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def ensure_bureau(cpts: Cpts, president: Membership | None, colleges, rng: random.Random, on: datetime.date) -> None:
    """Président(e): the best-elected representative; trésorier(ère) among the pharmacists,
    secrétaire among the paramedical members (or any other member, failing them)."""
    taken = set()
    members_on_the_day = Membership.objects.for_cpts(cpts).active().filter(joined_on__lte=on).order_by("pk")
    for role, college_name in [
        (MandateRole.PRESIDENT, None),
        (MandateRole.TREASURER, "Pharmaciens"),
        (MandateRole.SECRETARY, "Paramédicaux"),
    ]:
        existing = Mandate.objects.for_cpts(cpts).filter(body=Body.BUREAU, role=role).first()
        if existing is not None:
            taken.add(existing.membership_id)
            continue
        if role == MandateRole.PRESIDENT and president is not None:
            membership = president
        else:
            pool = [m for m in members_on_the_day.filter(college=colleges.get(college_name)) if m.pk not in taken]
            pool = pool or [m for m in members_on_the_day.filter(professional__isnull=False) if m.pk not in taken]
            if not pool:
                continue
            membership = rng.choice(pool)
        Mandate.objects.create(
            cpts=cpts, membership=membership, body=Body.BUREAU, role=role, starts_on=on, ends_on=years_after(on)
        )
        taken.add(membership.pk)


def ensure_assembly(cpts: Cpts, coordinator: User, rng: random.Random, on: datetime.date) -> GeneralAssembly:
    assembly = GeneralAssembly.objects.filter(cpts=cpts, kind=AssemblyKind.ORDINARY, agenda=ASSEMBLY_AGENDA).first()
    if assembly is not None:
        return assembly
    assembly = GeneralAssembly.objects.create(
        cpts=cpts,
        date=on,
        kind=AssemblyKind.ORDINARY,
        place=cpts.address,
        agenda=ASSEMBLY_AGENDA,
        minutes=ASSEMBLY_MINUTES,
    )
    members = list(assembly.members_on_the_day().order_by("pk"))
    present = rng.sample(members, k=max(1, round(len(members) * rng.uniform(*ATTENDANCE)))) if members else []
    assembly.set_attendance(present, by=coordinator)
    return assembly


def ensure_governance(cpts: Cpts, coordinator: User, *, seed: int, today: datetime.date) -> None:
    """The past election, the mandates, the bureau and the assembly of one demo CPTS."""
    if not takes_part(cpts):
        return
    rng = random.Random(f"{seed}:governance:{cpts.slug}")
    assembly_on = today - datetime.timedelta(days=rng.randint(45, 75))
    closes_on = assembly_on - datetime.timedelta(days=10)
    opens_on = closes_on - datetime.timedelta(days=7)
    colleges = {college.name: college for college in College.objects.for_cpts(cpts)}
    president = None
    if COLLEGE in colleges:
        election = ensure_election(cpts, colleges[COLLEGE], coordinator, rng, opens_on, closes_on)
        if election is not None and election.status == ElectionStatus.CLOSED:
            elected = ensure_representatives(election, closes_on + datetime.timedelta(days=1))
            president = elected[0].membership if elected else None
    ensure_assembly(cpts, coordinator, rng, assembly_on)
    ensure_bureau(cpts, president, colleges, rng, assembly_on)
