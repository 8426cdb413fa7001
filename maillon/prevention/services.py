"""Writes of the prevention mission that span several rows: registering and cancelling with
the waiting list, the attendance sheet, measures and their yearly values.

Registration and the waiting list:
- a registration takes a seat by the session's conditional UPDATE, or joins the waiting list;
- a confirmed person who cancels hands their seat to the first of the waiting list (by
  registration time), never back to the pool while someone waits; with nobody waiting the
  seat is free again;
- more seats (the coordinator raises the capacity) go to the waiting list first.
Each change queues its message to the person (`notifications.py`) on commit.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from maillon.core import journal, throttle
from maillon.core.notifications import sending
from maillon.core.workflows import TransitionNotAllowed
from maillon.territories.models import Departement, TerritoryCommune

from .models import (
    ActionStatus,
    AgeBand,
    Measure,
    MeasureValue,
    PublicSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
    Sex,
    WalkInCount,
)

PERSONAL_FIELDS = ["first_name", "last_name", "email", "phone"]


ACTIVE = [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]


class Event:
    """What a message to a registrant says (`notifications.send_registration_message`)."""

    CONFIRMED = "confirmed"
    WAITING = "waiting"
    PROMOTED = "promoted"
    CANCELLED = "cancelled"
    SESSION_CANCELLED = "session_cancelled"
    REMINDER = "reminder"
    CHANGED = "changed"


def tell(registration_id: int, event: str) -> None:
    from .notifications import send_registration_message

    sending.on_commit(send_registration_message, registration_id, event)


# --- Registering ---------------------------------------------------------------------------


def register(
    session: PublicSession,
    *,
    first_name: str,
    last_name: str,
    email: str,
    phone: str = "",
    age_band: str = AgeBand.UNKNOWN,
    sex: str = Sex.UNKNOWN,
) -> Registration:
    """A seat if one is left, else a place on the waiting list. The same address registered
    twice keeps its one registration (its message is sent again, at most once an hour: the page
    answers the same whatever happened)."""
    email = email.strip().lower()
    with transaction.atomic():
        # The session's row is the lock of its seats, its waiting list and its status: a
        # cancellation, a second click or the session being cancelled wait for this one.
        session = lock(session)
        if not session.is_open or session.action.status == ActionStatus.CANCELLED:
            raise ValidationError({"session": "Les inscriptions à cette séance sont closes."})
        existing = session.registrations.filter(email=email, status__in=ACTIVE).first()
        if existing is not None:
            if throttle.allow_key("prevention_resend", f"{session.pk}:{email}", limit=1):
                tell(existing.pk, Event.CONFIRMED if existing.status == RegistrationStatus.CONFIRMED else Event.WAITING)
            return existing
        # Nobody may jump the queue: with people waiting, a newcomer waits too.
        seated = not session.registrations.waiting().exists() and session.take_seat()
        registration = Registration.objects.create(
            session=session,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email,
            phone=phone.strip(),
            age_band=age_band,
            sex=sex,
            status=RegistrationStatus.CONFIRMED if seated else RegistrationStatus.WAITING,
        )
        tell(registration.pk, Event.CONFIRMED if seated else Event.WAITING)
    return registration


def lock(session: PublicSession) -> PublicSession:
    """The session read again under a row lock (inside a transaction)."""
    return PublicSession.objects.select_for_update(of=("self",)).select_related("action").get(pk=session.pk)


def waiting_rank(registration: Registration) -> int | None:
    """1 for the first of the waiting list."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = registration.session.registrations.waiting().filter(registered_at__lt=registration.registered_at).count()
    return ahead + 1


@transaction.atomic
def cancel_registration(registration: Registration, *, by=None, note: str = "") -> Registration | None:
    """Cancel; a confirmed seat goes to the first person waiting (returned), if any."""
    session = lock(registration.session)
    registration.refresh_from_db(fields=["status"])
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.workflow.run(registration, "cancel", by=by, note=note)
    tell(registration.pk, Event.CANCELLED)
    if not was_confirmed:
        return None
    promoted = hand_seat_to_waiting_list(session, by=by) if session.starts_at > timezone.now() else None
    if promoted is None:
        session.free_seat()
    return promoted


def hand_seat_to_waiting_list(session: PublicSession, *, by=None) -> Registration | None:
    """The first of the waiting list who is still waiting takes the seat being handed over."""
    for candidate in session.registrations.waiting():
        try:
            candidate.workflow.run(candidate, "promote", by=by, note="Place libérée")
        except TransitionNotAllowed:  # cancelled meanwhile: the next one
            continue
        tell(candidate.pk, Event.PROMOTED)
        return candidate
    return None


@transaction.atomic
def fill_from_waiting_list(session: PublicSession, *, by=None) -> int:
    """Free seats (after the capacity grew) go to the waiting list, in order."""
    session = lock(session)
    promoted = 0
    for candidate in session.registrations.waiting():
        if not session.take_seat():
            break
        try:
            candidate.workflow.run(candidate, "promote", by=by, note="Places ajoutées")
        except TransitionNotAllowed:
            session.free_seat()
            continue
        tell(candidate.pk, Event.PROMOTED)
        promoted += 1
    return promoted


# What a registrant must be told of when it changes: when and where.
WHEN_AND_WHERE = ("starts_at", "ends_at", "place", "commune_id", "online_url")


