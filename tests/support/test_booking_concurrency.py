"""Booking is serialised on PostgreSQL: requests that book at the same moment the last room of a
housing, or the same slot of a shared equipment, or a supervisor's last place, get exactly one
winner; the others are refused in French, naming the field, and nothing of theirs is written."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.members.factories import MembershipFactory
from maillon.support import services
from maillon.support.factories import (
    EquipmentFactory,
    HousingBookingFactory,
    HousingFactory,
    PlacementFactory,
    SupervisorFactory,
)
from maillon.support.models import EquipmentBooking, HousingBooking, Placement

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]

THREADS = 6


@pytest.fixture(autouse=True)
def _only_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are exercised on PostgreSQL")


def race(calls):
    """Run each call in its own thread and connection, all released at once; their outcomes:
    "ok", the refused fields, or the unexpected error (so a database error is shown, not lost)."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("ok")
        except ValidationError as refusal:
            outcomes.append(sorted(refusal.message_dict))
        except Exception as error:  # shown in the assertion, not lost in a thread
            outcomes.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == len(calls), f"a thread hung: {outcomes}"
    return outcomes


def test_threads_booking_the_last_room_of_a_housing_get_one_booking(cpts):
    housing = HousingFactory(cpts=cpts, rooms=2)
    arrives_on = timezone.localdate() + datetime.timedelta(days=30)
    leaves_on = arrives_on + datetime.timedelta(days=30)
    # One room taken over part of the stay: one room left the night of the 10th.
    HousingBookingFactory(
        housing=housing,
        arrives_on=arrives_on + datetime.timedelta(days=10),
        leaves_on=arrives_on + datetime.timedelta(days=11),
    )
    users = [UserFactory() for _ in range(THREADS)]

    def booking(n):
        return lambda: services.book_housing(
            housing=housing, by=users[n], arrives_on=arrives_on, leaves_on=leaves_on, occupant_name=f"Interne {n}"
        )

    outcomes = race([booking(n) for n in range(THREADS)])

    assert sorted(outcomes, key=str) == [["arrives_on"]] * (THREADS - 1) + ["ok"]
    assert HousingBooking.objects.filter(housing=housing).booked().count() == 2
    assert max(housing.occupancy(arrives_on, leaves_on).values()) == 2


def test_threads_booking_one_equipment_slot_get_one_booking(cpts):
    equipment = EquipmentFactory(cpts=cpts)
    borrowers = [MembershipFactory(cpts=cpts) for _ in range(THREADS)]
    start = (timezone.localtime() + datetime.timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)

    def booking(n):
        # Slots that all overlap 10:00–11:00, each shifted by a quarter of an hour.
        starts_at = start + datetime.timedelta(minutes=15 * n)
        return lambda: services.book_equipment(
            equipment=equipment,
            membership=borrowers[n],
            by=None,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
        )

    outcomes = race([booking(n) for n in range(THREADS)])

    assert sorted(outcomes, key=str) == [["starts_at"]] * (THREADS - 1) + ["ok"]
    assert EquipmentBooking.objects.filter(equipment=equipment).booked().count() == 1


def test_threads_offering_a_supervisors_last_place_get_one_placement(cpts):
    supervisor = SupervisorFactory(cpts=cpts, capacity=2)
    taken = PlacementFactory(supervisor=supervisor)
    user = UserFactory()

    def offer():
        return services.offer_placement(
            supervisor=supervisor,
            by=user,
            level=taken.level,
            starts_on=taken.starts_on,
            ends_on=taken.ends_on,
        )

    outcomes = race([offer for _ in range(THREADS)])

    assert sorted(outcomes, key=str) == [["starts_on"]] * (THREADS - 1) + ["ok"]
    assert Placement.objects.filter(supervisor=supervisor).count() == 2
