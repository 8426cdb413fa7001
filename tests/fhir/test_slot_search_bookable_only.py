"""The feed sends only bookable slots (ahead, of active members), with the practice's phone only,
a postal code for every place, and CPTS among the slot types only for PUBLIC and PRO slots."""

import datetime

import pytest
from django.utils import timezone

from maillon.members.factories import PracticePlaceFactory
from maillon.snp.factories import AgendaFactory
from maillon.territories.factories import CommuneFactory

from .conftest import make_slot, resources, search

pytestmark = pytest.mark.django_db


def window(day: datetime.datetime):
    return {"ge": day.strftime("%Y-%m-%dT00:00:00+00:00"), "le": day.strftime("%Y-%m-%dT23:59:59+00:00")}


def test_a_slot_already_started_is_not_sent(sas, agenda):
    now = timezone.now().astimezone(datetime.UTC)
    past = make_slot(agenda, now.replace(hour=0, minute=1, second=0, microsecond=0))
    if past.start >= now:  # just after midnight UTC: move the slot back a day
        past.start -= datetime.timedelta(days=1)
        past.end -= datetime.timedelta(days=1)
        past.save()
    response = search(sas, agenda.professional.rpps, **window(past.start))
    assert response.status_code == 200, response.content
    assert resources(response.json(), "Slot") == []


def test_the_role_has_the_practice_phone_never_the_professionals_own(sas, agenda, shared_slot):
    professional = agenda.professional
    professional.phone = "06 11 22 33 44"
    professional.save()
    place = agenda.practice_place
    place.phone = ""
    place.save()
    (role,) = resources(search(sas, professional.rpps).json(), "PractitionerRole")
    assert "telecom" not in role


def test_a_place_whose_commune_has_no_postal_code_is_left_out(sas, agenda, shared_slot, signed_cpts):
    other_place = PracticePlaceFactory(professional=agenda.professional, commune=CommuneFactory(code="78999"))
    other_agenda = AgendaFactory(cpts=signed_cpts, practice_place=other_place, professional=agenda.professional)
    make_slot(other_agenda, shared_slot.start + datetime.timedelta(hours=1))
    slots = resources(search(sas, agenda.professional.rpps).json(), "Slot")
    assert [slot["id"] for slot in slots] == [f"slot-{shared_slot.pk}"]
