"""Writes and computations of meetings and indemnities (they span `members`).

The yearly cap
==============
The yearly indemnity of a member is capped at the *plafond annuel de la Sécurité
sociale* (DOMAIN.md §1), the setting `MAILLON_ANNUAL_INDEMNITY_CAP` (year → euros).
For a year absent from the setting, the latest known year's value is used and the
cap is said "à confirmer".

Policy chosen: validating time that would take a member's validated indemnity of the
year over the cap is **refused unless the coordinator confirms** (`confirm_over_cap=True`)
— the validation then goes through and the result says it passes the cap. Attendance of a
meeting (recorded by the coordinator) is validated at once and never refused: its result
lists the members it takes over the cap. In every case the payment list pays the
**capped amount**, min(amount, cap), and shows both.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from maillon.core import journal
from maillon.members.models import Membership
from maillon.territories.models import normalize_name

from . import notifications
from .models import (
    Attendance,
    HourlyRate,
    Invitation,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    PollAnswer,
    SeriesSession,
    TimeEntry,
    TimeKind,
)

CENT = Decimal("0.01")
DEFAULT_CAP = {2023: 43_992}


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Cap:
    year: int
    amount: Decimal
    confirmed: bool  # False: the year is not in the setting, the latest known value is used


def annual_cap(year: int) -> Cap:
    caps = getattr(settings, "MAILLON_ANNUAL_INDEMNITY_CAP", None) or DEFAULT_CAP
    caps = {int(key): value for key, value in caps.items()}
    if year in caps:
        return Cap(year, money(str(caps[year])), True)
    return Cap(year, money(str(caps[max(caps)])), False)


def hourly_rate(cpts, year) -> Decimal | None:
    amount = HourlyRate.objects.for_cpts(cpts).filter(year=year).values_list("amount", flat=True).first()
    return amount


def validated_hours(membership, year) -> Decimal:
    total = (
        TimeEntry.objects.for_cpts(membership.cpts_id)
        .filter(membership=membership)
        .of_year(year)
        .validated()
        .aggregate(total=Sum("hours"))["total"]
    )
    return money(total or 0)


@dataclass
class Indemnity:
    membership: Membership
    year: int
    hours: Decimal
    rate: Decimal | None
    cap: Cap

    @property
    def amount(self) -> Decimal:
        return money(self.hours * (self.rate or 0))

    @property
    def capped_amount(self) -> Decimal:
        return min(self.amount, self.cap.amount)

    @property
    def over_cap(self) -> bool:
        return self.amount > self.cap.amount


def indemnity(membership, year) -> Indemnity:
    return Indemnity(
        membership, year, validated_hours(membership, year), hourly_rate(membership.cpts_id, year), annual_cap(year)
    )


def payment_list(cpts, year) -> list[Indemnity]:
    """One row per adhesion with validated time in `year`, in the directory's order."""
    totals = dict(
        TimeEntry.objects.for_cpts(cpts)
        .of_year(year)
        .validated()
        .values("membership")
        .annotate(total=Sum("hours"))
        .values_list("membership", "total")
    )
    rate, cap = hourly_rate(cpts, year), annual_cap(year)
    memberships = (
        Membership.objects.for_cpts(cpts)
        .filter(pk__in=totals)
        .select_related("professional", "structure", "payment_details")
        .order_by("professional__last_name", "professional__first_name", "structure__name", "pk")
    )
    return [Indemnity(membership, year, money(totals[membership.pk]), rate, cap) for membership in memberships]


# --- Meetings ----------------------------------------------------------------------------


def invitable_memberships(cpts, *, colleges=(), professions=(), missions=(), involvements=()):
    """Active adhesions of professionals (who answer through their account) matching the
    selection (`Membership.objects.matching`); an empty criterion means « all »."""
    return (
        Membership.objects.for_cpts(cpts)
        .active()
        .filter(professional__isnull=False)
        .matching(
            colleges=[getattr(college, "pk", college) for college in colleges],
            professions=professions,
            missions=missions,
            involvements=involvements,
        )
    )


