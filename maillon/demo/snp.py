"""Same-day care (SNP) of each demo CPTS at « ACI signé »: agendas, a coming week of slots,
four past weeks of requests with their appointments and outcomes; and the SAS client account
that reads the shared slots through `GET /fhir/Slot`.

Deterministic (a generator seeded by the demo seed and the CPTS) and dated relative to `today`:
the slots cover the seven days after it, the past requests the 28 days before it. Idempotent:
a CPTS that has agendas keeps them and its requests; it only gets a new week of slots once the
last one is over. Slots, requests, events, calls and bookings are written with `bulk_create`
(the demo load stays fast); statuses, events and outcomes follow the rules of
`maillon/snp/requests.py`, `booking.py`, `duty.py` and `outcomes.py`: a slot « Régulation SAS
seulement » is shared with the SAS (`slots.sharing`); a booked slot is one the search offers to
its requester before the request's deadline (`search.slot_fits`); a member's slots and
appointments never overlap (`slots.overlapping`, `duty.check_appointment_time`); only the
volunteers of the duty list are called (`duty.volunteers`). tests/demo/coherence.py checks it.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from maillon.core.models import (
    ApiToken,
    ApiTokenKind,
    Cpts,
    CptsRole,
    CptsRoleKind,
    CptsStatus,
    User,
    default_token_expiry,
    token_digest,
)
from maillon.members.models import PracticePlace, Professional
from maillon.members.professions import Profession, Specialty
from maillon.snp import search
from maillon.snp import slots as snp_slots
from maillon.snp.duty import DUTY_APPOINTMENT
from maillon.snp.models import (
    Agenda,
    Audience,
    Booking,
    CareRequest,
    DutyAnswer,
    DutyCall,
    Outcome,
    RequesterKind,
    RequestEvent,
    RequestStatus,
    SasClient,
    Slot,
    SlotSeries,
    SlotStatus,
    SnpSetup,
    Urgency,
)
from maillon.snp.requests import create_request
from maillon.snp.search import MEMBER_AUDIENCES, SAS_AUDIENCES
from maillon.snp.slots import sharing
from maillon.territories.models import TerritoryCommune, TerritoryRole, TerritoryRoleKind

from .meetings import HOLIDAYS
from .mt import FIRST_NAMES, LAST_NAMES, birth_date, demo_phone

COMING_DAYS = 7
PAST_DAYS = 28
# Share of the members who publish SNP slots (besides the doctors who said they take part).
NURSES, PHYSIOS = 3, 2
MIN_DOCTORS = 4
AUDIENCE_WEIGHTS = {Audience.PUBLIC: 45, Audience.SNP: 30, Audience.PRO: 10, Audience.CPTS: 15}
# Past requests per week, and how they ended.
REQUESTS_PER_WEEK = (6, 11)
OUTCOME_WEIGHTS = {
    Outcome.HONOURED: 78,
    Outcome.NO_SHOW: 9,
    Outcome.REDIRECTED_ED: 6,
    Outcome.REDIRECTED_SPECIALIST: 7,
}
DOCTOR_REASONS = [
    "Fièvre depuis deux jours",
    "Angine, douleur à la déglutition",
    "Otite probable",
    "Brûlures urinaires",
    "Lombalgie aiguë",
    "Entorse de cheville",
    "Conjonctivite",
    "Toux et gêne respiratoire légère",
    "Éruption cutanée",
    "Douleur abdominale sans signe de gravité",
    "Renouvellement urgent de traitement",
    "Plaie superficielle à examiner",
]
NURSE_REASONS = ["Pansement à refaire", "Injection prescrite", "Retrait de fils", "Surveillance après sortie d'hôpital"]
PHYSIO_REASONS = ["Torticolis bloquant", "Lumbago, kinésithérapie prescrite", "Entorse, rééducation à débuter"]
REASONS = {Profession.MEDECIN: DOCTOR_REASONS, Profession.INFIRMIER: NURSE_REASONS}
SNP_PROFESSIONS = [Profession.MEDECIN.value, Profession.INFIRMIER.value, Profession.MASSEUR_KINESITHERAPEUTE.value]
MAX_SEARCHED_PRACTITIONERS = 25  # the guide's limit per search
SAS_CLIENT_NAME = "Plateforme numérique SAS (démonstration)"
SAS_CLIENT_LOCAL_PART = "plateforme.sas"


def load_time(today: datetime.date) -> datetime.datetime:
    """8 a.m. of the load day (or now, if earlier); the past requests end before it."""
    moment = at(today, 8)
    return min(timezone.now(), moment) if today <= timezone.localdate() else moment


def has_aci(cpts: Cpts) -> bool:
    return cpts.status == CptsStatus.ACI_SIGNED and not cpts.is_dissolved


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# --- Agendas ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """When a member opens SNP slots: on some weekdays, `count` slots from `start`."""

    weekdays: tuple[int, ...]
    start: tuple[int, int]
    count: int
    minutes: int


def pattern_for(profession: str, rng: random.Random) -> Pattern:
    days = tuple(sorted(rng.sample(range(5), rng.randint(2, 3))))
    if profession == Profession.MEDECIN:
        start = rng.choice([(8, 0), (12, 20), (18, 0), (18, 40)])
        saturday = (5,) if rng.random() < 0.3 else ()
        return Pattern(days + saturday, start, rng.randint(2, 3), 20)
    if profession == Profession.INFIRMIER:
        return Pattern(days, rng.choice([(7, 30), (12, 30), (17, 30)]), 2, 30)
    return Pattern(days[:2], rng.choice([(12, 0), (19, 0)]), 2, 30)


def publishers(cpts: Cpts, rng: random.Random) -> list[Professional]:
    """The doctors who said they take part in SNP (a few more if too few), some nurses and
    physiotherapists: active members with a practice place."""
    members = list(
        Professional.objects.filter(memberships__cpts=cpts, memberships__status="active", practice_places__isnull=False)
        .distinct()
        .order_by("pk")
    )
    doctors = [p for p in members if p.profession == Profession.MEDECIN and p.specialty == Specialty.GENERAL_PRACTICE]
    volunteers = [p for p in doctors if p.takes_part_in_snp]
    others = [p for p in doctors if not p.takes_part_in_snp]
    volunteers += rng.sample(others, min(len(others), max(0, MIN_DOCTORS - len(volunteers))))
    nurses = [p for p in members if p.profession == Profession.INFIRMIER]
    physios = [p for p in members if p.profession == Profession.MASSEUR_KINESITHERAPEUTE]
    chosen = volunteers + rng.sample(nurses, min(NURSES, len(nurses))) + rng.sample(physios, min(PHYSIOS, len(physios)))
    return sorted(chosen, key=lambda professional: professional.pk)


def make_agendas(cpts: Cpts, rng: random.Random) -> list[Agenda]:
    agendas = []
    for professional in publishers(cpts, rng):
        place = PracticePlace.objects.filter(professional=professional).order_by("-is_main", "pk").first()
        shares = rng.random() < (0.75 if professional.profession == Profession.MEDECIN else 0.35)
        agendas.append(
            Agenda.objects.create(cpts=cpts, professional=professional, practice_place=place, shares_with_sas=shares)
        )
    return agendas


# --- Slots -----------------------------------------------------------------------------------


def draw_audience(rng: random.Random, audiences=tuple(AUDIENCE_WEIGHTS)) -> str:
    return rng.choices(audiences, weights=[AUDIENCE_WEIGHTS[audience] for audience in audiences])[0]


def new_slot(agenda: Agenda, start: datetime.datetime, minutes: int, rng: random.Random, **fields) -> Slot:
    """A slot as the member publishes it: shared with the SAS as the agenda says, or otherwise
    for this one slot (the member's choice); a slot not shared is never « Régulation SAS
    seulement » (`slots.sharing` refuses it)."""
    place = agenda.practice_place
    shared = agenda.shares_with_sas if rng.random() < 0.9 else not agenda.shares_with_sas
    shared = fields.pop("shared_with_sas", shared)
    audiences = tuple(AUDIENCE_WEIGHTS) if shared else tuple(a for a in AUDIENCE_WEIGHTS if a != Audience.SNP)
    audience = fields.pop("audience", None) or draw_audience(rng, audiences)
    values = {"audience": audience, "shared_with_sas": sharing(agenda, shared, audience), **fields}
    return Slot(
        agenda=agenda,
        cpts_id=agenda.cpts_id,
        professional=agenda.professional,
        profession=agenda.professional.profession,
        specialty=agenda.professional.specialty,
        commune=place.commune,
        latitude=place.commune.latitude,
        longitude=place.commune.longitude,
        start=start,
        end=start + datetime.timedelta(minutes=minutes),
        **values,
    )


def week_of_slots(agendas, patterns, first_day: datetime.date, rng: random.Random) -> list[Slot]:
    slots = []
    for agenda in agendas:
        pattern = patterns[agenda.pk]
        for offset in range(COMING_DAYS):
            day = first_day + datetime.timedelta(days=offset)
            if day.weekday() not in pattern.weekdays:
                continue
            first = at(day, *pattern.start)
            for index in range(pattern.count):
                start = first + datetime.timedelta(minutes=index * pattern.minutes)
                slots.append(new_slot(agenda, start, pattern.minutes, rng))
    return Slot.objects.bulk_create(slots, batch_size=500)


# --- Requests --------------------------------------------------------------------------------


@dataclass
class Story:
    """One request and what happened to it, written in bulk later (foreign keys in order)."""

    request: CareRequest
    events: list = field(default_factory=list)  # (from, to, at, by, note)
    calls: list = field(default_factory=list)
    slot: Slot | None = None
    booking: dict | None = None

    def move(self, from_status, to_status, when, by, note=""):
        self.events.append((from_status, to_status, when, by, note))
        self.request.status = to_status


@dataclass
class Context:
    cpts: Cpts
    coordinator: User
    communes: list
    rng: random.Random
    now: datetime.datetime
    requesters: list
    doctors: list
    nurses: list
    # Each professional's slots and appointments so far: (start, end), never overlapping.
    busy: dict = field(default_factory=dict)

    def is_free(self, professional_id: int, start, end) -> bool:
        return all(
            end <= taken_start or taken_end <= start for taken_start, taken_end in self.busy.get(professional_id, [])
        )

    def take(self, professional_id: int, start, end) -> None:
        self.busy.setdefault(professional_id, []).append((start, end))

    @property
    def volunteers(self) -> list:
        """The doctors' agendas whose member takes part in the duty list (`duty.volunteers`)."""
        return [agenda for agenda in self.doctors if agenda.professional.takes_part_in_snp]


def new_request(context: Context, created_at, *, by, kind, profession, urgency=None) -> Story:
    rng = context.rng
    urgency = urgency or (Urgency.WITHIN_24H if rng.random() < 0.6 else Urgency.WITHIN_48H)
    care_request = CareRequest(
        cpts=context.cpts,
        requested_by=by,
        requester_kind=kind,
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        birth_date=birth_date(rng, created_at.date()),
        phone=demo_phone(rng.randint(1, 99_999), rng),
        commune=rng.choice(context.communes),
        reason=rng.choice(REASONS.get(profession, PHYSIO_REASONS)),
        urgency=urgency,
        profession=profession,
        specialty=Specialty.GENERAL_PRACTICE if profession == Profession.MEDECIN else "",
        status=RequestStatus.OPEN,
        created_at=created_at,
        deadline=created_at + Urgency(urgency).delay,  # as CareRequest.save does
    )
    return Story(care_request, events=[("", RequestStatus.OPEN, created_at, by, "")])


def requesters(cpts: Cpts, coordinator: User) -> list[tuple[User, str]]:
    """Who asks: the SAS regulation (its demo account when it covers the CPTS, else the
    coordination on its behalf), the coordination, and a member account if the CPTS has one."""
    regulator = next(
        (
            role.user
            for role in TerritoryRole.objects.filter(role=TerritoryRoleKind.SAS_REGULATOR)
            .select_related("user")
            .order_by("pk")
            if TerritoryRole.objects.over_cpts(role.user, cpts).filter(pk=role.pk).exists()
        ),
        None,
    )
    found = [(regulator or coordinator, RequesterKind.SAS), (coordinator, RequesterKind.COORDINATOR)]
    member = CptsRole.objects.for_cpts(cpts).filter(role=CptsRoleKind.MEMBER).select_related("user").order_by("pk")
    if member.exists():
        found.append((member.first().user, RequesterKind.MEMBER))
    return found


def pick_requester(context: Context) -> tuple[User, str]:
    weights = {RequesterKind.SAS: 45, RequesterKind.COORDINATOR: 40, RequesterKind.MEMBER: 15}
    return context.rng.choices(context.requesters, weights=[weights[kind] for _, kind in context.requesters])[0]


def free_time(context: Context, agenda: Agenda, pattern: Pattern | None, after, deadline, minutes: int):
    """The member's first free time at least half an hour after `after` and no later than the
    request's `deadline`: their usual slot times first, else a half hour of the working day
    (a slot published for the request); None when the member has no time before it."""
    earliest = after + datetime.timedelta(minutes=30)
    length = datetime.timedelta(minutes=minutes)
    usual = []
    if pattern is not None:
        for offset in range(3):
            first = at(after.date() + datetime.timedelta(days=offset), *pattern.start)
            usual += [first + index * datetime.timedelta(minutes=pattern.minutes) for index in range(pattern.count)]
    halves = []
    for offset in range(3):
        day = after.date() + datetime.timedelta(days=offset)
        halves += [at(day, hour, minute) for hour in range(8, 19) for minute in (0, 30)]
    for start in [*sorted(usual), *halves]:
        if earliest <= start <= deadline and context.is_free(agenda.professional_id, start, start + length):
            return start
    return None


def deal_outcomes(stories: list[Story], rng: random.Random) -> None:
    """Outcomes in the proportions of OUTCOME_WEIGHTS, each at least once, in a shuffled order."""
    closed = [story for story in stories if story.request.status == RequestStatus.CLOSED]
    total = sum(OUTCOME_WEIGHTS.values())
    deck = []
    for outcome, weight in list(OUTCOME_WEIGHTS.items())[1:]:
        deck += [outcome] * max(1, round(len(closed) * weight / total))
    deck += [Outcome.HONOURED] * max(0, len(closed) - len(deck))
    rng.shuffle(deck)
    for story, outcome in zip(closed, deck, strict=False):
        story.booking["outcome"] = outcome
        old, new, when, by, _ = story.events[-1]
        story.events[-1] = (old, new, when, by, Outcome(outcome).label)


def past_requests(context: Context, patterns, today: datetime.date) -> list[Story]:
    """Requests of the 28 days before `today`, each with its story."""
    rng = context.rng
    stories = []
    for week in range(PAST_DAYS // 7):
        for _ in range(rng.randint(*REQUESTS_PER_WEEK)):
            # Two days back at least: the appointment (next day at the latest) is over by `today`.
            day = today - datetime.timedelta(days=7 * week + rng.randint(2, 8))
            created_at = at(day, rng.randint(8, 18), rng.choice([0, 10, 20, 30, 40, 50]))
            agenda = rng.choice(context.nurses if context.nurses and rng.random() < 0.12 else context.doctors)
            stories.append(past_story(context, agenda, patterns[agenda.pk], created_at))
    deal_outcomes(stories, rng)
    return stories


def past_story(context: Context, agenda: Agenda, pattern: Pattern, created_at) -> Story:
    rng = context.rng
    by, kind = pick_requester(context)
    story = new_request(context, created_at, by=by, kind=kind, profession=agenda.professional.profession)
    care_request = story.request
    draw = rng.random()
    if draw < 0.07:
        return cancelled(story, by)
    answered_at = created_at + datetime.timedelta(minutes=rng.randint(8, 150))
    deadline = care_request.deadline
    if draw < 0.22 and agenda.professional.profession == Profession.MEDECIN and context.volunteers:
        # Nobody had a slot: the duty list; a volunteer gives a time before the deadline.
        agenda, answered_at, appointment_at = from_duty_list(context, story, answered_at)
        if appointment_at is None:
            return cancelled(story, by)
        context.take(agenda.professional_id, appointment_at, appointment_at + DUTY_APPOINTMENT)
    else:
        start = free_time(context, agenda, pattern, answered_at, deadline, pattern.minutes)
        if start is None:
            return cancelled(story, by)
        story.move(RequestStatus.OPEN, RequestStatus.BOOKED, answered_at, by, "créneau réservé")
        # A slot the search offers this requester: the SAS sees shared slots, never « CPTS »
        # ones; members and the coordination never the SAS's own.
        if kind == RequesterKind.SAS:
            audience = draw_audience(rng, SAS_AUDIENCES)
            story.slot = new_slot(
                agenda, start, pattern.minutes, rng, status=SlotStatus.BOOKED, shared_with_sas=True, audience=audience
            )
        else:
            audience = draw_audience(rng, MEMBER_AUDIENCES)
            story.slot = new_slot(agenda, start, pattern.minutes, rng, status=SlotStatus.BOOKED, audience=audience)
        context.take(agenda.professional_id, story.slot.start, story.slot.end)
        appointment_at = story.slot.start
    care_request.answered_at = answered_at
    outcome_at = min(appointment_at + datetime.timedelta(hours=rng.randint(1, 20)), context.now)
    # The outcome (and the closing event's note) is dealt later: see deal_outcomes.
    story.move(RequestStatus.BOOKED, RequestStatus.CLOSED, outcome_at, context.coordinator)
    story.booking = {
        "agenda": agenda,
        "appointment_at": appointment_at,
        "booked_at": answered_at,
        "booked_by": by if story.slot is not None else (agenda.professional.user or context.coordinator),
        "outcome_at": outcome_at,
        "outcome_by": context.coordinator,
    }
    return story


def cancelled(story: Story, by) -> Story:
    story.move(
        RequestStatus.OPEN,
        RequestStatus.CANCELLED,
        story.request.created_at + datetime.timedelta(hours=2),
        by,
        "le patient a trouvé un rendez-vous",
    )
    return story


def from_duty_list(context: Context, story: Story, answered_at):
    """No slot fitted: the duty list (its volunteers only), sometimes escalated, and the first
    volunteer with a free time before the deadline took it: (agenda, answered at, appointment
    at); the appointment is None when none had time (the request is then cancelled)."""
    rng, care_request = context.rng, story.request
    by = care_request.requested_by
    sent = care_request.created_at + datetime.timedelta(minutes=rng.randint(5, 20))
    care_request.sent_to_duty_at = sent
    story.move(RequestStatus.OPEN, RequestStatus.ON_DUTY_LIST, sent, by, "aucun créneau disponible")
    if rng.random() < 0.3:
        escalated = sent + datetime.timedelta(minutes=30)
        care_request.escalated_at = escalated
        story.move(RequestStatus.ON_DUTY_LIST, RequestStatus.ESCALATED, escalated, None, "sans réponse des volontaires")
        answered_at = max(answered_at, escalated + datetime.timedelta(minutes=10))
    volunteers = rng.sample(context.volunteers, min(3, len(context.volunteers)))
    appointment_at = None
    for index, volunteer in enumerate(volunteers):
        later = answered_at + datetime.timedelta(minutes=30 + 60 * rng.randint(0, 4))
        appointment_at = free_time(context, volunteer, None, later, story.request.deadline, 20)
        if appointment_at is not None:
            volunteers.insert(0, volunteers.pop(index))
            break
    if appointment_at is None:
        story.events = story.events[:1]
        story.request.status, story.request.sent_to_duty_at, story.request.escalated_at = RequestStatus.OPEN, None, None
        return volunteers[0] if volunteers else None, answered_at, None
    for index, volunteer in enumerate(volunteers):
        answer = DutyAnswer.ACCEPTED if index == 0 else DutyAnswer.TOO_LATE
        story.calls.append(
            DutyCall(professional=volunteer.professional, notified_at=sent, answer=answer, answered_at=answered_at)
        )
    taker = volunteers[0]
    story.move(
        care_request.status, RequestStatus.BOOKED, answered_at, taker.professional.user, "pris par un volontaire"
    )
    return taker, answered_at, appointment_at


def coming_bookings(context: Context, slots: list[Slot]) -> list[Story]:
    """About a fifth of the slots of the next two days are booked already (outcome to come)."""
    rng, now = context.rng, context.now
    stories = []
    for slot in slots:
        if slot.start > now + datetime.timedelta(hours=44) or rng.random() >= 0.2:
            continue
        created_at = now - datetime.timedelta(minutes=rng.randint(20, 600))
        if slot.start > created_at + Urgency(Urgency.WITHIN_48H).delay:
            continue  # after the request's deadline: the search would not offer it
        by, kind = pick_requester(context)
        if slot.audience == Audience.SNP:
            by, kind = context.requesters[0]  # reserved to the SAS regulation
        elif kind == RequesterKind.SAS and (not slot.shared_with_sas or slot.audience == Audience.CPTS):
            by, kind = context.requesters[1]  # a slot the SAS does not see: the coordination placed it
        story = new_request(
            context, created_at, by=by, kind=kind, profession=slot.profession, urgency=Urgency.WITHIN_48H
        )
        answered_at = created_at + datetime.timedelta(minutes=rng.randint(5, 15))
        story.request.answered_at = answered_at
        story.move(RequestStatus.OPEN, RequestStatus.BOOKED, answered_at, by, "créneau réservé")
        slot.status = SlotStatus.BOOKED
        story.slot = slot
        story.booking = {"agenda": slot.agenda, "appointment_at": slot.start, "booked_at": answered_at, "booked_by": by}
        stories.append(story)
    return stories


def write_stories(context: Context, stories: list[Story]) -> list[Booking]:
    CareRequest.objects.bulk_create([story.request for story in stories], batch_size=500)
    Slot.objects.bulk_create([s.slot for s in stories if s.slot is not None and s.slot.pk is None], batch_size=500)
    Slot.workflow.run_many(
        Slot.objects.filter(pk__in=[s.slot.pk for s in stories if s.slot is not None]), "book", by=None
    )
    events, calls, bookings = [], [], []
    for story in stories:
        events += [
            RequestEvent(request=story.request, from_status=old, to_status=new, at=when, by=by, note=note)
            for old, new, when, by, note in story.events
        ]
        for call in story.calls:
            call.request = story.request
        calls += story.calls
        if story.booking is not None:
            fields = dict(story.booking)
            agenda = fields.pop("agenda")
            bookings.append(
                Booking(
                    cpts=context.cpts,
                    request=story.request,
                    slot=story.slot,
                    professional=agenda.professional,
                    practice_place=agenda.practice_place,
                    via_sas=story.request.requester_kind == RequesterKind.SAS,
                    **fields,
                )
            )
    RequestEvent.objects.bulk_create(events, batch_size=500)
    DutyCall.objects.bulk_create(calls, batch_size=500)
    return Booking.objects.bulk_create(bookings, batch_size=500)


# --- Entry points ----------------------------------------------------------------------------


@transaction.atomic
def ensure_snp(cpts: Cpts, coordinator: User, *, seed: int, today: datetime.date) -> dict | None:
    """Agendas, the coming week of slots and past requests; None when left alone."""
    if not has_aci(cpts):
        return None
    rng = random.Random(f"{seed}:snp:{cpts.slug}")
    first_day = today + datetime.timedelta(days=1)
    existing = list(Agenda.objects.for_cpts(cpts).select_related("professional", "practice_place__commune"))
    if existing:
        # Loaded before: only a new week of slots once the last one is over (a series' slots
        # are the member's own: its member gets no drawn week while it runs, so none overlaps).
        if Slot.objects.for_cpts(cpts).filter(start__gte=at(first_day, 0), series__isnull=True).exists():
            return None
        patterns = {agenda.pk: pattern_for(agenda.professional.profession, rng) for agenda in existing}
        running = set(
            SlotSeries.objects.filter(agenda__cpts=cpts, last_date__gte=first_day).values_list(
                "agenda__professional_id", flat=True
            )
        )
        slots = week_of_slots([a for a in existing if a.professional_id not in running], patterns, first_day, rng)
        return {"agendas": len(existing), "slots": len(slots), "requests": 0}
    communes = [
        row.commune
        for row in TerritoryCommune.objects.current().for_cpts(cpts).select_related("commune").order_by("commune__code")
    ]
    created = make_agendas(cpts, rng)
    if not communes or not created:
        return None
    SnpSetup.objects.get_or_create(cpts=cpts, defaults={"professions": SNP_PROFESSIONS})
    agendas = list(
        Agenda.objects.filter(pk__in=[a.pk for a in created]).select_related("professional", "practice_place__commune")
    )
    patterns = {agenda.pk: pattern_for(agenda.professional.profession, rng) for agenda in agendas}
    slots = week_of_slots(agendas, patterns, first_day, rng)
    context = Context(
        cpts=cpts,
        coordinator=coordinator,
        communes=communes,
        rng=rng,
        now=load_time(today),
        requesters=requesters(cpts, coordinator),
        doctors=[a for a in agendas if a.professional.profession == Profession.MEDECIN],
        nurses=[a for a in agendas if a.professional.profession == Profession.INFIRMIER],
    )
    for slot in slots:
        context.take(slot.professional_id, slot.start, slot.end)
    stories = past_requests(context, patterns, today) if context.doctors else []
    stories += coming_bookings(context, slots)
    bookings = write_stories(context, stories)
    return {"agendas": len(agendas), "slots": len(slots), "requests": len(stories), "bookings": len(bookings)}


# --- A member's weekly series, an open request ---------------------------------------------

# Tuesdays and Thursdays from 6 p.m., three 20-minute slots (as `slots.create_series` takes them), for eight weeks.
SERIES = {"weekdays": (1, 3), "start_time": datetime.time(18, 0), "duration_minutes": 20, "count_per_day": 3}
SERIES_WEEKS = 8
# Who the open request is for, in order: the first with a free slot before its deadline.
OPEN_REQUEST_PROFESSIONS = [
    (Profession.MEDECIN, Specialty.GENERAL_PRACTICE),
    (Profession.INFIRMIER, Specialty.NONE),
    (Profession.MASSEUR_KINESITHERAPEUTE, Specialty.NONE),
]


def series_professional(cpts: Cpts) -> Professional | None:
    """The demo member account's card when it may publish here (« Mes créneaux SNP » then shows
    its series), else the first volunteer general practitioner who has an agenda."""
    for role in CptsRole.objects.for_cpts(cpts).filter(role=CptsRoleKind.MEMBER).select_related("user").order_by("pk"):
        professional = snp_slots.publisher(role.user, cpts)
        if professional is not None and professional.practice_places.exists():
            return professional
    agenda = (
        Agenda.objects.for_cpts(cpts)
        .filter(
            professional__profession=Profession.MEDECIN,
            professional__specialty=Specialty.GENERAL_PRACTICE,
            professional__takes_part_in_snp=True,
        )
        .select_related("professional")
        .order_by("pk")
        .first()
    )
    return agenda.professional if agenda else None


def ensure_series(cpts: Cpts, *, seed: int, today: datetime.date) -> SlotSeries | None:
    """A member's weekly series (`slots.create_series`: checked, its slots materialised), from the
    day after the coming week of slots, so it overlaps none of the member's slots or appointments;
    public holidays (`meetings.HOLIDAYS`) and a day off as exception dates. None when left alone."""
    if not has_aci(cpts) or not Agenda.objects.for_cpts(cpts).exists():
        return None
    professional = series_professional(cpts)
    if professional is None or SlotSeries.objects.filter(agenda__cpts=cpts, agenda__professional=professional).exists():
        return None
    rng = random.Random(f"{seed}:snp-series:{cpts.slug}")
    agenda = Agenda.objects.for_cpts(cpts).filter(professional=professional).order_by("pk").first()
    if agenda is None:
        place = professional.practice_places.order_by("-is_main", "pk").first()
        agenda = snp_slots.ensure_agenda(cpts, professional, place)
    first_date = today + datetime.timedelta(days=COMING_DAYS + 1)
    last_date = first_date + datetime.timedelta(weeks=SERIES_WEEKS, days=-1)
    days = [day for day in snp_slots.dates_between(first_date, last_date) if day.weekday() in SERIES["weekdays"]]
    exceptions = {day for day in days if (day.month, day.day) in HOLIDAYS}
    exceptions.add(rng.choice(days[len(days) // 2 :]))  # a day off
    return snp_slots.create_series(
        agenda,
        **SERIES,
        first_date=first_date,
        last_date=last_date,
        exceptions=sorted(day.isoformat() for day in exceptions),
        audience=Audience.PUBLIC,
    )


def ensure_open_request(cpts: Cpts, coordinator: User, *, seed: int, today: datetime.date) -> CareRequest | None:
    """A request the coordination received a moment ago and has still to place: created as the
    request form does (`requests.create_request`), for a profession with free slots that fit it
    before its deadline (`search.visible_slots`), its patient living where the nearest one is.
    None when the CPTS has a waiting request still within its deadline."""
    if not has_aci(cpts):
        return None
    now = timezone.now()
    if CareRequest.objects.for_cpts(cpts).waiting().filter(deadline__gt=now).exists():
        return None
    rng = random.Random(f"{seed}:snp-open:{cpts.slug}")
    urgency = Urgency.WITHIN_48H
    for profession, specialty in OPEN_REQUEST_PROFESSIONS:
        candidate = CareRequest(
            cpts=cpts,
            requester_kind=RequesterKind.COORDINATOR,
            profession=profession,
            specialty=specialty,
            deadline=now + Urgency(urgency).delay,
        )
        slot = search.visible_slots(candidate, now=now).select_related("commune").order_by("start", "pk").first()
        if slot is not None:
            break
    else:
        return None
    return create_request(
        cpts,
        by=coordinator,
        requester_kind=RequesterKind.COORDINATOR,
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        birth_date=birth_date(rng, today),
        phone=demo_phone(rng.randint(1, 99_999), rng),
        commune=slot.commune,
        reason=rng.choice(REASONS.get(profession, PHYSIO_REASONS)),
        urgency=urgency,
        profession=profession,
        specialty=specialty,
    )


def sas_client_email() -> str:
    from .builder import EMAIL_DOMAIN  # the builder imports this module

    return f"{SAS_CLIENT_LOCAL_PART}@{EMAIL_DOMAIN}"


def ensure_sas_client(seed: int) -> dict:
    """The SAS platform's client account (no password: it only has its API token), and the
    RPPS of members whose shared free slots it can find (25 at most, the guide's limit)."""
    from .builder import demo_token

    email = sas_client_email()
    user, created = User.objects.get_or_create(email=email, defaults={"first_name": "Plateforme", "last_name": "SAS"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    SasClient.objects.get_or_create(user=user, defaults={"name": SAS_CLIENT_NAME})
    token = demo_token(seed, email)
    existing = ApiToken.objects.filter(digest=token_digest(token))
    if not existing.exists():
        # A FHIR client token: it opens /fhir/ only, never /api/v1/.
        ApiToken.issue(user, "SAS", plain=token, kind=ApiTokenKind.FHIR)
    else:  # a demo loaded again (or made before tokens had a kind)
        existing.update(kind=ApiTokenKind.FHIR, scopes=[], expires_at=default_token_expiry())
    return {"token": token, "rpps": shared_rpps()}


def shared_rpps() -> list[str]:
    """RPPS of members with shared free slots ahead, in a CPTS the FHIR search answers for."""
    rpps = (
        Slot.objects.free()
        .shared_with_sas()
        .filter(start__gte=timezone.now(), professional__rpps__isnull=False, cpts__status=CptsStatus.ACI_SIGNED)
        .exclude(cpts__finess="")
        .filter(professional__memberships__cpts=F("cpts"), professional__memberships__status="active")
        .values_list("professional__rpps", flat=True)
        .distinct()
        .order_by("professional__rpps")
    )
    return list(rpps[:MAX_SEARCHED_PRACTITIONERS])
