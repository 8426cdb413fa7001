"""Members' SNP slots: agendas, one slot, weekly series with exceptions, .ics import,
cancelling, sharing with the SAS, and the .ics feed of a member's bookings.

Rules (docs/snp.md, « Créneaux »):
- only an active member of the CPTS whose profession the coordinator opens to SNP publishes;
- sharing with the SAS is the member's explicit choice: the agenda's default is off, a
  slot takes the agenda's default unless the member says otherwise for it, and changing
  the default touches existing slots only if the member asks so;
- slots start in the future and no later than `HORIZON_DAYS` ahead; a member's live slots
  of one agenda never overlap;
- cancelling a booked slot cancels its booking, puts the request back to be placed and
  tells the requester (`notifications.send_booking_cancelled`, queued on commit).
"""

import bisect
import dataclasses
import datetime
import itertools
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from maillon.core import journal, recurrence
from maillon.core.notifications.sending import absolute
from maillon.core.time import paris
from maillon.members.models import Membership, Professional
from maillon.members.professions import Profession

from . import notifications
from .booking import cancel_booking
from .models import (
    Agenda,
    Audience,
    Booking,
    Slot,
    SlotSeries,
    SlotStatus,
    SnpSetup,
)

HORIZON_DAYS = 366
MIN_MINUTES = 5
MAX_MINUTES = 12 * 60
MAX_SLOTS_PER_WRITE = 3000
MAX_ICS_BYTES = 1024 * 1024
# The .ics import's bounds (docs/snp.md, « Import d'un agenda »): events and exception dates in a
# file, how far back a repeated event may start, occurrences walked in the whole file.
MAX_ICS_EVENTS = 3000
MAX_ICS_EXDATES = 3000
ICS_RULE_MAX_PAST_DAYS = 2 * 366
MAX_ICS_WALKED = 20_000
LIVE = (SlotStatus.FREE, SlotStatus.BOOKED)
WEEKDAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


# --- Who publishes -----------------------------------------------------------------------


def open_professions(cpts) -> set[str]:
    return SnpSetup.professions_of(cpts)


def set_open_professions(cpts, professions, *, by=None) -> SnpSetup:
    """The coordinator's choice; médecins stay open (SNP is first the doctors' mission)."""
    chosen = sorted({Profession(code).value for code in professions} | {Profession.MEDECIN.value})
    setup, _ = SnpSetup.objects.get_or_create(cpts=cpts)
    setup.professions = chosen
    setup.save()
    return setup


def publisher(user, cpts) -> Professional | None:
    """The user's professional card if they may publish SNP slots in this CPTS, else None."""
    professional = getattr(user, "professional", None) if user.is_authenticated else None
    if professional is None or professional.profession not in open_professions(cpts):
        return None
    active = Membership.objects.for_cpts(cpts).active().filter(professional=professional).exists()
    return professional if active else None


def ensure_agenda(cpts, professional, practice_place) -> Agenda:
    """The member's agenda at this practice place (created, not shared with the SAS, on first use)."""
    if practice_place.professional_id != professional.pk:
        raise ValidationError({"practice_place": "Lieu d'exercice : choisissez l'un de vos lieux d'exercice."})
    if professional.profession not in open_professions(cpts):
        raise ValidationError("Votre profession n'est pas ouverte aux soins non programmés dans cette CPTS.")
    if not Membership.objects.for_cpts(cpts).active().filter(professional=professional).exists():
        raise ValidationError("Seuls les membres adhérents de la CPTS publient des créneaux.")
    agenda = Agenda.objects.filter(cpts=cpts, professional=professional, practice_place=practice_place).first()
    return agenda or Agenda.objects.create(cpts=cpts, professional=professional, practice_place=practice_place)


# --- Time helpers ------------------------------------------------------------------------


def local(date: datetime.date, time: datetime.time) -> datetime.datetime:
    """The aware instant of a wall-clock time in Europe/Paris (right on both sides of a DST change)."""
    return paris(datetime.datetime.combine(date, time))


