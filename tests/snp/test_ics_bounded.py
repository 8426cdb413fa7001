""".ics import: bounded work. A rule is checked before it is expanded (frequency of a day at least,
one time of day, a start at most two years back, COUNT within the cap, parts that always give a
date), then walked lazily with a hard stop; the numbers of events and exception dates are
bounded before the file is parsed. Occurrences walked are counted, never times."""

import datetime
import json

import dateutil.rrule
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import ApiToken
from maillon.snp import slots
from maillon.snp.models import Slot

from ..conftest import verified_client
from .slots_support import member_professional

pytestmark = pytest.mark.django_db

# The issue's file: 162 bytes, one event repeated every minute.
HOSTILE = (
    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:{day}T090000Z\r\nDTEND:{day}T091000Z\r\n"
    "RRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def doctor(cpts):
    return member_professional(cpts)


@pytest.fixture
def agenda(cpts, doctor):
    return slots.ensure_agenda(cpts, doctor, doctor.practice_places.first())


@pytest.fixture
def walked(monkeypatch):
    """How many occurrences dateutil produced (past ones included), over every rule."""
    counter = {"n": 0}
    original = dateutil.rrule.rrule._iter

    def counting(self):
        for moment in original(self):
            counter["n"] += 1
            yield moment

    monkeypatch.setattr(dateutil.rrule.rrule, "_iter", counting)
    return counter


def day(offset=3):
    return timezone.localdate() + datetime.timedelta(days=offset)


def event(rule, *, start=None, uid="serie@agenda", extra=""):
    start = start or day()
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:{start:%Y%m%d}T080000Z\r\n"
        f"DTSTART;TZID=Europe/Paris:{start:%Y%m%d}T170000\r\nDURATION:PT20M\r\n"
        f"{'RRULE:' + rule + chr(13) + chr(10) if rule else ''}{extra}END:VEVENT\r\n"
    )


def calendar(*events):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//FR\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()


def refused(agenda, data, django_assert_num_queries):
    """The refusal's message; nothing written, not even read (refused before the transaction)."""
    with pytest.raises(ValidationError) as error, django_assert_num_queries(0):
        slots.import_ics(agenda, data)
    assert not Slot.objects.exists()
    (message,) = error.value.messages
    return message


def test_the_issue_s_162_byte_minutely_file_is_refused_before_any_expansion(agenda, walked, django_assert_num_queries):
    data = HOSTILE.format(day=f"{day():%Y%m%d}").encode()
    assert len(data) <= 170
    message = refused(agenda, data, django_assert_num_queries)
    assert message.startswith("Ligne 2, règle de répétition (RRULE) : FREQ=MINUTELY n'est pas accepté")
    assert "la fréquence est quotidienne, hebdomadaire, mensuelle ou annuelle (FREQ=DAILY…)" in message
    assert walked["n"] == 0


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        ("FREQ=SECONDLY", "FREQ=SECONDLY n'est pas accepté"),
        ("FREQ=HOURLY;INTERVAL=1", "FREQ=HOURLY n'est pas accepté"),
        ("FREQ=DAILY;BYHOUR=8,9,10,11", "BYHOUR donne plusieurs heures par jour"),
        ("FREQ=DAILY;BYMINUTE=0,5,10,15,20,25", "BYMINUTE donne plusieurs heures par jour"),
        ("FREQ=WEEKLY;BYSECOND=1,2", "BYSECOND donne plusieurs heures par jour"),
        ("FREQ=DAILY;COUNT=5000", "COUNT=5000 n'est pas accepté, 3000 répétitions au plus"),
        ("FREQ=DAILY;INTERVAL=0", "l'intervalle va de 1 à 366"),
        # Rules that give no date make dateutil walk to the year 9999 (seconds to minutes).
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "BYMONTH ne s'emploie qu'avec FREQ=MONTHLY ou FREQ=YEARLY"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "cette règle ne donne aucune date"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=40", "BYSETPOS va de 1 à 5"),
        ("FREQ=DAILY;INTERVAL=7;BYDAY=TU", "FREQ=DAILY se précise seulement par les jours de la semaine"),
        ("FREQ=MONTHLY;BYDAY=6MO", "le rang d'un jour dans le mois va de 1 à 5"),
        ("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", "peut ne jamais revenir"),
        ("FREQ=WEEKLY;BYYEARDAY=1", "BYYEARDAY n'est pas accepté"),
    ],
)
def test_a_rule_that_could_expand_without_bound_is_refused_naming_its_part(
    agenda, walked, django_assert_num_queries, rule, said
):
    message = refused(agenda, calendar(event(rule)), django_assert_num_queries)
    assert message.startswith("Ligne 4, règle de répétition (RRULE) : ")
    assert said in message
    assert walked["n"] == 0


