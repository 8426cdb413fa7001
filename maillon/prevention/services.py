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

from maillon.core import journal
from maillon.core.notifications import sending
from maillon.core.workflows import TransitionNotAllowed
from maillon.territories.models import Departement, TerritoryCommune

from .models import (
    AgeBand,
    Measure,
    MeasureValue,
    PublicSession,
    Registration,
    RegistrationStatus,
    Sex,
    WalkInCount,
)

PERSONAL_FIELDS = ["first_name", "last_name", "email", "phone"]


class Event:
    """What a message to a registrant says (`notifications.send_registration_message`)."""

    CONFIRMED = "confirmed"
    WAITING = "waiting"
    PROMOTED = "promoted"
    CANCELLED = "cancelled"
    SESSION_CANCELLED = "session_cancelled"
    REMINDER = "reminder"


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
    twice keeps its one registration (its message is sent again: the page answers the same)."""
    if not session.is_open:
        raise ValidationError({"session": "Les inscriptions à cette séance sont closes."})
    email = email.strip().lower()
    with transaction.atomic():
        existing = session.registrations.filter(
            email=email, status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
        ).first()
        if existing is not None:
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


def waiting_rank(registration: Registration) -> int | None:
    """1 for the first of the waiting list."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = registration.session.registrations.waiting().filter(registered_at__lt=registration.registered_at).count()
    return ahead + 1


@transaction.atomic
def cancel_registration(registration: Registration, *, by=None, note: str = "") -> Registration | None:
    """Cancel; a confirmed seat goes to the first person waiting (returned), if any."""
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.workflow.run(registration, "cancel", by=by, note=note)
    tell(registration.pk, Event.CANCELLED)
    if not was_confirmed:
        return None
    session = registration.session
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


def save_session(session: PublicSession, *, by=None) -> PublicSession:
    """Create or change a session; a capacity below the seats taken is refused by the
    database too (a registration may land between the check and the save)."""
    session.full_clean()
    try:
        with transaction.atomic():
            session.save()
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
    session.cancel(by=by, note=note)
    active = list(session.registrations.filter(status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]))
    for registration in active:
        registration.workflow.run(registration, "cancel", by=by, note="Séance annulée")
        tell(registration.pk, Event.SESSION_CANCELLED)
    return len(active)


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


def participants_by_band(sessions) -> dict[tuple[str, str], int]:
    """People who came — registrants marked present and walk-ins — by (age band, sex)."""
    counts: dict[tuple[str, str], int] = {}
    present = (
        Registration.objects.filter(session__in=sessions, attended=True)
        .values("age_band", "sex")
        .annotate(n=Count("pk"))
    )
    for row in present:
        key = (row["age_band"], row["sex"])
        counts[key] = counts.get(key, 0) + row["n"]
    walk_ins = WalkInCount.objects.filter(session__in=sessions).values("age_band", "sex").annotate(n=Sum("count"))
    for row in walk_ins:
        key = (row["age_band"], row["sex"])
        counts[key] = counts.get(key, 0) + (row["n"] or 0)
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
