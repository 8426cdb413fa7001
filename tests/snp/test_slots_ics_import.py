"""Importing slots from an .ics file: RRULE and EXDATE, re-imports, all or nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.snp import slots
from maillon.snp.models import Slot, SlotStatus

from .slots_support import member_professional

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(cpts):
    doctor = member_professional(cpts)
    return slots.ensure_agenda(cpts, doctor, doctor.practice_places.first())


def next_monday():
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


def stamp(day, hour, minute=0):
    return f"{day:%Y%m%d}T{hour:02d}{minute:02d}00"


def calendar(*events):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//FR\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()


def weekly_event(monday, *, uid="snp-1@agenda", weeks=3, exdate=None, end="DTEND;TZID=Europe/Paris:{end}"):
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp(monday, 8)}Z",
        f"DTSTART;TZID=Europe/Paris:{stamp(monday, 17)}",
        end.format(end=stamp(monday, 17, 20)),
        f"RRULE:FREQ=WEEKLY;COUNT={weeks}",
        "SUMMARY:Créneau SNP",
    ]
    if exdate:
        lines.append(f"EXDATE;TZID=Europe/Paris:{stamp(exdate, 17)}")
    return "\r\n".join([*lines, "END:VEVENT"]) + "\r\n"


def one_event(day, hour, uid, extra=""):
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:{stamp(day, 8)}Z\r\n"
        f"DTSTART;TZID=Europe/Paris:{stamp(day, hour)}\r\nDURATION:PT30M\r\n{extra}END:VEVENT\r\n"
    )


def test_an_rrule_is_expanded_minus_its_exdates_in_paris_time(agenda):
    monday = next_monday()
    data = calendar(weekly_event(monday, weeks=4, exdate=monday + datetime.timedelta(days=7)))
    summary = slots.import_ics(agenda, data)
    starts = [timezone.localtime(slot.start) for slot in Slot.objects.order_by("start")]
    assert summary.created == 3
    assert [start.date() for start in starts] == [monday + datetime.timedelta(days=7 * n) for n in (0, 2, 3)]
    assert {start.strftime("%H:%M") for start in starts} == {"17:00"}
    assert {slot.ics_uid for slot in Slot.objects.all()} == {"snp-1@agenda"}
    assert not any(slot.shared_with_sas for slot in Slot.objects.all())


def test_a_duration_instead_of_an_end_is_understood(agenda):
    slots.import_ics(agenda, calendar(one_event(next_monday(), 9, "one@agenda")))
    slot = Slot.objects.get()
    assert slot.end - slot.start == datetime.timedelta(minutes=30)


def test_a_re_import_updates_and_never_doubles(agenda):
    monday = next_monday()
    slots.import_ics(agenda, calendar(weekly_event(monday, weeks=3)))
    again = slots.import_ics(agenda, calendar(weekly_event(monday, weeks=3)))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    longer = weekly_event(monday, weeks=3, end="DTEND;TZID=Europe/Paris:" + stamp(monday, 17, 30))
    changed = slots.import_ics(agenda, calendar(longer))
    assert changed.updated == 3
    assert Slot.objects.count() == 3
    assert {slot.end - slot.start for slot in Slot.objects.all()} == {datetime.timedelta(minutes=30)}


def test_an_occurrence_taken_out_of_the_file_is_cancelled_on_re_import(agenda):
    monday = next_monday()
    slots.import_ics(agenda, calendar(weekly_event(monday, weeks=3)))
    summary = slots.import_ics(agenda, calendar(weekly_event(monday, weeks=3, exdate=monday)))
    assert summary.cancelled == 1
    assert Slot.objects.filter(status=SlotStatus.FREE).count() == 2


def test_a_bad_event_rejects_the_whole_file_naming_its_line(agenda):
    monday = next_monday()
    bad = "BEGIN:VEVENT\r\nUID:bad@agenda\r\nDTSTART;TZID=Europe/Paris:" + stamp(monday, 10) + "\r\nEND:VEVENT\r\n"
    data = calendar(one_event(monday, 9, "good@agenda"), bad)
    with pytest.raises(ValidationError) as error:
        slots.import_ics(agenda, data)
    assert error.value.messages == ["Ligne 10 : l'événement n'a ni fin (DTEND) ni durée (DURATION)."]
    assert not Slot.objects.exists()


def test_a_file_that_is_not_an_ics_is_refused_in_french(agenda):
    with pytest.raises(ValidationError, match="ce n'est pas un fichier iCalendar"):
        slots.import_ics(agenda, b"nom;prenom\nDurand;Odile\n")
    with pytest.raises(ValidationError, match="au plus 1024 Ko"):
        slots.import_ics(agenda, b"BEGIN:VCALENDAR\r\n" + b"X" * (1024 * 1024 + 1))


def test_an_all_day_event_is_refused(agenda):
    day = next_monday()
    event = f"BEGIN:VEVENT\r\nUID:allday\r\nDTSTART;VALUE=DATE:{day:%Y%m%d}\r\nEND:VEVENT\r\n"
    with pytest.raises(ValidationError, match="Ligne 4 : événement sur la journée entière"):
        slots.import_ics(agenda, calendar(event))


def test_an_import_overlapping_an_own_slot_is_refused_whole(agenda):
    monday = next_monday()
    start = timezone.make_aware(datetime.datetime.combine(monday + datetime.timedelta(days=7), datetime.time(17, 10)))
    slots.publish_slot(agenda, start=start, end=start + datetime.timedelta(minutes=20))
    with pytest.raises(ValidationError, match="Chevauchement"):
        slots.import_ics(agenda, calendar(weekly_event(monday, weeks=3)))
    assert Slot.objects.count() == 1


def test_past_occurrences_and_cancelled_events_are_left_out(agenda):
    past = timezone.localdate() - datetime.timedelta(days=3)
    data = calendar(
        one_event(past, 9, "past@agenda"),
        one_event(next_monday(), 9, "cancelled@agenda", extra="STATUS:CANCELLED\r\n"),
        one_event(next_monday(), 11, "kept@agenda"),
    )
    slots.import_ics(agenda, data)
    assert list(Slot.objects.values_list("ics_uid", flat=True)) == ["kept@agenda"]