def test_a_repeated_event_starting_in_1970_is_refused_before_walking_from_then(
    agenda, walked, django_assert_num_queries
):
    message = refused(agenda, calendar(event("FREQ=DAILY", start=datetime.date(1970, 1, 1))), django_assert_num_queries)
    assert message.startswith("Ligne 4 : la répétition commence le 01/01/1970 (DTSTART), plus de 2 ans avant")
    assert walked["n"] == 0


def test_a_daily_rule_past_the_cap_stops_at_the_cap_without_listing_the_rule(agenda, walked):
    # Ten daily series over a year would be 3 660 slots: the walk stops right after the 3 000th.
    events = [event("FREQ=DAILY", uid=f"s{n}@agenda", start=day(1 + n)) for n in range(10)]
    with pytest.raises(ValidationError, match="plus de 3000 créneaux en tout"):
        slots.import_ics(agenda, calendar(*events))
    assert slots.MAX_SLOTS_PER_WRITE < walked["n"] <= slots.MAX_SLOTS_PER_WRITE + 10
    assert not Slot.objects.exists()


def test_past_occurrences_count_in_the_file_s_walking_budget(agenda, walked, monkeypatch):
    # Series ended yesterday give no slot, yet each is walked from its start: bounded too.
    monkeypatch.setattr(slots, "MAX_ICS_WALKED", 1000)
    start = timezone.localdate() - datetime.timedelta(days=700)
    until = f"{timezone.localdate() - datetime.timedelta(days=1):%Y%m%d}T235959Z"
    events = [event(f"FREQ=DAILY;UNTIL={until}", uid=f"s{n}@agenda", start=start) for n in range(5)]
    with pytest.raises(ValidationError, match="plus de 1000 répétitions à parcourir"):
        slots.import_ics(agenda, calendar(*events))
    assert walked["n"] <= 1001


def test_too_many_events_or_exception_dates_are_refused_before_parsing(agenda, monkeypatch, django_assert_num_queries):
    import icalendar

    def never(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(icalendar.Calendar, "from_ical", never)
    many = calendar(*(event("", uid=f"e{n}") for n in range(slots.MAX_ICS_EVENTS + 1)))
    assert refused(agenda, many, django_assert_num_queries) == (
        f"Fichier : {slots.MAX_ICS_EVENTS + 1} événements, au plus 3000 ; exportez seulement les mois à venir."
    )
    exdates = ",".join(f"{day(n):%Y%m%d}T170000" for n in range(1, 3002))
    folded = "EXDATE;TZID=Europe/Paris:" + "\r\n ".join(exdates[i : i + 70] for i in range(0, len(exdates), 70))
    message = refused(agenda, calendar(event("FREQ=DAILY", extra=folded + "\r\n")), django_assert_num_queries)
    assert message == "Fichier : 3001 dates d'exception (EXDATE), au plus 3000."


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL={until}",
        "FREQ=MONTHLY;BYDAY=2TU",
        "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-1",
        "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=31",
        "FREQ=YEARLY;BYMONTH=1,6;BYMONTHDAY=1",
        "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=40",
    ],
)
def test_what_agendas_write_is_still_imported_walking_little(agenda, walked, rule):
    until = f"{day(120):%Y%m%d}T230000Z"
    summary = slots.import_ics(agenda, calendar(event(rule.format(until=until), start=day(1))))
    assert summary.created == Slot.objects.count() > 0
    assert walked["n"] <= summary.created + 1


def test_a_weekly_series_begun_a_year_ago_is_imported_from_today(agenda, walked):
    start = day(-364)
    summary = slots.import_ics(agenda, calendar(event("FREQ=WEEKLY", start=start)))
    assert 52 <= summary.created <= 53
    assert walked["n"] <= 52 + 54 + 1


def api_headers(user):
    _, plain = ApiToken.issue(user, "Tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def test_the_api_answers_422_in_french_for_the_issue_s_file(cpts, doctor, walked):
    body = {
        "file": SimpleUploadedFile("agenda.ics", HOSTILE.format(day=f"{day():%Y%m%d}").encode()),
        "practice_place_id": str(doctor.practice_places.first().pk),
    }
    response = Client().post(f"/api/v1/cpts/{cpts.pk}/snp/slots/import", body, **api_headers(doctor.user))
    assert response.status_code == 422, response.content
    assert "FREQ=MINUTELY n'est pas accepté" in json.dumps(response.json(), ensure_ascii=False)
    assert walked["n"] == 0
    assert not Slot.objects.exists()


def test_the_page_shows_the_refusal_on_the_file_field(cpts, doctor, walked):
    data = {
        "practice_place": doctor.practice_places.first().pk,
        "audience": "PUBLIC",
        "file": SimpleUploadedFile("agenda.ics", HOSTILE.format(day=f"{day():%Y%m%d}").encode()),
    }
    response = verified_client(doctor.user).post(reverse("snp_slot_import", args=[cpts.slug]), data)
    assert response.status_code == 200
    assert "FREQ=MINUTELY n&#x27;est pas accepté" in response.content.decode()
    assert walked["n"] == 0
    assert not Slot.objects.exists()
