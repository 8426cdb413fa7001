"""The API of requests: create, search, book (one 201, then 409), outcome."""

import datetime
import json

import pytest
from django.utils import timezone

from maillon.core.models import ApiToken
from maillon.snp.booking import SLOT_TAKEN
from maillon.snp.models import Booking

from .requests_support import member_professional, origin_commune, slot_for


def headers(user):
    _, plain = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def post(client, url, user, body):
    return client.post(url, json.dumps(body), content_type="application/json", **headers(user))


BODY = {
    "first_name": "Jeanne",
    "last_name": "Durand",
    "birth_date": "1970-01-02",
    "phone": "0612345678",
    "commune": "78001",
    "reason": "Fièvre",
    "urgency": "24h",
    "profession": "10",
}


@pytest.mark.django_db
def test_create_search_book_and_the_second_booking_gets_409(client, cpts, member, coordinator):
    commune = origin_commune()
    doctor = member_professional(cpts, commune=commune)
    slot = slot_for(doctor, cpts)
    base = f"/api/v1/cpts/{cpts.pk}/snp"
    created = post(client, f"{base}/requests", member, BODY)
    assert created.status_code == 201, created.content
    first = created.json()["id"]
    assert created.json()["requester_kind"]["code"] == "member"
    second = post(client, f"{base}/requests", coordinator, BODY).json()["id"]
    found = client.get(f"{base}/requests/{first}/slots", **headers(member)).json()
    assert [item["id"] for item in found["slots"]] == [slot.pk]
    assert found["radius_km"] >= 10
    assert post(client, f"{base}/requests/{first}/bookings", member, {"slot_id": slot.pk}).status_code == 201
    refused = post(client, f"{base}/requests/{second}/bookings", coordinator, {"slot_id": slot.pk})
    assert refused.status_code == 409
    assert refused.json()["detail"] == SLOT_TAKEN
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_the_booked_member_records_the_outcome_and_the_requester_reads_it(client, cpts, member):
    commune = origin_commune()
    doctor = member_professional(cpts, commune=commune)
    slot = slot_for(doctor, cpts)
    base = f"/api/v1/cpts/{cpts.pk}/snp"
    request_id = post(client, f"{base}/requests", member, BODY).json()["id"]
    booking_id = post(client, f"{base}/requests/{request_id}/bookings", member, {"slot_id": slot.pk}).json()["id"]
    Booking.objects.filter(pk=booking_id).update(appointment_at=timezone.now() - datetime.timedelta(hours=1))
    assert post(client, f"{base}/bookings/{booking_id}/outcome", member, {"outcome": "honoured"}).status_code == 403
    answer = post(client, f"{base}/bookings/{booking_id}/outcome", doctor.user, {"outcome": "honoured"})
    assert answer.status_code == 200
    read = client.get(f"{base}/requests/{request_id}", **headers(member)).json()
    assert read["status"]["code"] == "closed"
    assert read["bookings"][0]["outcome"]["code"] == "honoured"


@pytest.mark.django_db
def test_another_member_gets_404_on_the_request(client, cpts, member):
    base = f"/api/v1/cpts/{cpts.pk}/snp"
    origin_commune()
    request_id = post(client, f"{base}/requests", member, BODY).json()["id"]
    other = member_professional(cpts, commune=origin_commune("78009")).user
    assert client.get(f"{base}/requests/{request_id}", **headers(other)).status_code == 404
