"""A query budget on every list of the prevention API: read with 3 rows, then with 30, each
runs the same number of SQL queries (tests/test_list_query_budgets.py points here)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillon.members.factories import MembershipFactory
from maillon.prevention.factories import (
    MeasureFactory,
    MeasureValueFactory,
    PreventionActionFactory,
    PublicSessionFactory,
    RegistrationFactory,
    WalkInCountFactory,
)
from maillon.prevention.models import RegistrationStatus, SessionStatus
from maillon.territories.models import Commune

from .api_helpers import call, callers

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 30


def actions(world, count):
    versailles = Commune.objects.get(code="78646")
    for _ in range(count):
        action = PreventionActionFactory(cpts=world.cpts, owner=MembershipFactory(cpts=world.cpts))
        action.communes.add(versailles)


def measures(world, count):
    for _ in range(count):
        MeasureValueFactory(measure=MeasureFactory(action=PreventionActionFactory(cpts=world.cpts)))


def values_of(world, count):
    start = 2000 + world.made.setdefault("years", 0)
    world.made["years"] += count
    for year in range(start, start + count):
        MeasureValueFactory(measure=world.made["measure"], year=year, numerator=year % 10)


def a_measure(world):
    world.made["measure"] = MeasureFactory(action=PreventionActionFactory(cpts=world.cpts))


def sessions(world, count):
    """Upcoming sessions with people waiting, and held ones with participants."""
    action = PreventionActionFactory(cpts=world.cpts, owner=MembershipFactory(cpts=world.cpts))
    past = timezone.now() - datetime.timedelta(days=2)
    for index in range(count):
        if index % 2:
            session = PublicSessionFactory(action=action, capacity=1, seats_taken=1)
            RegistrationFactory(session=session)
            RegistrationFactory(session=session, status=RegistrationStatus.WAITING)
        else:
            session = PublicSessionFactory(
                action=action, starts_at=past, ends_at=past + datetime.timedelta(hours=1), status=SessionStatus.HELD
            )
            RegistrationFactory(session=session, attended=True, age_band="25-49", sex="female")
            WalkInCountFactory(session=session)


def a_session(world):
    world.made["session"] = PublicSessionFactory(action=PreventionActionFactory(cpts=world.cpts), capacity=1000)


def registrations(world, count):
    for index in range(count):
        status = RegistrationStatus.WAITING if index % 3 == 0 else RegistrationStatus.CONFIRMED
        RegistrationFactory(session=world.made["session"], status=status)


def public_sessions(world, count):
    action = PreventionActionFactory(cpts=world.cpts)
    for _ in range(count):
        PublicSessionFactory(action=action, commune=Commune.objects.get(code="78646"))


class World:
    def __init__(self, cpts):
        self.cpts = cpts
        self.made = {}


CASES = {
    "actions": ("actions", "coordinator", actions, None, "items"),
    "measures": ("measures", "authority", measures, None, "items"),
    "measure": ("measures/{measure}", "member", values_of, a_measure, "values"),
    "values": ("measures/{measure}/values?page_size=100", "member", values_of, a_measure, "items"),
    "sessions": ("sessions?page_size=100", "coordinator", sessions, None, "items"),
    "registrations": (
        "sessions/{session}/registrations?page_size=100",
        "coordinator",
        registrations,
        a_session,
        "items",
    ),
    "public": ("public-sessions?page_size=100", None, public_sessions, None, "items"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_list_runs_as_many_queries_with_30_rows_as_with_3(cpts, name):
    tail, role, rows, setup, key = CASES[name]
    world = World(cpts)
    people = callers(cpts)
    headers = people.headers(role) if role else {}
    if setup:
        setup(world)
    rows(world, FEW)
    path = f"/cpts/{cpts.pk}/prevention/" + tail.format(
        measure=getattr(world.made.get("measure"), "pk", ""), session=getattr(world.made.get("session"), "pk", "")
    )
    path, _, query = path.partition("?")
    params = dict(part.split("=") for part in query.split("&")) if query else {}
    call("get", path, headers, **params)  # caches filled once
    with CaptureQueriesContext(connection) as few:
        first = call("get", path, headers, **params)
    rows(world, MANY - FEW)
    with CaptureQueriesContext(connection) as many:
        second = call("get", path, headers, **params)
    assert first.status_code == second.status_code == 200
    assert len(second.json()[key]) > len(first.json()[key])
    assert len(many) == len(few), "\n".join(query["sql"][:200] for query in many.captured_queries)
