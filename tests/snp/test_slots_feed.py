"""The .ics feed of a member's bookings: reached by its secret token, never naming the patient."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from maillon.snp import slots
from maillon.snp.factories import AgendaFactory, BookingFactory, CareRequestFactory

from .slots_support import member_professional, tomorrow_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked_agenda(cpts):
    doctor = member_professional(cpts)
    agenda = slots.ensure_agenda(cpts, doctor, doctor.practice_places.first())
    slot = slots.publish_slot(agenda, start=tomorrow_at(17), end=tomorrow_at(17, 20))
    request = CareRequestFactory(cpts=cpts, status="booked", last_name="Durandal", first_name="Odile", reason="Otite")
    assert slot.book(by=None)
    BookingFactory(slot=slot, cpts=cpts, request=request)
    return agenda


def feed_url(agenda, token=None):
    return reverse("snp_slots_feed", args=[agenda.cpts.slug, token or agenda.feed_token])


def test_the_feed_lists_the_bookings_without_the_patient(client, booked_agenda):
    response = client.get(feed_url(booked_agenda))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    for personal in ("Durandal", "Odile", "Otite"):
        assert personal not in body
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    booking = booked_agenda.professional.snp_bookings.get()
    assert str(events[0]["SUMMARY"]) == f"Rendez-vous SNP n° {booking.pk}"
    assert "Versailles" in str(events[0]["LOCATION"])
    assert f"/snp/demandes/{booking.request_id}/" in str(events[0]["URL"])
    assert events[0].decoded("DTSTART") == tomorrow_at(17)


def test_a_wrong_token_or_another_cpts_answers_404(client, booked_agenda, other_cpts):
    assert client.get(feed_url(booked_agenda, token="x" * 43)).status_code == 404
    elsewhere = reverse("snp_slots_feed", args=[other_cpts.slug, booked_agenda.feed_token])
    assert client.get(elsewhere).status_code == 404


def test_a_regenerated_token_retires_the_old_address(client, booked_agenda):
    old = feed_url(booked_agenda)
    slots.regenerate_feed_token(booked_agenda)
    assert client.get(old).status_code == 404
    assert client.get(feed_url(booked_agenda)).status_code == 200


def test_another_agenda_s_bookings_are_not_in_the_feed(client, booked_agenda):
    other = AgendaFactory(cpts=booked_agenda.cpts)
    events = Calendar.from_ical(client.get(feed_url(other)).content).walk("VEVENT")
    assert events == []
