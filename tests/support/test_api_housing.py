"""The API of the housing lent to trainees (maillon/api/support.py): every role in the CPTS reads
the housing and its free rooms; the coordinators manage it, book its rooms (never more nights
booked than rooms) and read the bookings (the occupants' names). Without an account, `GET
/cpts/{id}/internships` lists the open placements and the housing with a free room, nothing
personal."""

import datetime

import pytest
from django.utils import timezone

from maillon.support.factories import HousingBookingFactory, HousingFactory, PlacementFactory, SupervisorFactory
from maillon.support.models import HousingBooking

from .api_helpers import call, field_errors, people, support_url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day(n):
    return TODAY + datetime.timedelta(days=n)


def test_the_coordinator_offers_housing_every_role_reads_it(cpts):
    world = people(cpts)
    url = support_url(cpts, "housing")
    body = {
        "name": "Studio des internes",
        "commune": "78646",
        "address": "2 place de la Mairie",
        "rooms": 2,
        "host": "Mairie de Versailles",
        "contact": "01 23 45 67 89",
        "monthly_rent": "250.00",
    }
    assert call("post", url, world.headers("member"), body).status_code == 403
    coordinator = world.headers("coordinator")
    assert list(field_errors(call("post", url, coordinator, {**body, "commune": "99999"}))) == ["commune"]
    assert list(field_errors(call("post", url, coordinator, {**body, "rooms": 0}))) == ["rooms"]
    response = call("post", url, coordinator, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["commune"], created["monthly_rent"], created["rooms"]) == (
        {"code": "78646", "name": "Versailles"},
        "250.00",
        2,
    )
    assert call("get", url, world.headers("member")).json()["items"][0]["id"] == created["id"]
    patched = call("patch", f"{url}/{created['id']}", coordinator, {"monthly_rent": None, "rooms": 3})
    assert (patched.json()["monthly_rent"], patched.json()["rooms"]) == (None, 3)
    assert list(field_errors(call("patch", f"{url}/{created['id']}", coordinator, {"name": None}))) == ["name"]
    assert call("patch", f"{url}/{created['id']}", world.headers("member"), {"rooms": 1}).status_code == 403
    for role in ("authority", "outsider", "admin"):
        assert call("get", f"{url}/{created['id']}", world.headers(role)).status_code == 404, role


def test_a_room_is_booked_until_the_housing_is_full_then_refused_on_arrives_on(cpts):
    world = people(cpts)
    housing = HousingFactory(cpts=cpts, rooms=1)
    placement = PlacementFactory(cpts=cpts, supervisor__cpts=cpts)
    url = support_url(cpts, f"housing/{housing.pk}/bookings")
    body = {
        "arrives_on": day(10).isoformat(),
        "leaves_on": day(40).isoformat(),
        "occupant_name": "Léa Roux",
        "placement": placement.pk,
    }
    assert call("post", url, world.headers("member"), body).status_code == 403
    coordinator = world.headers("coordinator")
    assert list(field_errors(call("post", url, coordinator, {**body, "leaves_on": day(5).isoformat()}))) == [
        "leaves_on"
    ]
    assert list(field_errors(call("post", url, coordinator, {**body, "placement": 0}))) == ["placement"]
    response = call("post", url, coordinator, body)
    assert response.status_code == 201, response.content
    assert (response.json()["placement_id"], response.json()["status"]) == (placement.pk, "booked")
    full = field_errors(call("post", url, coordinator, {**body, "arrives_on": day(39).isoformat()}))
    assert list(full) == ["arrives_on"]
    assert HousingBooking.objects.count() == 1
    # The departure day is free: the next stay starts on it.
    after = call(
        "post", url, coordinator, {**body, "arrives_on": day(40).isoformat(), "leaves_on": day(50).isoformat()}
    )
    assert after.status_code == 201, after.content