def horizon_end(now=None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(days=HORIZON_DAYS)


def fr_datetime(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y à %H:%M")


def check_window(start, end, *, now=None, field="start"):
    now = now or timezone.now()
    if start <= now:
        raise ValidationError({field: f"Début : le créneau du {fr_datetime(start)} est déjà passé."})
    if start > horizon_end(now):
        raise ValidationError({field: f"Début : au plus {HORIZON_DAYS} jours à l'avance."})
    minutes = (end - start).total_seconds() / 60
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValidationError({"end": f"Durée : entre {MIN_MINUTES} minutes et {MAX_MINUTES // 60} heures."})


def overlapping(agenda, start, end, *, exclude_ids=()):
    """The professional's live slots, in any of their agendas (places, CPTS), that overlap
    [start, end): one cannot be in two places at once."""
    return (
        Slot.objects.filter(professional_id=agenda.professional_id, status__in=LIVE, start__lt=end, end__gt=start)
        .exclude(pk__in=list(exclude_ids))
        .order_by("start")
    )


def refuse_overlaps(agenda, spans, *, exclude_ids=()):
    """`spans`: [(start, end)], sorted. One query for the whole window, then a sweep. Runs in
    the caller's transaction with the professional's row locked, so two writes for the same
    professional (two agendas, two tabs) are checked one after the other."""
    if not spans:
        return
    list(Professional.objects.select_for_update().filter(pk=agenda.professional_id).values_list("pk", flat=True))
    for (_, end), (next_start, _) in itertools.pairwise(spans):
        if next_start < end:
            raise ValidationError(f"Chevauchement : deux créneaux se recouvrent le {fr_datetime(next_start)}.")
    window = overlapping(agenda, spans[0][0], max(end for _, end in spans), exclude_ids=exclude_ids)
    # Live slots never overlap each other: sorted by start, they are sorted by end too.
    existing = list(window.values_list("start", "end"))
    ends = [end for _, end in existing]
    for start, end in spans:
        index = bisect.bisect_right(ends, start)
        if index < len(existing) and existing[index][0] < end:
            raise ValidationError(
                f"Chevauchement : vous avez déjà un créneau le {fr_datetime(existing[index][0])} "
                f"qui recouvre celui du {fr_datetime(start)}."
            )


def slot_for(agenda, start, end, *, audience, shared_with_sas, series=None, ics_uid="") -> Slot:
    """An unsaved slot carrying the agenda's place, profession and point."""
    professional, place = agenda.professional, agenda.practice_place
    return Slot(
        agenda=agenda,
        series=series,
        cpts_id=agenda.cpts_id,
        professional=professional,
        profession=professional.profession,
        specialty=professional.specialty,
        commune=place.commune,
        latitude=place.commune.latitude,
        longitude=place.commune.longitude,
        start=start,
        end=end,
        audience=audience,
        shared_with_sas=agenda.shares_with_sas if shared_with_sas is None else shared_with_sas,
        ics_uid=ics_uid,
    )


def sharing(agenda, shared_with_sas, audience=Audience.PUBLIC) -> bool:
    """None follows the agenda's default, chosen by the member. A slot reserved to the SAS
    regulation that is not shared with it would be offered to nobody: refused, never shared
    behind the member's back."""
    Audience(audience)
    shared = agenda.shares_with_sas if shared_with_sas is None else bool(shared_with_sas)
    if audience == Audience.SNP and not shared:
        raise ValidationError(
            {
                "audience": "Pour qui : un créneau « Régulation SAS seulement » doit être partagé avec le SAS "
                "(cochez « Partager avec le SAS ») ; sinon choisissez un autre public."
            }
        )
    return shared


# --- One slot ----------------------------------------------------------------------------


def publish_slot(agenda, *, start, end, audience=Audience.PUBLIC, shared_with_sas=None) -> Slot:
    shared = sharing(agenda, shared_with_sas, audience)
    check_window(start, end)
    with transaction.atomic():
        refuse_overlaps(agenda, [(start, end)])
        slot = slot_for(agenda, start, end, audience=audience, shared_with_sas=shared)
        slot.save()
    return slot


# --- Weekly series -----------------------------------------------------------------------


def series_spans(series, dates=None) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The (start, end) of the series' slots, on `dates` or every day of the series
    (its weekdays, minus its exceptions), in the future only."""
    now = timezone.now()
    exceptions = set(series.exceptions or [])
    length = datetime.timedelta(minutes=series.duration_minutes)
    days = dates if dates is not None else dates_between(series.first_date, series.last_date)
    spans = []
    for day in days:
        if day.weekday() not in series.weekdays or day.isoformat() in exceptions:
            continue
        if not series.first_date <= day <= series.last_date:
            continue
        # Consecutive slots are consecutive instants: added in UTC, not on the wall clock,
        # so the night of the autumn change neither skips nor overlaps an hour.
        first = local(day, series.start_time).astimezone(datetime.UTC)
        for index in range(series.count_per_day):
            start = first + index * length
            if start > now:
                spans.append((start, start + length))
    return spans


def dates_between(first, last):
    return [first + datetime.timedelta(days=offset) for offset in range((last - first).days + 1)]


def clean_series(series):
    today = timezone.localdate()
    weekdays = sorted(set(series.weekdays or []))
    if not weekdays or any(day not in range(7) for day in weekdays):
        raise ValidationError({"weekdays": "Jours : choisissez au moins un jour de la semaine."})
    series.weekdays = weekdays
    if series.first_date < today:
        raise ValidationError({"first_date": "Du : la date est déjà passée."})
    if series.last_date < series.first_date:
        raise ValidationError({"last_date": "Au : la date de fin doit suivre la date de début."})
    if series.last_date > today + datetime.timedelta(days=HORIZON_DAYS):
        raise ValidationError({"last_date": f"Au : au plus {HORIZON_DAYS} jours à l'avance (12 mois)."})
    if not MIN_MINUTES <= series.duration_minutes <= MAX_MINUTES:
        raise ValidationError({"duration_minutes": f"Durée : entre {MIN_MINUTES} minutes et 12 heures."})
    if not 1 <= series.count_per_day <= 48:
        raise ValidationError({"count_per_day": "Créneaux à la suite : entre 1 et 48."})
    last_end = local(series.first_date, series.start_time) + series.count_per_day * datetime.timedelta(
        minutes=series.duration_minutes
    )
    if last_end.date() != local(series.first_date, series.start_time).date():
        raise ValidationError({"count_per_day": "Créneaux à la suite : les créneaux doivent finir le même jour."})
    series.exceptions = sorted({day.isoformat() if hasattr(day, "isoformat") else day for day in series.exceptions})
    Audience(series.audience)


def create_series(
    agenda,
    *,
    weekdays,
    start_time,
    duration_minutes,
    first_date,
    last_date,
    count_per_day=1,
    exceptions=(),
    audience=Audience.PUBLIC,
    shared_with_sas=None,
) -> SlotSeries:
    """Save the series and materialise its slots; refused whole if one overlaps a live slot."""
    series = SlotSeries(
        agenda=agenda,
        weekdays=list(weekdays),
        start_time=start_time,
        duration_minutes=duration_minutes,
        count_per_day=count_per_day,
        first_date=first_date,
        last_date=last_date,
        exceptions=list(exceptions),
        audience=audience,
        shared_with_sas=sharing(agenda, shared_with_sas, audience),
    )
    clean_series(series)
    spans = series_spans(series)
    if not spans:
        raise ValidationError("Aucun créneau à venir : vérifiez les jours et les dates de la récurrence.")
    if len(spans) > MAX_SLOTS_PER_WRITE:
        raise ValidationError(f"Trop de créneaux d'un coup ({len(spans)}) : au plus {MAX_SLOTS_PER_WRITE}.")
    with transaction.atomic():
        refuse_overlaps(agenda, spans)
        series.save()
        materialise(series, spans)
    return series


def materialise(series, spans) -> int:
    agenda = series.agenda
    slots = [
        slot_for(agenda, start, end, audience=series.audience, shared_with_sas=series.shared_with_sas, series=series)
        for start, end in spans
    ]
    Slot.objects.bulk_create(slots)
    journal.record(
        journal.Action.CREATE, object_type="snp.Slot", cpts_id=agenda.cpts_id, note=f"{len(slots)} créneaux, {series}"
    )
    return len(slots)


@dataclasses.dataclass
class ExceptionsChange:
    cancelled: int = 0
    kept_booked: int = 0
    restored: int = 0


def set_exceptions(series, dates) -> ExceptionsChange:
    """New exception dates cancel the series' free slots of those days (booked ones stay:
    the member cancels them one by one); dates taken out of the exceptions get their
    slots back, unless they would overlap another live slot."""
    new = {day if isinstance(day, str) else day.isoformat() for day in dates}
    old = set(series.exceptions or [])
    added, removed = new - old, old - new
    change = ExceptionsChange()
    with transaction.atomic():
        series.exceptions = sorted(new)
        series.save()
        on_added = Slot.objects.filter(series=series, status=SlotStatus.FREE)
        day_filter = Q()
        for day in added:
            day_filter |= Q(start__date=datetime.date.fromisoformat(day))
        if added:
            change.cancelled = Slot.workflow.run_many(
                on_added.filter(day_filter),
                "cancel",
                by=journal.current_actor(),
                note="exception de la récurrence",
                changes={"updated_at": timezone.now()},
            )
            change.kept_booked = Slot.objects.filter(series=series, status=SlotStatus.BOOKED).filter(day_filter).count()
        if removed:
            spans = series_spans(series, dates=sorted(datetime.date.fromisoformat(day) for day in removed))
            live = set(Slot.objects.filter(series=series, status__in=LIVE).values_list("start", flat=True))
            spans = [span for span in spans if span[0] not in live]
            refuse_overlaps(series.agenda, spans)
            change.restored = materialise(series, spans) if spans else 0
    return change


# --- Cancelling --------------------------------------------------------------------------


def cancel_slot(slot, *, by) -> Booking | None:
    """A free slot is cancelled; a booked one too, with its booking (`booking.cancel_booking`:
    the request goes back to be placed) and an e-mail to the requester. Returns the
    cancelled booking, if any."""
    with transaction.atomic():
        slot = Slot.objects.select_for_update().get(pk=slot.pk)
        if slot.status == SlotStatus.CANCELLED:
            raise ValidationError("Ce créneau est déjà annulé.")
        booking = slot.bookings.live().select_related("request").first()
        if booking is not None:
            cancel_booking(booking, by=by)
            slot.refresh_from_db()
        if slot.status != SlotStatus.CANCELLED:  # a past slot is cancelled with its booking already
            Slot.workflow.run(slot, "cancel", by=by, changes={"updated_at": timezone.now()})
        if booking is not None:
            notifications.on_commit(notifications.send_booking_cancelled, booking.pk)
    return booking


def booking_link(booking) -> str:
    """The request's page, behind the login (its requester, the coordinator and the booked member see it)."""
    return absolute(reverse("snp_request_detail", args=[booking.cpts.slug, booking.request_id]))


# --- Sharing with the SAS ----------------------------------------------------------------


def set_agenda_sharing(agenda, shares: bool, *, apply_to_free_slots=False) -> int:
    """The agenda's default for new slots; existing free future slots change only if the
    member asks so (`apply_to_free_slots`). Returns how many slots changed."""
    with transaction.atomic():
        agenda.shares_with_sas = bool(shares)
        agenda.save()
        if not apply_to_free_slots:
            return 0
        free = Slot.objects.filter(agenda=agenda, status=SlotStatus.FREE, start__gt=timezone.now())
        if not shares:
            free = free.exclude(audience=Audience.SNP)  # reserved to the SAS: cancel them instead
        return free.exclude(shared_with_sas=bool(shares)).update(
            shared_with_sas=bool(shares), updated_at=timezone.now()
        )


def set_slot_sharing(slot, shared: bool) -> Slot:
    if slot.status == SlotStatus.CANCELLED:
        raise ValidationError("Ce créneau est annulé.")
    if slot.audience == Audience.SNP and not shared:
        raise ValidationError("Ce créneau est réservé à la régulation SAS : pour ne plus le partager, annulez-le.")
    slot.shared_with_sas = bool(shared)
    slot.save()
    return slot


def regenerate_feed_token(agenda) -> Agenda:
    """The old feed address stops working at once."""
    agenda.feed_token = secrets.token_urlsafe(32)
    agenda.save()
    return agenda


# --- .ics import -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Occurrence:
    uid: str
    start: datetime.datetime
    end: datetime.datetime


@dataclasses.dataclass
class ImportSummary:
    events: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0


def vevent_lines(text: str) -> list[int]:
    """The line number of each BEGIN:VEVENT, to name an event in an error."""
    return [number for number, line in enumerate(text.splitlines(), start=1) if line.strip().upper() == "BEGIN:VEVENT"]


# A floating time (no TZID) is a wall-clock time in Europe/Paris.
aware = paris


def check_size(text: str) -> None:
    """The number of events and of exception dates, counted on the text before icalendar reads it
    (each costs a parse, and an event a rule to expand)."""
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    events = exceptions = 0
    for line in unfolded.splitlines():
        name = line.split(":", 1)[0].split(";", 1)[0].strip().upper()
        if name == "BEGIN" and line.strip().upper() == "BEGIN:VEVENT":
            events += 1
        elif name == "EXDATE":
            exceptions += line.count(",") + 1
    if events > MAX_ICS_EVENTS:
        raise ValidationError(
            f"Fichier : {events} événements, au plus {MAX_ICS_EVENTS} ; exportez seulement les mois à venir."
        )
    if exceptions > MAX_ICS_EXDATES:
        raise ValidationError(f"Fichier : {exceptions} dates d'exception (EXDATE), au plus {MAX_ICS_EXDATES}.")


def parse_ics(data: bytes, *, now=None) -> list[Occurrence]:
    """The occurrences of the file's events between now and the horizon, sorted.

    Bounded work: the file's size, its number of events and exception dates are checked before it
    is parsed; each rule (RRULE) before it is expanded (`maillon.core.recurrence.check_rule`); the
    occurrences are then walked one at a time, at most `MAX_ICS_WALKED` in the whole file (past
    ones included), and the import stops as soon as it passes `MAX_SLOTS_PER_WRITE` slots.

    Nothing of the file's content is quoted in an error (an agenda may hold patients'
    names): the message names the line of the event and what is wrong."""
    from icalendar import Calendar

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("Fichier : il doit être encodé en UTF-8.") from None
    if "BEGIN:VCALENDAR" not in text.upper():
        raise ValidationError("Fichier : ce n'est pas un fichier iCalendar (.ics), il manque BEGIN:VCALENDAR.")
    check_size(text)
    try:
        calendar = Calendar.from_ical(text)
    except Exception:  # icalendar raises several kinds; its message may quote the content
        raise ValidationError("Fichier : il n'est pas lisible au format iCalendar (.ics).") from None
    lines = vevent_lines(text)
    now = now or timezone.now()
    until = horizon_end(now)
    walk = recurrence.Walk(MAX_ICS_WALKED)
    found: dict[tuple[str, datetime.datetime], Occurrence] = {}
    overrides = []
    for index, event in enumerate(calendar.walk("VEVENT")):
        where = f"Ligne {lines[index]}" if index < len(lines) else f"Événement n° {index + 1}"
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        try:
            uid, start, end = event_times(event, where)
            if "RECURRENCE-ID" in event:
                original = event.decoded("RECURRENCE-ID")
                if not isinstance(original, datetime.datetime):
                    raise ValidationError(f"{where} : RECURRENCE-ID doit être une date et une heure.")
                overrides.append((uid, aware(original), start, end))
                continue
            for occurrence_start in event_starts(event, start, now, until, where, walk=walk):
                found[(uid, occurrence_start)] = Occurrence(uid, occurrence_start, occurrence_start + (end - start))
                if len(found) > MAX_SLOTS_PER_WRITE:
                    raise ValidationError(
                        f"{where} : plus de {MAX_SLOTS_PER_WRITE} créneaux en tout, importez moins à la fois."
                    )
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            # What icalendar or dateutil refuse late (a date out of range, a malformed value).
            raise ValidationError(f"{where} : l'événement n'est pas lisible (dates ou répétition).") from None
    for uid, original, start, end in overrides:
        found.pop((uid, original), None)
        if now < start <= until:
            found[(uid, start)] = Occurrence(uid, start, end)
    if len(found) > MAX_SLOTS_PER_WRITE:
        raise ValidationError(f"Fichier : plus de {MAX_SLOTS_PER_WRITE} créneaux en tout, importez moins à la fois.")
    return sorted(found.values(), key=lambda occurrence: (occurrence.start, occurrence.uid))


def event_times(event, where):
    """(UID, start, end) of a VEVENT, checked."""
    uid = str(event.get("UID", "")).strip()
    if not uid:
        raise ValidationError(f"{where} : l'événement n'a pas d'identifiant (UID).")
    if len(uid) > 255:
        raise ValidationError(f"{where} : l'identifiant (UID) dépasse 255 caractères.")
    if "DTSTART" not in event:
        raise ValidationError(f"{where} : l'événement n'a pas de début (DTSTART).")
    start = event.decoded("DTSTART")
    if not isinstance(start, datetime.datetime):
        raise ValidationError(f"{where} : événement sur la journée entière, indiquez une heure de début.")
    start = aware(start)
    if "DTEND" in event:
        end = event.decoded("DTEND")
        if not isinstance(end, datetime.datetime):
            raise ValidationError(f"{where} : la fin (DTEND) doit être une date et une heure.")
        end = aware(end)
    elif "DURATION" in event:
        end = start + event.decoded("DURATION")
    else:
        raise ValidationError(f"{where} : l'événement n'a ni fin (DTEND) ni durée (DURATION).")
    minutes = (end - start).total_seconds() / 60
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValidationError(f"{where} : la durée doit être entre {MIN_MINUTES} minutes et 12 heures.")
    return uid, start, end


def event_starts(event, start, now, until, where, *, walk):
    """The starts of an event in (now, until]: its RRULE, checked then walked lazily under `walk`'s
    budget, minus its EXDATEs."""
    from dateutil.rrule import rrulestr

    if "RRULE" not in event:
        return [start] if now < start <= until else []
    rules = event["RRULE"]
    if isinstance(rules, list):
        raise ValidationError(f"{where} : une seule règle de répétition (RRULE) par événement.")
    text = rules.to_ical().decode()
    label = f"{where}, règle de répétition (RRULE)"
    recurrence.check_rule(
        text,
        dtstart=timezone.localtime(start),
        label=label,
        frequencies=recurrence.FREQUENCIES,
        max_count=MAX_SLOTS_PER_WRITE,
    )
    oldest = now - datetime.timedelta(days=ICS_RULE_MAX_PAST_DAYS)
    if start < oldest:
        raise ValidationError(
            f"{where} : la répétition commence le {timezone.localtime(start):%d/%m/%Y} (DTSTART), plus de "
            f"{ICS_RULE_MAX_PAST_DAYS // 366} ans avant aujourd'hui ; dans votre agenda, modifiez « cet événement "
            "et les suivants » pour qu'elle commence plus tard, puis exportez-la à nouveau."
        )
    try:
        rule = rrulestr(text, dtstart=start)
    except (ValueError, TypeError):
        raise ValidationError(f"{where} : la règle de répétition (RRULE) n'est pas valide.") from None
    return walked_starts(rule, walk, now, until, exdates(event, where), label)


def walked_starts(rule, walk, now, until, excluded, label):
    """The rule's starts one at a time (never listed whole), minus the exceptions."""
    excluded_moments, excluded_days = excluded
    try:
        for moment in walk.occurrences(rule, after=now, until=until):
            if moment not in excluded_moments and timezone.localdate(moment) not in excluded_days:
                yield moment
    except recurrence.Budget:
        raise ValidationError(
            f"{label} : plus de {MAX_ICS_WALKED} répétitions à parcourir dans le fichier (passées comprises) ; "
            "importez moins de séries à la fois, ou des séries qui commencent plus tard."
        ) from None


def exdates(event, where):
    """The EXDATEs of an event: instants, and whole days (a date without time)."""
    values = event.get("EXDATE", [])
    moments, days = set(), set()
    for value in values if isinstance(values, list) else [values]:
        for item in getattr(value, "dts", []):
            moment = item.dt
            if isinstance(moment, datetime.datetime):
                moments.add(aware(moment))
            elif isinstance(moment, datetime.date):
                days.add(moment)
            else:
                raise ValidationError(f"{where} : une date d'exception (EXDATE) n'est pas valide.")
    return moments, days


def import_ics(agenda, data: bytes, *, audience=Audience.PUBLIC, shared_with_sas=None) -> ImportSummary:
    """All or nothing: the file is read and checked whole before anything is written.

    An event's occurrence is a slot keyed by (UID, start): a re-import updates its end,
    never doubles it; a future free slot of a UID of the file whose start is no longer in
    it (moved, or an EXDATE added) is cancelled; slots of UIDs absent from the file stay.
    A slot the member cancelled stays cancelled."""
    if len(data) > MAX_ICS_BYTES:
        raise ValidationError(f"Fichier : {len(data) // 1024} Ko, au plus {MAX_ICS_BYTES // 1024} Ko.")
    shared = sharing(agenda, shared_with_sas, audience)
    occurrences = parse_ics(data)
    summary = ImportSummary(events=len({occurrence.uid for occurrence in occurrences}))
    with transaction.atomic():
        existing = {
            (slot.ics_uid, slot.start): slot
            for slot in Slot.objects.select_for_update().filter(
                agenda=agenda, ics_uid__in={occurrence.uid for occurrence in occurrences}
            )
        }
        kept_ids = [slot.pk for slot in existing.values()]
        refuse_overlaps(
            agenda,
            sorted((o.start, o.end) for o in occurrences if (o.uid, o.start) not in existing),
            exclude_ids=kept_ids,
        )
        seen = set()
        new = []
        for occurrence in occurrences:
            key = (occurrence.uid, occurrence.start)
            seen.add(key)
            slot = existing.get(key)
            if slot is None:
                new.append(
                    slot_for(
                        agenda,
                        occurrence.start,
                        occurrence.end,
                        audience=audience,
                        shared_with_sas=shared,
                        ics_uid=occurrence.uid,
                    )
                )
            elif slot.end != occurrence.end and slot.status == SlotStatus.FREE:
                slot.end = occurrence.end
                slot.save()
                summary.updated += 1
            else:
                summary.unchanged += 1
        if new:
            Slot.objects.bulk_create(new)
            journal.record(
                journal.Action.CREATE, object_type="snp.Slot", cpts_id=agenda.cpts_id, note=f"import .ics : {len(new)}"
            )
        summary.created = len(new)
        gone = [
            slot.pk
            for key, slot in existing.items()
            if key not in seen and slot.status == SlotStatus.FREE and slot.start > timezone.now()
        ]
        summary.cancelled = Slot.workflow.run_many(
            Slot.objects.filter(pk__in=gone),
            "cancel",
            by=journal.current_actor(),
            note="absent du nouvel import",
            changes={"updated_at": timezone.now()},
        )
    return summary


# --- The feed of a member's bookings ---------------------------------------------------------


def feed_bookings(agenda):
    """The live bookings at the agenda's place, from a month ago on."""
    since = timezone.now() - datetime.timedelta(days=31)
    return (
        Booking.objects.live()
        .filter(
            cpts_id=agenda.cpts_id,
            professional_id=agenda.professional_id,
            practice_place_id=agenda.practice_place_id,
            appointment_at__gte=since,
        )
        .select_related("cpts", "slot", "practice_place__commune")
        .order_by("appointment_at", "pk")
    )


def bookings_feed(agenda) -> bytes:
    """An iCalendar of the member's SNP appointments: a number, the place and a link,
    never the patient's name nor the reason (a calendar app syncs it anywhere)."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Maillon//Soins non programmés//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Rendez-vous SNP — {agenda.cpts.name}")
    stamp = timezone.now()
    for booking in feed_bookings(agenda):
        event = Event()
        event.add("uid", f"snp-booking-{booking.pk}@maillon")
        event.add("dtstamp", stamp)
        event.add("dtstart", booking.appointment_at)
        end = booking.slot.end if booking.slot else booking.appointment_at + datetime.timedelta(minutes=20)
        event.add("dtend", end)
        event.add("summary", f"Rendez-vous SNP n° {booking.pk}")
        event.add("location", str(booking.practice_place))
        link = booking_link(booking)
        event.add("url", link)
        event.add("description", f"Détails (connexion requise) : {link}")
        calendar.add_component(event)
    return calendar.to_ical()
