"""Meetings and members' paid time of each demo CPTS at « ACI signé »: the hourly rate of last
year and this year, three meetings held (with their date poll, attendance and the validated
time it makes), one meeting scheduled and one date poll in progress, project time declared by
members in every state (validated, waiting for the coordinator, one refused) and the bank
details of some of them, so the meetings, time and indemnity pages have something to show.

Deterministic (seeded by the demo seed and the CPTS), dated relative to `today`, idempotent:
a CPTS that already has a meeting is left alone (its hourly rates too, once set). Nothing is
sent: meetings are written through the models and the workflow, not through the services
that e-mail the invitees; attendance and time go through `maillon.meetings.services`
(`record_attendance`, `declare_time`, `validate_time`, `reject_time`, `set_hourly_rate`), so
they follow the product's rules (tests/demo/coherence.py checks them).
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from stdnum import iban as stdnum_iban

from maillon.core.missions import Mission
from maillon.core.models import Cpts, CptsStatus, User
from maillon.meetings import services
from maillon.meetings.models import (
    Answer,
    HourlyRate,
    Invitation,
    Meeting,
    MeetingSlot,
    PaymentDetails,
    PollAnswer,
    TimeEntry,
)
from maillon.members.models import Involvement
from maillon.members.professions import Profession

# The hourly indemnity of members' time, last year and this year (euros).
RATES = {-1: Decimal("60.00"), 0: Decimal("62.00")}
GP, NURSE, PHARMACIST, PHYSIO, MIDWIFE = (
    Profession.MEDECIN.value,
    Profession.INFIRMIER.value,
    Profession.PHARMACIEN.value,
    Profession.MASSEUR_KINESITHERAPEUTE.value,
    Profession.SAGE_FEMME.value,
)
MSP = "Maison de santé pluriprofessionnelle, salle de réunion"


@dataclass(frozen=True)
class MeetingSpec:
    title: str
    description: str
    mission: int | None
    professions: tuple[str, ...]  # who is invited (empty: every profession)
    invited: int
    # Days from today of the proposed dates (negative: past), the hour, the length.
    days: tuple[int, ...]
    hour: tuple[int, int]
    minutes: int
    place: str = MSP
    visio: bool = False


HELD = [
    MeetingSpec(
        "Groupe de travail : parcours insuffisance cardiaque",
        "Repérage des patients après une hospitalisation, pesée quotidienne, relais infirmier et officine.",
        Mission.PATHWAYS,
        (GP, NURSE, PHARMACIST, PHYSIO),
        12,
        (-58, -56, -55),
        (20, 0),
        120,
    ),
    MeetingSpec(
        "Retour d'expérience de l'exercice d'alerte",
        "Ce qui a marché, ce qui n'a pas marché, et les actions à reporter dans le plan de crise.",
        Mission.CRISIS,
        (GP, NURSE, PHARMACIST),
        10,
        (-34, -33),
        (13, 0),
        90,
        visio=True,
    ),
    MeetingSpec(
        "Préparation de la campagne de dépistage du cancer colorectal",
        "Distribution des kits en officine, relances des patients de 50 à 74 ans, affiches pour les cabinets.",
        Mission.PREVENTION,
        (GP, PHARMACIST, NURSE, MIDWIFE),
        12,
        (-20, -19, -17),
        (20, 30),
        120,
    ),
]
SCHEDULED = MeetingSpec(
    "Accès aux soins : planning des soins non programmés",
    "Créneaux SNP des semaines à venir, renfort de la liste des volontaires de garde, lien avec la régulation SAS.",
    Mission.ACCESS,
    (GP, NURSE),
    14,
    (9, 10, 12),
    (20, 0),
    120,
)
POLL = MeetingSpec(
    "Réunion plénière : bilan de l'année et projets",
    "Bilan des missions, indicateurs de l'ACI, projets de l'année prochaine ; ouverte à tous les adhérents.",
    None,
    (),
    24,
    (16, 18, 23),
    (19, 30),
    150,
)
# Project time: (days ago, hours, mission, what was done, fate).
VALIDATED, PENDING, REFUSED = "validated", "pending", "refused"
PROJECT_TIME = [
    (41, "3.00", Mission.PATHWAYS, "Rédaction du protocole de suivi insuffisance cardiaque", VALIDATED),
    (27, "1.50", Mission.CRISIS, "Mise à jour de l'annuaire de crise et des numéros d'astreinte", VALIDATED),
    (12, "2.00", Mission.PREVENTION, "Préparation des affiches et du courrier de relance du dépistage", VALIDATED),
    (3, "1.00", Mission.SUPPORT, "Accueil d'une interne : organisation de son stage", VALIDATED),
    (6, "2.50", Mission.ACCESS, "Planning des créneaux SNP des semaines à venir avec les volontaires", PENDING),
    (4, "1.25", Mission.PATHWAYS, "Relecture du protocole avec les infirmiers", PENDING),
    (2, "0.75", Mission.PREVENTION, "Point avec les pharmaciens sur la distribution des kits", PENDING),
    (19, "2.00", Mission.PREVENTION, "Réunion de préparation du dépistage", REFUSED),
]
REFUSAL = "Ce temps est celui de la réunion du {day} : il est déjà compté par les présences."
ANSWER_WEIGHTS = {Answer.YES: 60, Answer.IF_NEEDED: 20, Answer.NO: 20}
PRESENT_IF = {Answer.YES: 0.9, Answer.IF_NEEDED: 0.5, Answer.NO: 0.05, "": 0.15}


def has_aci(cpts: Cpts) -> bool:
    return cpts.status == CptsStatus.ACI_SIGNED and not cpts.is_dissolved


# Fixed public holidays (month, day): no meeting on them.
HOLIDAYS = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 24), (12, 25), (12, 31)}


def working_days(first: datetime.date, offsets) -> list[datetime.date]:
    """The days `offsets` after `first`, each moved to the next weekday that is neither a
    public holiday nor already taken: members meet on working days."""
    days = []
    for offset in offsets:
        day = first + datetime.timedelta(days=offset)
        while day.weekday() >= 5 or (day.month, day.day) in HOLIDAYS or day in days:
            day += datetime.timedelta(days=1)
        days.append(day)
    return days


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@transaction.atomic
def ensure_meetings(cpts: Cpts, coordinator: User, *, seed: int, today: datetime.date) -> dict | None:
    """Rates, meetings, time and bank details; None when left alone."""
    if not has_aci(cpts):
        return None
    for offset, amount in RATES.items():
        if not HourlyRate.objects.for_cpts(cpts).filter(year=today.year + offset).exists():
            services.set_hourly_rate(cpts=cpts, year=today.year + offset, amount=amount)
    if Meeting.objects.for_cpts(cpts).exists():
        return None
    rng = random.Random(f"{seed}:meetings:{cpts.slug}")
    now = min(timezone.now(), at(today, 8))
    held = [held_meeting(cpts, coordinator, spec, rng, today, now) for spec in HELD]
    upcoming = meeting_with_poll(cpts, coordinator, SCHEDULED, rng, today)
    choose(upcoming, coordinator, today + datetime.timedelta(days=-3))
    poll = meeting_with_poll(cpts, coordinator, POLL, rng, today)
    entries = project_time(cpts, coordinator, held[-1], rng, today, now)
    bank_details(cpts, rng)
    return {"held": len(held), "scheduled": upcoming.pk, "poll": poll.pk, "time_entries": len(entries)}


# --- Meetings --------------------------------------------------------------------------------


def invitees(cpts, spec: MeetingSpec, rng: random.Random) -> list:
    """Invitable adhesions (`services.invitable_memberships`) of the spec's professions; the
    members with an account (the demo member) first, then drawn."""
    memberships = list(
        services.invitable_memberships(cpts, professions=spec.professions).select_related("professional").order_by("pk")
    )
    with_account = [m for m in memberships if m.professional.user_id]
    others = [m for m in memberships if not m.professional.user_id]
    chosen = with_account + rng.sample(others, min(len(others), max(0, spec.invited - len(with_account))))
    return sorted(chosen, key=lambda membership: membership.pk)


def meeting_with_poll(cpts, coordinator, spec: MeetingSpec, rng, today) -> Meeting:
    """A meeting in poll state, its proposed dates, invitations and the answers so far; opened
    three weeks before its first date, or a week ago for a date still far."""
    days = working_days(today, spec.days)
    first_day = days[0]
    opened = at(min(first_day - datetime.timedelta(days=21), today - datetime.timedelta(days=7)), 9, 30)
    meeting = Meeting.objects.create(
        cpts=cpts,
        title=spec.title,
        description=spec.description,
        mission=spec.mission,
        place=spec.place,
        visio_url=f"https://visio.{cpts.slug}.example.org/{rng.randrange(10**6):06d}" if spec.visio else "",
        created_by=coordinator,
    )
    Meeting.objects.filter(pk=meeting.pk).update(created_at=opened)
    length = datetime.timedelta(minutes=spec.minutes)
    for day in days:
        start = at(day, *spec.hour)
        MeetingSlot.objects.create(meeting=meeting, starts_at=start, ends_at=start + length)
    slots = list(meeting.slots.order_by("starts_at"))
    for membership in invitees(cpts, spec, rng):
        invitation = Invitation.objects.create(meeting=meeting, membership=membership)
        if rng.random() < 0.7:
            for slot in slots:
                answer = rng.choices(list(ANSWER_WEIGHTS), weights=list(ANSWER_WEIGHTS.values()))[0]
                PollAnswer.objects.create(invitation=invitation, slot=slot, answer=answer)
    return meeting


def choose(meeting: Meeting, coordinator, day: datetime.date) -> None:
    """The coordinator fixes the date with the most « oui » (as `Meeting.choose_slot`, without
    its e-mail to the invitees)."""
    slots, _ = meeting.poll_table()
    best = max(slots, key=lambda slot: (slot.yes_count, slot.if_needed_count, -slot.starts_at.timestamp()))
    meeting.workflow.check(meeting, "schedule")
    meeting.workflow.run(
        meeting,
        "schedule",
        by=coordinator,
        changes={"starts_at": best.starts_at, "ends_at": best.ends_at},
        log={"at": at(day, 18)},
    )


def held_meeting(cpts, coordinator, spec: MeetingSpec, rng, today, now) -> Meeting:
    """A past meeting: its poll, the date fixed a week before it, held, then the attendance
    (`services.record_attendance`: one validated time entry per member present)."""
    meeting = meeting_with_poll(cpts, coordinator, spec, rng, today)
    first_day = min(slot.starts_at for slot in meeting.slots.all())
    choose(meeting, coordinator, timezone.localtime(first_day).date() - datetime.timedelta(days=7))
    answers = {
        answer.invitation_id: answer.answer
        for answer in PollAnswer.objects.filter(invitation__meeting=meeting, slot__starts_at=meeting.starts_at)
    }
    invitations = list(meeting.invitations.order_by("pk"))
    present = [i.membership_id for i in invitations if rng.random() < PRESENT_IF[answers.get(i.pk, "")]]
    if len(present) < 3:
        present = [invitation.membership_id for invitation in invitations[:3]]
    # Noted the morning after (`Meeting.hold`: once it has taken place).
    noted = min(meeting.ends_at + datetime.timedelta(hours=14), now)
    meeting.workflow.run(meeting, "hold", by=coordinator, log={"at": noted})
    services.record_attendance(meeting=meeting, present_ids=present, by=coordinator)
    TimeEntry.objects.filter(meeting=meeting).update(validated_at=noted)
    return meeting


# --- Project time ----------------------------------------------------------------------------


def project_time(cpts, coordinator, refused_meeting: Meeting, rng, today, now) -> list[TimeEntry]:
    """Members who lead a project or take part in a mission declare their time
    (`services.declare_time`); the coordinator validated some, refused one (it was a meeting
    already counted), and the rest waits for the coordinator."""
    members = list(
        services.invitable_memberships(cpts, involvements=[Involvement.PROJECT_LEAD, Involvement.MISSION])
        .select_related("professional")
        .order_by("pk")
    )
    if not members:
        return []
    # The members with an account (the demo member) see their own time: they declared some.
    with_account = list(services.invitable_memberships(cpts).filter(professional__user__isnull=False).order_by("pk"))
    people = list(dict.fromkeys(with_account + rng.sample(members, min(len(members), 5))))
    entries = []
    first_day = datetime.date(today.year, 1, 1)
    present = set(refused_meeting.invitations.filter(attendance="present").values_list("membership_id", flat=True))
    for index, (days_ago, hours, mission, note, fate) in enumerate(PROJECT_TIME):
        date = today - datetime.timedelta(days=days_ago)
        if fate == VALIDATED and index == 0:
            date = max(date, first_day)  # this year's payment list is never empty
        if fate == REFUSED:
            membership = next((m for m in people if m.pk in present), people[0])
            date = timezone.localtime(refused_meeting.starts_at).date()
        else:
            membership = people[index % len(people)]
        entry = services.declare_time(membership=membership, date=date, hours=hours, mission=mission, note=note)
        declared = min(at(date, 21), now)  # in the evening of the day
        TimeEntry.objects.filter(pk=entry.pk).update(created_at=declared)
        decided = min(at(date + datetime.timedelta(days=rng.randint(1, 4)), 17, 30), now)
        if fate == VALIDATED:
            services.validate_time(entry=entry, by=coordinator, confirm_over_cap=True)
            TimeEntry.objects.filter(pk=entry.pk).update(validated_at=decided)
        elif fate == REFUSED:
            day = f"{date:%d/%m/%Y}"
            services.reject_time(entry=entry, by=coordinator, reason=REFUSAL.format(day=day))
            TimeEntry.objects.filter(pk=entry.pk).update(rejected_at=decided)
        entry.events.update(at=decided)
        entries.append(entry)
    return entries


# --- Bank details ----------------------------------------------------------------------------


def demo_iban(rng: random.Random) -> str:
    """A French IBAN that passes the checks (RIB key and IBAN key) in a bank code no bank uses."""
    bank, branch, account = "99999", f"{rng.randrange(100_000):05d}", f"{rng.randrange(10**11):011d}"
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{key:02d}"
    return f"FR{stdnum_iban.calc_check_digits('FR00' + bban)}{bban}"


def bank_details(cpts, rng) -> None:
    """Two members in three with validated time gave their IBAN (the others are asked for it)."""
    paid = (
        TimeEntry.objects.for_cpts(cpts)
        .validated()
        .values_list("membership_id", flat=True)
        .distinct()
        .order_by("membership_id")
    )
    for membership in services.invitable_memberships(cpts).filter(pk__in=paid).select_related("professional"):
        if rng.random() < 0.67:
            professional = membership.professional
            details = PaymentDetails(
                membership=membership,
                iban=demo_iban(rng),
                holder_name=f"{professional.first_name} {professional.last_name}",
            )
            details.full_clean(exclude=["membership"])
            details.save()
