"""/cpts/{id}/snp/slots…: members' slots over the API, SAS sharing, .ics import, agendas."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from maillon.core.models import ApiToken
from maillon.snp.factories import SlotFactory
from maillon.snp.models import Agenda, Slot, SlotStatus

from .slots_support import member_professional, tomorrow_at

pytestmark = pytest.mark.django_db


def headers(user):
    _, plain = ApiToken.issue(user, "Tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def url(cpts, rest=""):
    return f"/api/v1/cpts/{cpts.pk}/snp{rest}"


def post(user, path, body):
    return Client().post(path, json.dumps(body), content_type="application/json", **headers(user))


def patch(user, path, body):
    return Client().patch(path, json.dumps(body), content_type="application/json", **headers(user))


@pytest.fixture
def doctor(cpts):
    return member_professional(cpts)


def slot_body(doctor, **fields):
    start = timezone.localtime(tomorrow_at(17)).replace(tzinfo=None)
    return {
        "practice_place_id": doctor.practice_places.first().pk,
        "start": start.isoformat(),
        "end": (start + datetime.timedelta(minutes=20)).isoformat(),
        **fields,
    }


def test_a_member_publishes_a_slot_at_paris_time_not_shared_by_default(cpts, doctor):
    response = post(doctor.user, url(cpts, "/slots"), slot_body(doctor, audience="CPTS"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["shared_with_sas"] is False
    assert data["audience"] == {"code": "CPTS", "label": "Membres de la CPTS seulement"}
    assert datetime.datetime.fromisoformat(data["start"]) == tomorrow_at(17)
    assert Slot.objects.get().professional == doctor


def test_an_overlap_answers_422_in_french(cpts, doctor):
    post(doctor.user, url(cpts, "/slots"), slot_body(doctor))
    response = post(doctor.user, url(cpts, "/slots"), slot_body(doctor))
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"].startswith("Chevauchement")


def test_a_member_of_a_closed_profession_gets_403(cpts):
    nurse = member_professional(cpts, nurse=True)
    response = post(nurse.user, url(cpts, "/slots"), slot_body(nurse))
    assert response.status_code == 403
    assert "profession ouverte" in response.json()["detail"]


def test_a_series_is_created_with_its_slots(cpts, doctor):
    first = timezone.localdate() + datetime.timedelta(days=14)
    body = {
        "practice_place_id": doctor.practice_places.first().pk,
        "weekdays": [first.weekday()],
        "start_time": "17:00",
        "duration_minutes": 20,
        "count_per_day": 2,
        "first_date": first.isoformat(),
        "last_date": (first + datetime.timedelta(days=13)).isoformat(),
        "exceptions": [(first + datetime.timedelta(days=7)).isoformat()],
        "shared_with_sas": True,
    }
    response = post(doctor.user, url(cpts, "/slot-series"), body)
    assert response.status_code == 201, response.content
    assert response.json()["slots_created"] == 2
    assert Slot.objects.filter(shared_with_sas=True).count() == 2


def test_an_ics_file_is_imported_by_multipart(cpts, doctor):
    day = timezone.localdate() + datetime.timedelta(days=3)
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//FR\r\nBEGIN:VEVENT\r\nUID:a@b\r\n"
        f"DTSTAMP:{day:%Y%m%d}T080000Z\r\nDTSTART;TZID=Europe/Paris:{day:%Y%m%d}T170000\r\n"
        "DURATION:PT20M\r\nRRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    body = {
        "file": SimpleUploadedFile("agenda.ics", ics, content_type="text/calendar"),
        "practice_place_id": str(doctor.practice_places.first().pk),
    }
    response = Client().post(url(cpts, "/slots/import"), body, **headers(doctor.user))
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 2
    body["file"] = SimpleUploadedFile("agenda.ics", b"BEGIN:VCALENDAR\r\nnot ics", content_type="text/calendar")
    response = Client().post(url(cpts, "/slots/import"), body, **headers(doctor.user))
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"].startswith("Fichier")


def test_the_list_shows_own_slots_and_the_coordinator_sees_all_with_scope_cpts(cpts, doctor, coordinator, member):
    mine = post(doctor.user, url(cpts, "/slots"), slot_body(doctor)).json()
    SlotFactory(agenda__cpts=cpts)
    listed = Client().get(url(cpts, "/slots"), **headers(doctor.user)).json()
    assert [item["id"] for item in listed["items"]] == [mine["id"]]
    everyone = Client().get(url(cpts, "/slots?scope=cpts"), **headers(coordinator)).json()
    assert everyone["count"] == 2
    # Every member's slots are the coordination's list: a member may not see it (404, as a missing CPTS).
    refused = Client().get(url(cpts, "/slots?scope=cpts"), **headers(member))
    assert refused.status_code == 404
    assert refused.json() == {"detail": "CPTS introuvable."}
    later = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert Client().get(url(cpts, f"/slots?from={later}T00:00:00"), **headers(doctor.user)).json()["count"] == 0


def test_only_the_member_changes_a_slot_s_sas_sharing(cpts, doctor, coordinator):
    slot = post(doctor.user, url(cpts, "/slots"), slot_body(doctor)).json()
    assert patch(coordinator, url(cpts, f"/slots/{slot['id']}"), {"shared_with_sas": True}).status_code == 403
    response = patch(doctor.user, url(cpts, f"/slots/{slot['id']}"), {"shared_with_sas": True})
    assert response.status_code == 200
    assert response.json()["shared_with_sas"] is True


def test_cancel_a_slot_then_again_answers_409(cpts, doctor):
    slot = post(doctor.user, url(cpts, "/slots"), slot_body(doctor)).json()
    response = post(doctor.user, url(cpts, f"/slots/{slot['id']}/cancel"), {})
    assert response.status_code == 200
    assert response.json()["status"]["code"] == SlotStatus.CANCELLED
    assert post(doctor.user, url(cpts, f"/slots/{slot['id']}/cancel"), {}).status_code == 409


def test_another_member_s_slot_answers_404(cpts, doctor):
    other = SlotFactory(agenda__cpts=cpts)
    assert post(doctor.user, url(cpts, f"/slots/{other.pk}/cancel"), {}).status_code == 404


def test_agendas_give_the_sharing_default_and_a_renewable_feed_address(cpts, doctor):
    post(doctor.user, url(cpts, "/slots"), slot_body(doctor))
    agendas = Client().get(url(cpts, "/agendas"), **headers(doctor.user)).json()
    assert len(agendas) == 1 and agendas[0]["shares_with_sas"] is False
    agenda = Agenda.objects.get()
    assert agenda.feed_token in agendas[0]["feed_url"]
    body = {"shares_with_sas": True, "apply_to_free_slots": True, "regenerate_feed_token": True}
    response = patch(doctor.user, url(cpts, f"/agendas/{agenda.pk}"), body)
    assert response.status_code == 200
    assert response.json()["shares_with_sas"] is True
    assert agenda.feed_token not in response.json()["feed_url"]
    assert Slot.objects.get().shared_with_sas is True


def test_another_cpts_answers_404(cpts, other_cpts, doctor):
    assert Client().get(url(other_cpts, "/slots"), **headers(doctor.user)).status_code == 404
    assert post(doctor.user, url(other_cpts, "/slots"), slot_body(doctor)).status_code == 404