def test_the_bookings_and_their_occupants_are_the_coordinators(cpts):
    world = people(cpts)
    booking = HousingBookingFactory(housing__cpts=cpts, occupant_name="Léa Roux")
    url = support_url(cpts, f"housing/{booking.housing_id}/bookings")
    listed = call("get", url, world.headers("coordinator")).json()
    assert (listed["count"], listed["items"][0]["occupant_name"]) == (1, "Léa Roux")
    assert call("get", url, world.headers("member")).json() == {"items": [], "count": 0}
    cancel = support_url(cpts, f"housing-bookings/{booking.pk}/cancel")
    assert call("post", cancel, world.headers("member"), {}).status_code == 404
    cancelled = call("post", cancel, world.headers("coordinator"), {"note": "Stage annulé"})
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    again = call("post", cancel, world.headers("coordinator"), {})
    assert (again.status_code, again.json()["status"]) == (409, "cancelled")


def test_the_availability_counts_each_night(cpts):
    world = people(cpts)
    housing = HousingFactory(cpts=cpts, rooms=2)
    HousingBookingFactory(housing=housing, arrives_on=day(1), leaves_on=day(3))
    HousingBookingFactory(housing=housing, arrives_on=day(2), leaves_on=day(4))
    url = support_url(cpts, f"housing/{housing.pk}/availability")
    body = call("get", url, world.headers("member"), start=day(0).isoformat(), end=day(5).isoformat()).json()
    assert [(night["booked"], night["free"]) for night in body["nights"]] == [(0, 2), (1, 1), (2, 0), (1, 1), (0, 2)]
    too_long = call("get", url, world.headers("member"), start=day(0).isoformat(), end=day(200).isoformat())
    assert too_long.json()["detail"][0]["loc"] == ["query", "end"]


def test_the_public_page_lists_open_placements_and_housing_with_a_free_room_without_names(cpts, other_cpts):
    supervisor = SupervisorFactory(cpts=cpts)
    open_placement = PlacementFactory(supervisor=supervisor)
    PlacementFactory(supervisor=supervisor, filled=True, trainee_name="Jo Lin")
    PlacementFactory(supervisor=supervisor, cancelled=True)
    PlacementFactory(supervisor=supervisor, starts_on=day(-200), ends_on=day(-20))  # over
    PlacementFactory(supervisor__cpts=other_cpts)
    free = HousingFactory(cpts=cpts, rooms=2, name="Studio libre", host="Mme Durand", address="3 rue Secrète")
    full = HousingFactory(cpts=cpts, rooms=1, name="Chambre prise")
    HousingBookingFactory(housing=full, arrives_on=day(-5), leaves_on=day(60), occupant_name="Léa Roux")
    HousingBookingFactory(housing=free, arrives_on=day(0), leaves_on=day(60))
    HousingFactory(cpts=cpts, active=False, name="Plus proposé")

    response = call("get", f"/cpts/{cpts.pk}/internships")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["count"], [item["id"] for item in body["items"]]) == (1, [open_placement.pk])
    item = body["items"][0]
    assert item["supervisor"] == {"profession_label": supervisor.profession_label}
    assert item["level"] == "intern"
    assert [(row["name"], row["free_rooms"]) for row in body["housing"]] == [("Studio libre", 1)]
    content = response.content.decode()
    for personal in ("Jo Lin", "Léa Roux", "Mme Durand", "3 rue Secrète", supervisor.name):
        assert personal not in content
    # A later stay: the full housing is free again after its booking.
    later = call("get", f"/cpts/{cpts.pk}/internships", arrives_on=day(60).isoformat()).json()
    assert {row["name"] for row in later["housing"]} == {"Studio libre", "Chambre prise"}
    assert call("get", "/cpts/0/internships").status_code == 404
    backwards = call(
        "get", f"/cpts/{cpts.pk}/internships", arrives_on=day(10).isoformat(), leaves_on=day(5).isoformat()
    )
    assert backwards.json()["detail"] == [
        {"loc": ["query", "leaves_on"], "msg": "Période : la fin doit suivre le début."}
    ]