@transaction.atomic
def create_meeting(*, cpts, by, slots, criteria=None, membership_ids=None, **fields) -> Meeting:
    """A meeting in poll state, its proposed slots [(start, end)…] and its invitations: the
    adhesions matching `criteria` (all when empty), or only those picked (`membership_ids`)."""
    if not slots:
        raise ValidationError({"slots": "Créneaux : proposez au moins une date."})
    meeting = Meeting.objects.create(cpts=cpts, created_by=by, **fields)
    for starts_at, ends_at in slots:
        if ends_at <= starts_at:
            raise ValidationError({"slots": "Créneaux : la fin doit suivre le début."})
        meeting.slots.create(starts_at=starts_at, ends_at=ends_at)
    if membership_ids is None:
        invite(meeting, **(criteria or {}))
    else:
        _invite_memberships(meeting, picked_memberships(cpts, membership_ids))
    notifications.send_on_commit(meeting, notifications.POLL, by=by)
    return meeting


def search_invitable(meeting, q, *, limit=30) -> list[Membership]:
    """Invitable adhesions not invited yet whose name (or profession) holds every word of `q`."""
    words = normalize_name(q or "").split()
    if not words:
        return []
    memberships = invitable_memberships(meeting.cpts_id).exclude(pk__in=meeting.invitations.values("membership_id"))
    for word in words:
        memberships = memberships.filter(professional__search_text__contains=word)
    return list(
        memberships.select_related("professional").order_by(
            "professional__last_name", "professional__first_name", "pk"
        )[:limit]
    )


def picked_memberships(cpts, membership_ids, *, among=None):
    """The adhesions picked by id, each one invitable (`among`, default: all invitable ones of the CPTS)."""
    ids = set(membership_ids or ())
    if not ids:
        raise ValidationError({"memberships": "Invités : choisissez au moins un adhérent."})
    picked = (invitable_memberships(cpts) if among is None else among).filter(pk__in=ids)
    if picked.count() != len(ids):
        raise ValidationError({"memberships": "Invités : choisissez des adhérents actifs de la CPTS."})
    return picked


def _invite_memberships(meeting, memberships) -> list[Invitation]:
    """Invitations for the adhesions not invited yet (each saved, so each is journaled)."""
    already = meeting.invitations.values_list("membership_id", flat=True)
    new = [Invitation(meeting=meeting, membership=membership) for membership in memberships.exclude(pk__in=already)]
    for invitation in new:
        invitation.save()
    return new


def invite(meeting, **criteria) -> int:
    """Invite the adhesions matching the criteria (those already invited stay invited once)."""
    return len(_invite_memberships(meeting, invitable_memberships(meeting.cpts_id, **criteria)))


@transaction.atomic
def invite_more(*, meeting, by, criteria=None, membership_ids=None) -> list[Invitation]:
    """Invite more adhesions to a meeting in poll or scheduled state, by criteria or by
    picking them (`membership_ids`, checked against the CPTS's invitable adhesions). Only
    the newly invited get an e-mail: the poll, or the fixed date with its .ics."""
    meeting.check_open()
    memberships = invitable_memberships(meeting.cpts_id, **(criteria or {}))
    if membership_ids is not None:
        memberships = picked_memberships(meeting.cpts_id, membership_ids, among=memberships)
    new = _invite_memberships(meeting, memberships)
    if new:
        kind = notifications.POLL if meeting.status == MeetingStatus.POLL else notifications.SCHEDULED
        notifications.send_on_commit(meeting, kind, by=by, invitation_ids=[invitation.pk for invitation in new])
    return new


EDITABLE_FIELDS = ("title", "description", "place", "visio_url", "mission")


