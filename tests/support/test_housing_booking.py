"""Housing lent to trainees and its bookings: a booking takes one room from the arrival day to the
departure day (excluded), through `services.book_housing`, refused (field `arrives_on`) when a
night would have more bookings than rooms; `occupancy` and `free_rooms` count each night of
[start, end). A booking is cancelled through its workflow (booked → cancelled), which frees its
nights."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.core.workflows import TransitionNotAllowed
from maillon.support import services
from maillon.support.factories import HousingBookingFactory, HousingFactory, PlacementFactory, SupervisorFactory
from maillon.support.models import BookingStatus, HousingBooking, HousingBookingEvent

pytestmark = pytest.mark.django_db


DAY = datetime.timedelta(days=1)
D = timezone.localdate() + 30 * DAY  # the first night of most stays here


def night(n):
    return D + n * DAY


def book(housing, by, first, last_excluded, name="Interne", **fields):
    return services.book_housing(
        housing=housing, by=by, arrives_on=night(first), leaves_on=night(last_excluded), occupant_name=name, **fields
    )


def booked_count(housing):
    return HousingBooking.objects.filter(housing=housing, status=BookingStatus.BOOKED).count()


def test_a_booking_takes_one_room_from_arrival_to_departure_excluded(cpts, coordinator):
    housing = HousingFactory(cpts=cpts, rooms=1)
    placement = PlacementFactory(supervisor=SupervisorFactory(cpts=cpts))
    booking = book(housing, coordinator, 0, 3, name="  Léa Martin ", placement=placement, note=" Arrive en train ")

    stored = HousingBooking.objects.get(pk=booking.pk)
    assert (stored.cpts, stored.housing, stored.arrives_on, stored.leaves_on) == (cpts, housing, night(0), night(3))
    assert (stored.occupant_name, stored.note, stored.placement, stored.created_by, stored.status) == (
        "Léa Martin",
        "Arrive en train",
        placement,
        coordinator,
        BookingStatus.BOOKED,
    )
    assert housing.occupancy(night(-1), night(4)) == {
        night(-1): 0,
        night(0): 1,
        night(1): 1,
        night(2): 1,
        night(3): 0,  # the departure day is free again
    }
    assert housing.free_rooms(night(2), night(4)) == {night(2): 0, night(3): 1}


def test_the_next_occupant_arrives_on_the_departure_day(cpts, coordinator):
    housing = HousingFactory(cpts=cpts, rooms=1)
    book(housing, coordinator, 0, 3)
    book(housing, coordinator, 3, 6)
    book(housing, coordinator, -4, 0)
    assert booked_count(housing) == 3
    assert set(housing.occupancy(night(-4), night(6)).values()) == {1}


def test_a_night_over_the_rooms_is_refused_naming_it(cpts, coordinator):
    housing = HousingFactory(cpts=cpts, rooms=2)
    book(housing, coordinator, 0, 10)
    book(housing, coordinator, 5, 7)

    with pytest.raises(ValidationError) as refused:
        book(housing, coordinator, 2, 12)

    assert refused.value.message_dict == {
        "arrives_on": [
            f"Séjour : le logement est complet la nuit du {night(5):%d/%m/%Y} (et 1 autre(s) nuit(s)). "
            "Choisissez d'autres dates."
        ]
    }
    assert booked_count(housing) == 2
    # Around the full nights, the second room is free.
    book(housing, coordinator, 0, 5)
    book(housing, coordinator, 7, 12)
    assert max(housing.occupancy(night(0), night(12)).values()) == 2


def test_one_full_night_is_named_alone(cpts, coordinator):
    housing = HousingFactory(cpts=cpts, rooms=1)
    book(housing, coordinator, 4, 5)
    with pytest.raises(ValidationError) as refused:
        book(housing, coordinator, 0, 10)
    assert refused.value.message_dict == {
        "arrives_on": [f"Séjour : le logement est complet la nuit du {night(4):%d/%m/%Y}. Choisissez d'autres dates."]
    }


def test_the_rooms_of_another_housing_do_not_count(cpts, coordinator):
    full = HousingFactory(cpts=cpts, rooms=1)
    book(full, coordinator, 0, 10)
    other = HousingFactory(cpts=cpts, rooms=1)
    assert book(other, coordinator, 0, 10).housing == other


def test_a_cancelled_booking_frees_its_nights_and_writes_its_log(cpts, coordinator):
    housing = HousingFactory(cpts=cpts, rooms=1)
    booking = book(housing, coordinator, 0, 10)
    booking.cancel(by=coordinator, note="Stage annulé")

    assert HousingBooking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert list(
        HousingBookingEvent.objects.filter(booking=booking).values_list("from_status", "to_status", "note")
    ) == [("booked", "cancelled", "Stage annulé")]
    assert JournalEntry.objects.filter(
        action="transition", object_type="support.HousingBooking", object_id=str(booking.pk)
    ).exists()
    assert set(housing.occupancy(night(0), night(10)).values()) == {0}
    assert book(housing, coordinator, 0, 10).status == BookingStatus.BOOKED


def test_a_cancelled_booking_cannot_be_cancelled_again(coordinator):
    booking = HousingBookingFactory()
    booking.cancel(by=coordinator)
    with pytest.raises(TransitionNotAllowed) as refused:
        booking.cancel(by=coordinator)
    assert refused.value.detail == "Cette réservation est « Annulée » : l'action n'est pas possible."


@pytest.mark.parametrize(
    ("first", "last", "field", "message"),
    [
        (3, 3, "leaves_on", "Séjour : la fin doit suivre le début."),
        (3, 1, "leaves_on", "Séjour : la fin doit suivre le début."),
        (0, 400, "leaves_on", "Séjour : pas plus de 366 jours."),
    ],
)
def test_the_stay_is_checked(cpts, coordinator, first, last, field, message):
    with pytest.raises(ValidationError) as refused:
        book(HousingFactory(cpts=cpts), coordinator, first, last)
    assert refused.value.message_dict == {field: [message]}
    assert not HousingBooking.objects.exists()


def test_a_booking_needs_its_occupant(cpts, coordinator):
    with pytest.raises(ValidationError) as refused:
        book(HousingFactory(cpts=cpts), coordinator, 0, 2, name="  ")
    assert refused.value.message_dict == {"occupant_name": ["Occupant : ce champ est obligatoire."]}


def test_a_housing_no_longer_lent_takes_no_booking(cpts, coordinator):
    with pytest.raises(ValidationError) as refused:
        book(HousingFactory(cpts=cpts, active=False), coordinator, 0, 2)
    assert refused.value.message_dict == {"housing": ["Logement : il n'est plus proposé aux stagiaires."]}


def test_the_placement_of_a_booking_is_one_of_the_cpts(cpts, other_cpts, coordinator):
    foreign = PlacementFactory(supervisor=SupervisorFactory(cpts=other_cpts))
    with pytest.raises(ValidationError) as refused:
        book(HousingFactory(cpts=cpts), coordinator, 0, 2, placement=foreign)
    assert refused.value.message_dict == {"placement": ["Stage : choisissez dans la CPTS."]}


@pytest.mark.parametrize("rooms", [0, 21])
def test_a_housing_has_one_to_twenty_rooms(cpts, rooms):
    housing = HousingFactory(cpts=cpts, rooms=rooms)
    with pytest.raises(ValidationError) as refused:
        housing.full_clean()
    assert list(refused.value.message_dict) == ["rooms"]


def test_occupancy_of_an_empty_period_is_empty(cpts):
    housing = HousingFactory(cpts=cpts)
    assert housing.occupancy(night(3), night(3)) == {}
    assert housing.free_rooms(night(3), night(1)) == {}
