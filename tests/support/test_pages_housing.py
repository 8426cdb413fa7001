"""The trainees' housing through its pages: every role reads the housing and its month calendar of
free rooms (navigable with `?mois=AAAA-MM`); the coordination adds and changes housing, books a
room (a full night is refused, naming the arrival) and cancels a booking; the occupants' names
show to the coordination only; another CPTS answers 404."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.support.factories import HousingBookingFactory, HousingFactory
from maillon.support.models import BookingStatus, Housing, HousingBooking

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(name, cpts, *args):
    return reverse(name, args=[cpts.slug, *args])


def next_month_first() -> datetime.date:
    today = timezone.localdate()
    return (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


@pytest.fixture
def housing(cpts):
    return HousingFactory(cpts=cpts, name="Studio de la mairie", rooms=1)


@pytest.fixture
def booking(housing):
    start = next_month_first() + datetime.timedelta(days=4)
    return HousingBookingFactory(
        housing=housing, arrives_on=start, leaves_on=start + datetime.timedelta(days=3), occupant_name="Zoé Occupante"
    )


def test_a_member_reads_the_calendar_without_the_occupants(cpts, member, housing, booking):
    month = next_month_first()
    client = verified_client(member)
    assert "Studio de la mairie" in text(client.get(url("housing_list", cpts)))
    page = text(client.get(url("housing_detail", cpts, housing.pk) + f"?mois={month:%Y-%m}"))
    assert "Complet" in page and "1 libre" in page
    assert "Zoé Occupante" not in page and "Réserver une chambre" not in page


def test_the_calendar_goes_from_month_to_month_by_links(cpts, member, housing):
    client = verified_client(member)
    detail = url("housing_detail", cpts, housing.pk)
    page = text(client.get(detail + "?mois=2027-03"))
    assert "Chambres libres en mars 2027" in page
    assert f'href="{detail}?mois=2027-02#calendrier"' in page and f'href="{detail}?mois=2027-04#calendrier"' in page
    assert f'href="{detail}?mois=2028-01#calendrier"' in text(client.get(detail + "?mois=2027-12"))
    # Anything else is this month.
    this_month = timezone.localdate().strftime("%Y-%m")
    assert f"?mois={this_month}" not in text(client.get(detail + "?mois=2027-13"))


def test_another_cpts_gets_404(cpts, other_cpts, housing, booking):
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    client = verified_client(outsider)
    assert client.get(url("housing_list", cpts)).status_code == 404
    assert client.get(url("housing_detail", other_cpts, housing.pk)).status_code == 404
    assert client.post(url("housing_booking_cancel", other_cpts, booking.pk)).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_a_member_may_not_book_nor_cancel(cpts, member, housing, booking):
    client = verified_client(member)
    data = {"occupant_name": "X", "arrives_on": "01/01/2030", "leaves_on": "05/01/2030"}
    assert client.post(url("housing_book", cpts, housing.pk), data).status_code == 403
    assert client.post(url("housing_booking_cancel", cpts, booking.pk)).status_code == 404
    assert client.get(url("housing_create", cpts)).status_code == 403
    assert HousingBooking.objects.count() == 1


def test_the_coordination_adds_housing_in_a_commune(cpts, coordinator):
    response = verified_client(coordinator).post(
        url("housing_create", cpts),
        {"name": "Chambres de l'hôpital", "commune_query": "Versailles", "commune": "78646", "rooms": "3"},
    )
    housing = Housing.objects.get(cpts=cpts)
    assert response.status_code == 302 and response["Location"] == url("housing_detail", cpts, housing.pk)
    assert housing.commune.code == "78646" and housing.rooms == 3 and housing.monthly_rent is None


def test_a_full_night_is_refused_naming_the_arrival_and_a_free_one_is_booked(cpts, coordinator, housing, booking):
    client = verified_client(coordinator)
    overlapping = {
        "occupant_name": "Paul Second",
        "arrives_on": f"{booking.leaves_on - datetime.timedelta(days=1):%d/%m/%Y}",
        "leaves_on": f"{booking.leaves_on + datetime.timedelta(days=5):%d/%m/%Y}",
    }
    response = client.post(url("housing_book", cpts, housing.pk), overlapping)
    page = text(response)
    assert response.status_code == 400
    assert "Séjour : le logement est complet la nuit du" in page and "Zoé Occupante" in page
    assert HousingBooking.objects.count() == 1
    after = {**overlapping, "arrives_on": f"{booking.leaves_on:%d/%m/%Y}"}
    response = client.post(url("housing_book", cpts, housing.pk), after)
    assert response.status_code == 302
    assert HousingBooking.objects.filter(occupant_name="Paul Second", arrives_on=booking.leaves_on).exists()


def test_the_coordination_cancels_a_booking_and_the_room_is_free_again(cpts, coordinator, housing, booking):
    client = verified_client(coordinator)
    response = client.post(url("housing_booking_cancel", cpts, booking.pk))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    page = text(client.get(response["Location"]))
    assert "Complet" not in page and "la chambre est de nouveau libre" in page
