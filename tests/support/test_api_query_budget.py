"""A query budget on every list of the mission 6 API: read with 3 rows, then with 30, each runs the
same number of SQL queries (tests/test_list_query_budgets.py may point here)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillon.core.factories import CptsFactory
from maillon.members.factories import MembershipFactory
from maillon.support.factories import (
    AdFactory,
    CrossTrainingFactory,
    EquipmentBookingFactory,
    EquipmentFactory,
    HousingBookingFactory,
    HousingFactory,
    InstallationProjectFactory,
    PlacementApplicationFactory,
    PlacementFactory,
    SupervisorFactory,
    TutoringFactory,
)
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory
from tests.conftest import api_headers

from .api_helpers import call, people

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 30


class World:
    def __init__(self, cpts, callers):
        self.cpts = cpts
        self.users = callers.users
        self.adhesions = callers.adhesions
        self.made = {}
        self.count = 0

    def once(self, name, make):
        if name not in self.made:
            self.made[name] = make()
        return self.made[name]

    def supervisor(self):
        """The supervisor's own card: the member `supervisor` sees their placements."""
        return self.once(
            "supervisor", lambda: SupervisorFactory(cpts=self.cpts, membership=self.adhesions["supervisor"])
        )

    def next_days(self):
        """A new slot of time for each row (bookings never overlap)."""
        self.count += 1
        return self.count


def supervisors(world, count):
    SupervisorFactory.create_batch(count, cpts=world.cpts)


def placements(world, count):
    for _ in range(count):
        PlacementFactory(supervisor=world.supervisor(), filled=True)


def applications(world, count):
    for index in range(count):
        placement = PlacementFactory(supervisor=world.supervisor()) if index % 2 else None
        if placement is None:
            PlacementApplicationFactory(spontaneous=True, cpts=world.cpts)
        else:
            PlacementApplicationFactory(placement=placement)


def housing(world, count):
    HousingFactory.create_batch(count, cpts=world.cpts)


def a_housing(world):
    return world.once("housing", lambda: HousingFactory(cpts=world.cpts, rooms=20))


def housing_bookings(world, count):
    for _ in range(count):
        start = timezone.localdate() + datetime.timedelta(days=world.next_days())
        HousingBookingFactory(housing=a_housing(world), arrives_on=start, leaves_on=start + datetime.timedelta(days=1))


def installations(world, count):
    for index in range(count):
        InstallationProjectFactory(
            cpts=world.cpts, membership=MembershipFactory(cpts=world.cpts) if index % 2 else None
        )


def ads(world, count):
    for index in range(count):
        AdFactory(cpts=world.cpts, published=index % 2 == 0, author=world.users["author"] if index % 3 else None)


def tutoring(world, count):
    for index in range(count):
        tutee = world.adhesions["tutor"] if index % 2 else None
        TutoringFactory(cpts=world.cpts, tutee_membership=tutee, tutee_name="" if tutee else "Léa Roux")


def cross_trainings(world, count):
    CrossTrainingFactory.create_batch(count, cpts=world.cpts)


def equipment(world, count):
    for _ in range(count):
        EquipmentFactory(cpts=world.cpts, holder=MembershipFactory(cpts=world.cpts))


def a_piece_of_equipment(world):
    return world.once("equipment", lambda: EquipmentFactory(cpts=world.cpts))


def equipment_bookings(world, count):
    for _ in range(count):
        start = timezone.localtime() + datetime.timedelta(days=world.next_days())
        EquipmentBookingFactory(
            equipment=a_piece_of_equipment(world), starts_at=start, ends_at=start + datetime.timedelta(hours=2)
        )


def internships(world, count):
    for _ in range(count):
        PlacementFactory(supervisor=world.supervisor())
        HousingBookingFactory(housing=HousingFactory(cpts=world.cpts, rooms=2))


def public_ads(world, count):
    for _ in range(count):
        commune = CommuneFactory()
        TerritoryCommuneFactory(cpts=CptsFactory(), commune=commune)
        AdFactory(cpts=world.cpts, published=True, commune=commune)


# name: (path after /api/v1, with {cpts}, {housing}, {equipment}; caller or None; rows)
CASES = {
    "supervisors": ("/cpts/{cpts}/support/supervisors", "member", supervisors),
    "placements": ("/cpts/{cpts}/support/placements", "coordinator", placements),
    "placements_supervisor": ("/cpts/{cpts}/support/placements", "supervisor", placements),
    "applications": ("/cpts/{cpts}/support/applications", "coordinator", applications),
    "applications_supervisor": ("/cpts/{cpts}/support/applications", "supervisor", applications),
    "housing": ("/cpts/{cpts}/support/housing", "member", housing),
    "housing_bookings": ("/cpts/{cpts}/support/housing/{housing}/bookings", "coordinator", housing_bookings),
    "installations": ("/cpts/{cpts}/support/installations", "coordinator", installations),
    "ads": ("/cpts/{cpts}/support/ads", "coordinator", ads),
    "ads_author": ("/cpts/{cpts}/support/ads", "author", ads),
    "tutoring": ("/cpts/{cpts}/support/tutoring", "coordinator", tutoring),
    "tutoring_tutor": ("/cpts/{cpts}/support/tutoring", "tutor", tutoring),
    "cross_trainings": ("/cpts/{cpts}/support/cross-trainings", "member", cross_trainings),
    "equipment": ("/cpts/{cpts}/support/equipment", "member", equipment),
    "equipment_bookings": ("/cpts/{cpts}/support/equipment/{equipment}/bookings", "member", equipment_bookings),
    "internships": ("/cpts/{cpts}/internships", None, internships),
    "public_ads": ("/ads", None, public_ads),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_list_runs_as_many_queries_with_30_rows_as_with_3(cpts, name):
    tail, role, rows = CASES[name]
    world = World(cpts, people(cpts))
    headers = {} if role is None else api_headers(world.users[role])
    rows(world, FEW)
    path = tail.format(
        cpts=cpts.pk,
        housing=getattr(world.made.get("housing"), "pk", ""),
        equipment=getattr(world.made.get("equipment"), "pk", ""),
    )
    call("get", path, headers, page_size=100)  # caches filled once
    with CaptureQueriesContext(connection) as few:
        first = call("get", path, headers, page_size=100)
    rows(world, MANY - FEW)
    with CaptureQueriesContext(connection) as many:
        second = call("get", path, headers, page_size=100)
    assert first.status_code == second.status_code == 200, second.content
    assert len(second.json()["items"]) > len(first.json()["items"]) > 0
    assert len(many) == len(few), "\n".join(query["sql"][:200] for query in many.captured_queries)
