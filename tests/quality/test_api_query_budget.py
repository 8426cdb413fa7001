"""A query budget on every list of the quality API: read with 3 rows, then with 30, each runs the
same number of SQL queries (tests/test_list_query_budgets.py points here)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillon.members.factories import MembershipFactory
from maillon.quality.factories import (
    CaseConferenceFactory,
    ConferenceDecisionFactory,
    GroupSessionFactory,
    IncidentReviewFactory,
    PracticeGroupFactory,
)

from .api_helpers import call, callers

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 30


def conferences(world, count):
    """Held or not, on an included patient or not; every other one asked for by the member (who
    sees those: the member's list is not empty)."""
    for index in range(count):
        requester = world.users["member"] if index % 2 else None
        conference = CaseConferenceFactory(
            cpts=world.cpts, held=index % 2 == 0, included=index % 3 == 0, requested_by=requester
        )
        if index % 2 == 0:
            ConferenceDecisionFactory(conference=conference)


def reviews(world, count):
    """Some read whole (reported by the caller), some shared only, some neither."""
    for index in range(count):
        if index % 3 == 0:
            IncidentReviewFactory(cpts=world.cpts, reported_by=world.users["member"])
        elif index % 3 == 1:
            IncidentReviewFactory(cpts=world.cpts, actions=True, shared=True)
        else:
            IncidentReviewFactory(cpts=world.cpts, analysis=True, referent=world.users["member"])


def groups(world, count):
    for _ in range(count):
        PracticeGroupFactory(cpts=world.cpts, members=[MembershipFactory(cpts=world.cpts)])


def sessions(world, count):
    group = world.made.setdefault("group", PracticeGroupFactory(cpts=world.cpts))
    for index in range(count):
        review = IncidentReviewFactory(cpts=world.cpts, actions=True, shared=True) if index % 2 else None
        session = GroupSessionFactory(group=group, review=review)
        session.meeting.invitations.create(membership=MembershipFactory(cpts=world.cpts), attendance="present")


CASES = {
    "conferences": ("conferences", "coordinator", conferences),
    "conferences_member": ("conferences", "member", conferences),
    "reviews": ("incident-reviews", "member", reviews),
    "groups": ("groups", "member", groups),
    "sessions": ("groups/{group}/sessions", "member", sessions),
}


class World:
    def __init__(self, cpts, people):
        self.cpts = cpts
        self.users = people.users
        self.made = {}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_list_runs_as_many_queries_with_30_rows_as_with_3(cpts, name):
    tail, role, rows = CASES[name]
    people = callers(cpts)
    world = World(cpts, people)
    headers = people.headers(role)
    rows(world, FEW)
    path = f"/cpts/{cpts.pk}/quality/" + tail.format(group=getattr(world.made.get("group"), "pk", ""))
    call("get", path, headers, page_size=100)  # caches filled once
    with CaptureQueriesContext(connection) as few:
        first = call("get", path, headers, page_size=100)
    rows(world, MANY - FEW)
    with CaptureQueriesContext(connection) as many:
        second = call("get", path, headers, page_size=100)
    assert first.status_code == second.status_code == 200
    assert len(second.json()["items"]) > len(first.json()["items"]) > 0
    assert len(many) == len(few), "\n".join(query["sql"][:200] for query in many.captured_queries)
