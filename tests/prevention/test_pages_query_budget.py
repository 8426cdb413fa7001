"""The prevention pages run the same number of queries for 3 rows as for 30: the home's
actions and sessions to come, an action's sessions, measures and materials, a measure's
yearly values, a session's registrants and its attendance sheet."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillon.prevention.factories import (
    MaterialFactory,
    MaterialVersionFactory,
    MeasureFactory,
    MeasureValueFactory,
    PreventionActionFactory,
    PublicSessionFactory,
    RegistrationFactory,
)

from ..conftest import verified_client
from .test_pages_access import action_fixture, owner_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

BUDGET = 30  # measured plus a margin; the point is the same count for 3 and 30 rows


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def same_count(client, url, add, django_assert_max_num_queries):
    add(3)
    client.get(url)  # caches filled once
    with django_assert_max_num_queries(BUDGET):
        few = queries(client, url)
    add(27)
    with django_assert_max_num_queries(BUDGET):
        many = queries(client, url)
    assert few == many


def test_the_home_runs_as_many_queries_for_3_actions_and_sessions_as_for_30(
    cpts, coordinator, owner, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            action = PreventionActionFactory(cpts=cpts, owner=owner)
            session = PublicSessionFactory(action=action)
            RegistrationFactory(session=session)

    url = reverse("prevention_home", args=[cpts.slug])
    same_count(verified_client(coordinator), url, add, django_assert_max_num_queries)
    assert verified_client(coordinator).get(url).content.decode().count("/prevention/actions/") >= 30


def test_the_action_page_does_not_grow_with_its_sessions_measures_and_materials(
    cpts, coordinator, action, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            PublicSessionFactory(action=action)
            MeasureValueFactory(measure=MeasureFactory(action=action))
            MaterialVersionFactory(material=MaterialFactory(action=action), number=1)

    url = reverse("prevention_action", args=[cpts.slug, action.pk])
    same_count(verified_client(coordinator), url, add, django_assert_max_num_queries)


def test_the_measure_page_does_not_grow_with_its_years(cpts, coordinator, action, django_assert_max_num_queries):
    measure = MeasureFactory(action=action)
    years = iter(range(1990, 2100))

    def add(count):
        for _ in range(count):
            year = next(years) + 20
            MeasureValueFactory(measure=measure, year=year)
            MeasureValueFactory(measure=measure, year=year, scope="departement")

    url = reverse("prevention_measure", args=[cpts.slug, measure.pk])
    same_count(verified_client(coordinator), url, add, django_assert_max_num_queries)


@pytest.mark.parametrize("route", ["prevention_session", "prevention_session_attendance"])
def test_the_session_pages_do_not_grow_with_the_registrants(
    route, cpts, coordinator, action, django_assert_max_num_queries
):
    session = PublicSessionFactory(action=action, capacity=100, starts_at=timezone.now() - datetime.timedelta(hours=1))

    def add(count):
        for index in range(count):
            RegistrationFactory(session=session, status="waiting" if index % 3 == 0 else "confirmed")

    url = reverse(route, args=[cpts.slug, session.pk])
    same_count(verified_client(coordinator), url, add, django_assert_max_num_queries)