@transaction.atomic
def update_meeting(*, meeting, by, **fields) -> list[str]:
    """Change the title, description, place, visio link or mission of a meeting in poll or
    scheduled state (journaled by the model, field names only). The invitees are written to
    only when the place or the visio link of a scheduled meeting changes. The changed names."""
    meeting.check_open()
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(meeting, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(meeting, name, fields[name])
    meeting.full_clean(exclude=["cpts", "created_by"])
    meeting.save()
    if meeting.status == MeetingStatus.SCHEDULED and {"place", "visio_url"} & set(changed):
        notifications.send_on_commit(meeting, notifications.UPDATED, by=by)
    return changed


def deletion_refusal(meeting) -> str:
    """Why the meeting cannot be deleted ("" when it can): only a poll without time."""
    if meeting.status != MeetingStatus.POLL:
        return f"Cette réunion est « {meeting.get_status_display()} » : seul un sondage de dates se supprime."
    if meeting.time_entries.exists():
        return "Du temps est enregistré pour cette réunion : elle ne se supprime pas."
    return ""


@transaction.atomic
def delete_meeting(*, meeting, by) -> None:
    """Delete a meeting still in poll state and without time (its slots, invitations and
    answers go with it, each deletion journaled). The invitees are not written to: to tell
    them, cancel the meeting instead."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    refusal = deletion_refusal(meeting)
    if refusal:
        raise ValidationError({"status": refusal})
    journal.record(journal.Action.TRANSITION, meeting, fields=["status"], actor=by, note="poll → deleted")
    meeting.delete()


def invitation_of(meeting, user) -> Invitation | None:
    """The invitation of the user's adhesion (through their professional card), if any."""
    professional = getattr(user, "professional", None) if user.is_authenticated else None
    if professional is None:
        return None
    return (
        meeting.invitations.filter(membership__professional=professional, membership__status="active")
        .select_related("membership")
        .first()
    )


@transaction.atomic
def answer_poll(*, meeting, user, answers) -> None:
    """`answers`: {slot pk: Answer value}; the user's earlier answers are replaced."""
    invitation = invitation_of(meeting, user)
    if invitation is None:
        raise ValidationError({"answers": "Vous n'êtes pas invité à cette réunion."})
    if meeting.status != MeetingStatus.POLL:
        raise ValidationError({"answers": "Le sondage est clos : la date est fixée."})
    slot_ids = set(meeting.slots.values_list("pk", flat=True))
    for slot_id, value in answers.items():
        if slot_id not in slot_ids:
            raise ValidationError({"answers": "Répondez pour les créneaux proposés."})
        answer = PollAnswer.objects.filter(invitation=invitation, slot_id=slot_id).first()
        if answer is None:
            PollAnswer.objects.create(invitation=invitation, slot_id=slot_id, answer=value)
        elif answer.answer != value:
            answer.answer = value
            answer.save()


@dataclass
class AttendanceResult:
    created: int
    removed: int
    over_cap: list  # Indemnity rows of the present members now over the year's cap


@transaction.atomic
def record_attendance(*, meeting, present_ids, by) -> AttendanceResult:
    """Mark the scheduled (or held) meeting held, set each invitation's attendance and make
    one validated time entry per present member (its duration). Idempotent: an entry is made
    once; a member marked absent again loses the entry of this meeting."""
    if meeting.status != MeetingStatus.HELD:
        meeting.hold(by=by)  # from scheduled only, once it has taken place
    present_ids = set(present_ids)
    created = removed = 0
    present = []
    date = timezone.localtime(meeting.starts_at).date()
    with_entry = set(TimeEntry.objects.filter(meeting=meeting).values_list("membership_id", flat=True))
    for invitation in meeting.invitations.select_related("membership"):
        value = Attendance.PRESENT if invitation.membership_id in present_ids else Attendance.ABSENT
        if invitation.attendance != value:
            invitation.attendance = value
            invitation.save()
        entries = TimeEntry.objects.filter(meeting=meeting, membership=invitation.membership_id)
        if value == Attendance.PRESENT:
            present.append(invitation.membership)
            if invitation.membership_id not in with_entry:
                TimeEntry.objects.create(
                    cpts_id=meeting.cpts_id,
                    membership=invitation.membership,
                    date=date,
                    mission=meeting.mission,
                    hours=meeting.duration_hours,
                    kind=TimeKind.MEETING,
                    meeting=meeting,
                    validated_by=by,
                    validated_at=timezone.now(),
                )
                created += 1
        elif invitation.membership_id in with_entry:
            for entry in entries:  # one by one, so each deletion is journaled
                entry.delete()
                removed += 1
    over = [row for row in (indemnity(membership, date.year) for membership in present) if row.over_cap]
    return AttendanceResult(created, removed, over)


# --- Declared time -----------------------------------------------------------------------


def declare_time(*, membership, date, hours, mission=None, note="") -> TimeEntry:
    if date > timezone.localdate():
        raise ValidationError({"date": "Date : le temps se déclare une fois passé."})
    entry = TimeEntry(
        cpts_id=membership.cpts_id,
        membership=membership,
        date=date,
        hours=Decimal(hours),
        mission=mission,
        note=note,
        kind=TimeKind.PROJECT,
    )
    entry.full_clean(exclude=["cpts", "membership"])
    entry.save()
    return entry


@dataclass
class ValidationOutcome:
    entry: TimeEntry
    validated: bool
    before: Indemnity  # the member's year before this validation
    amount_after: Decimal

    @property
    def over_cap(self) -> bool:
        return self.amount_after > self.before.cap.amount

    @property
    def message(self) -> str:
        cap = self.before.cap
        text = (
            f"Avec ce temps, l'indemnité {cap.year} de ce membre atteindrait {self.amount_after} €, "
            f"au-delà du plafond annuel de {cap.amount} €"
        )
        return text + (" (plafond à confirmer)." if not cap.confirmed else ".")


# What the coordinator reviews and the member edits: a row changed by the other side since
# it was read (a race between an edit and a validation) is refused, never overwritten.
REVIEWED_FIELDS = ("membership_id", "date", "hours", "mission", "note", "validated_at", "rejected_at")
CHANGED_MEANWHILE = "Ce temps vient d'être modifié : rechargez la page pour voir la déclaration à jour et recommencez."


def lock_entry(entry) -> TimeEntry:
    """Lock the entry's row until the end of the transaction and check it is still the one
    read: the member's edit and the coordinator's validation of it never interleave."""
    locked = TimeEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        raise ValidationError({"entry": "Ce temps n'existe plus : il a été supprimé."})
    if any(getattr(locked, name) != getattr(entry, name) for name in REVIEWED_FIELDS):
        raise ValidationError({"entry": CHANGED_MEANWHILE})
    return entry


@transaction.atomic
def validate_time(*, entry, by, confirm_over_cap=False) -> ValidationOutcome:
    """Validate a declared time entry. Refused (not validated, `validated` False, nothing
    written) when it would take the member over the year's cap, unless confirmed. A
    rejected entry is validated only once its member has re-declared (edited) it."""
    lock_entry(entry)
    if entry.is_validated:
        raise entry.refusal("Ce temps est déjà validé.")
    if entry.is_rejected:
        raise entry.refusal("Ce temps a été refusé : le membre doit le modifier pour le déclarer à nouveau.")
    entry.workflow.check(entry, "validate")
    before = indemnity(entry.membership, entry.date.year)
    after = money((before.hours + entry.hours) * (before.rate or 0))
    outcome = ValidationOutcome(entry, False, before, after)
    if outcome.over_cap and not confirm_over_cap:
        return outcome
    entry.workflow.run(entry, "validate", by=by, changes={"validated_by": by, "validated_at": timezone.now()})
    outcome.validated = True
    return outcome


def check_own_entry(entry, membership):
    if entry.membership_id != getattr(membership, "pk", None):
        raise ValidationError({"entry": "Ce temps n'est pas le vôtre."})
    if not entry.editable_by_member:
        raise ValidationError(
            {"entry": "Ce temps ne se modifie plus : il est validé, ou il vient de la présence à une réunion."}
        )


@transaction.atomic
def edit_time(*, entry, membership, date, hours, mission=None, note="", by=None) -> TimeEntry:
    """The member (`by`, their account) changes their own declared project time while it is
    not validated. A rejected entry edited this way is declared again (its rejection is
    cleared, through the workflow's `redeclare`)."""
    lock_entry(entry)
    check_own_entry(entry, membership)
    if date > timezone.localdate():
        raise ValidationError({"date": "Date : le temps se déclare une fois passé."})
    entry.date, entry.hours, entry.mission, entry.note = date, Decimal(hours), mission, note
    entry.full_clean(exclude=["cpts", "membership", "meeting", "validated_by", "rejected_by"])
    if entry.is_rejected:
        entry.workflow.run(
            entry, "redeclare", by=by, changes={"rejected_at": None, "rejected_by": None, "rejection_reason": ""}
        )
    entry.save()
    return entry


@transaction.atomic
def delete_time(*, entry, membership) -> None:
    """The member deletes their own declared project time while it is not validated."""
    lock_entry(entry)
    check_own_entry(entry, membership)
    entry.delete()


def check_reopenable(entry):
    """A validation is undone (or turned into a rejection) only for project time of the
    current year or later: the payment list of a past year is settled."""
    if entry.kind != TimeKind.PROJECT:
        raise ValidationError({"entry": "Le temps d'une réunion se corrige par les présences de la réunion."})
    if entry.date.year < current_year():
        raise ValidationError({"entry": f"L'année {entry.date.year} est close : sa validation ne se modifie plus."})


@transaction.atomic
def reject_time(*, entry, by, reason) -> TimeEntry:
    """The coordinator refuses declared time, with a reason the member reads. A validated
    entry can be rejected too while its year is open (see `check_reopenable`)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Motif : indiquez pourquoi ce temps est refusé."})
    lock_entry(entry)
    if entry.is_rejected:
        raise entry.refusal("Ce temps est déjà refusé.")
    entry.workflow.check(entry, "reject")
    if entry.is_validated:
        check_reopenable(entry)
    entry.workflow.run(
        entry,
        "reject",
        by=by,
        note=reason,
        changes={
            "validated_at": None,
            "validated_by": None,
            "rejected_at": timezone.now(),
            "rejected_by": by,
            "rejection_reason": reason[:300],
        },
    )
    return entry


@transaction.atomic
def unvalidate_time(*, entry, by) -> TimeEntry:
    """The coordinator withdraws a validation: the entry is « à valider » again."""
    lock_entry(entry)
    if not entry.is_validated:
        raise entry.refusal("Ce temps n'est pas validé.")
    entry.workflow.check(entry, "unvalidate")
    check_reopenable(entry)
    entry.workflow.run(entry, "unvalidate", by=by, changes={"validated_at": None, "validated_by": None})
    return entry


def set_hourly_rate(*, cpts, year, amount) -> HourlyRate:
    rate = HourlyRate.objects.for_cpts(cpts).filter(year=year).first() or HourlyRate(cpts=cpts, year=year)
    rate.amount = money(amount)
    rate.full_clean(exclude=["cpts"])
    rate.save()
    return rate


def journal_export(*, cpts, what, fields, count, fmt):
    journal.record(
        journal.Action.EXPORT,
        object_type="meetings.TimeEntry",
        object_id=what,
        cpts_id=cpts.pk,
        fields=fields,
        note=f"{count} ligne{'s' if count > 1 else ''}, {fmt.upper()}",
    )


def current_year() -> int:
    return timezone.localdate().year


def year_or_current(value) -> int:
    """The year asked in the query string, else the current one (never a 500 on odd input)."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and 2000 <= int(value) <= 2100 else current_year()


# --- Recurring series (a regional group's visio) ---

SERIES_FIELDS = ("title", "rule", "first_starts_at", "duration_minutes", "visio_url")


@transaction.atomic
def save_series(series, *, by, **fields) -> MeetingSeries:
    """Create (`series` None) or change a recurring series: its rule is checked
    (`validate_series_rule`, French messages on the field), the journal written by the model."""
    unknown = set(fields) - set(SERIES_FIELDS)
    if unknown:
        raise TypeError(f"unknown series fields: {sorted(unknown)}")
    series = series or MeetingSeries(created_by=by)
    for name, value in fields.items():
        setattr(series, name, value)
    series.full_clean(exclude=["created_by"])
    with journal.acting_as(by):
        series.save()
    return series


@transaction.atomic
def record_series_session(series, *, starts_at, replay_url="", minutes="", by) -> SeriesSession:
    """The replay link and short minutes of a session held (one record per date, written again
    when given again); the date must be one of the series, and past."""
    session = SeriesSession.objects.select_for_update().filter(series=series, starts_at=starts_at).first()
    session = session or SeriesSession(series=series, starts_at=starts_at)
    session.replay_url, session.minutes, session.recorded_by = replay_url or "", minutes or "", by
    session.full_clean(exclude=["series", "recorded_by"], validate_unique=False)
    with journal.acting_as(by):
        session.save()
    return session


def past_starts(series, count: int = 12, *, before=None) -> list:
    """The starts of the series' last `count` sessions up to now, newest first, aware (the
    dates a session record may take); walked lazily, within a budget (`MeetingSeries.past_starts`)."""
    return series.past_starts(count, before=before)