def save_session(session: PublicSession, *, by=None) -> PublicSession:
    """Create or change a session. A capacity below the seats taken is refused by the database
    too (a registration may land between the check and the save); people registered or waiting
    are told when the date, the place or the link changes (with the .ics updated), and a moved
    session is reminded again the day before its new date."""
    session.full_clean()
    creating = session._state.adding
    before = None if creating else PublicSession.objects.filter(pk=session.pk).values(*WHEN_AND_WHERE).first()
    active = [] if creating else list(session.registrations.filter(status__in=ACTIVE).values_list("pk", flat=True))
    if session.capacity is None and active:
        raise ValidationError(
            {"capacity": "Places : des personnes sont inscrites ou en attente ; annulez leurs inscriptions d'abord."}
        )
    moved = before is not None and any(before[name] != getattr(session, name) for name in WHEN_AND_WHERE)
    rescheduled = moved and before["starts_at"] != session.starts_at
    if moved:
        session.sequence += 1
    if rescheduled:
        session.reminders_queued_at = None
    try:
        with transaction.atomic():
            session.save()
            if rescheduled:
                Registration.objects.filter(pk__in=active).update(reminded_at=None)
            for registration_id in active if moved else []:
                tell(registration_id, Event.CHANGED)
    except IntegrityError as error:
        raise ValidationError(
            {"capacity": "Places : des personnes se sont inscrites entre-temps ; rechargez la page."}
        ) from error
    session.refresh_from_db(fields=["seats_taken"])
    if session.is_open:
        fill_from_waiting_list(session, by=by)
    return session


@transaction.atomic
def cancel_session(session: PublicSession, *, by, note: str = "") -> int:
    """Cancel the session and tell everyone registered or waiting; returns how many."""
    lock(session)
    session.cancel(by=by, note=note)
    active = list(session.registrations.filter(status__in=ACTIVE))
    for registration in active:
        registration.workflow.run(registration, "cancel", by=by, note="Séance annulée")
        tell(registration.pk, Event.SESSION_CANCELLED)
    return len(active)


@transaction.atomic
def cancel_action(action, *, by, note: str = "") -> int:
    """Cancel the action and its sessions still to come (their registrants are told); returns
    how many sessions were cancelled."""
    action.cancel(by=by, note=note)
    scheduled = list(action.sessions.filter(status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now()))
    for session in scheduled:
        cancel_session(session, by=by, note=note or "Action annulée")
    return len(scheduled)


# --- Attendance ----------------------------------------------------------------------------


def attendance_opens(session: PublicSession) -> datetime.date:
    return timezone.localdate(session.starts_at)


@transaction.atomic
def record_attendance(session: PublicSession, *, present: set[int], walk_ins: dict, by) -> None:
    """The sheet of the day: who among the confirmed came, and how many came without
    registering, by age band and sex ({(age_band, sex): count})."""
    if timezone.localdate() < attendance_opens(session):
        raise ValidationError({"present": "Présences : la feuille s'ouvre le jour de la séance."})
    confirmed = list(session.registrations.confirmed())
    for registration in confirmed:
        attended = registration.pk in present
        if registration.attended != attended:
            registration.attended = attended
            registration.save(update_fields=["attended"])
    for (age_band, sex), count in walk_ins.items():
        if count < 0:
            raise ValidationError({"walk_ins": "Participants sans inscription : un nombre positif ou nul."})
        WalkInCount.objects.update_or_create(session=session, age_band=age_band, sex=sex, defaults={"count": count})
    journal.record(journal.Action.UPDATE, session, fields=["attendance"], actor=by)


def participants_by_session(sessions) -> dict[int, dict[tuple[str, str], int]]:
    """{session id: {(age band, sex): people who came}} — registrants marked present and
    walk-ins — in two queries whatever the number of sessions."""
    counts: dict[int, dict[tuple[str, str], int]] = {}
    present = (
        Registration.objects.filter(session__in=sessions, attended=True)
        .values("session", "age_band", "sex")
        .annotate(n=Count("pk"))
        .order_by()
    )
    walk_ins = (
        WalkInCount.objects.filter(session__in=sessions)
        .values("session", "age_band", "sex")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for row in [*present, *walk_ins]:
        bands = counts.setdefault(row["session"], {})
        key = (row["age_band"], row["sex"])
        bands[key] = bands.get(key, 0) + (row["n"] or 0)
    return counts


def participants_by_band(sessions) -> dict[tuple[str, str], int]:
    """People who came — registrants marked present and walk-ins — by (age band, sex)."""
    counts: dict[tuple[str, str], int] = {}
    for bands in participants_by_session(sessions).values():
        for key, n in bands.items():
            counts[key] = counts.get(key, 0) + n
    return counts


def participants_count(sessions) -> int:
    return sum(participants_by_band(sessions).values())


# --- Measures ------------------------------------------------------------------------------


def main_departement(cpts):
    """The département holding most of the territory's current communes."""
    rows = (
        TerritoryCommune.objects.for_cpts(cpts)
        .current()
        .values("commune__departement")
        .annotate(n=Count("pk"))
        .order_by("-n", "commune__departement")
    )
    first = rows.first()
    if first is None:
        return None
    return Departement.objects.get(pk=first["commune__departement"])


def create_measure(action, **fields) -> Measure:
    measure = Measure(cpts=action.cpts, action=action, **fields)
    if measure.departement_id is None:
        measure.departement = main_departement(action.cpts)
    measure.full_clean()
    measure.save()
    return measure


def set_value(measure: Measure, *, year: int, scope: str, by=None, imported=False, **fields) -> MeasureValue:
    """The value of `year` for `scope`, created or replaced (a corrected figure)."""
    row = MeasureValue.objects.filter(measure=measure, year=year, scope=scope).first() or MeasureValue(
        measure=measure, year=year, scope=scope
    )
    for name, value in fields.items():
        setattr(row, name, value)
    row.imported = imported
    row.entered_by = by
    row.entered_at = timezone.now()
    row.full_clean(validate_unique=False)
    row.save()
    return row
