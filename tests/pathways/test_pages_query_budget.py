"""The list of the pathways runs the same number of queries for 3 rows as for 30, and the
inclusion page does not grow with its care team."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillon.pathways.factories import CareTeamMemberFactory, InclusionFactory

from ..conftest import verified_client
from .test_pages_access import inclusion_fixture, lead_fixture, programme_fixture, teammate_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

HOME_PAGE = 16  # measured plus a margin; the point is the same count for 3 and 30 rows
INCLUSION_PAGE = 22


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def include(cpts, programme, lead, count):
    for _ in range(count):
        CareTeamMemberFactory(inclusion=InclusionFactory(cpts=cpts, programme=programme, lead=lead), membership=lead)


@pytest.mark.parametrize("who", ["coordinator", "lead"])
def test_the_list_runs_as_many_queries_for_3_rows_as_for_30(
    who, cpts, programme, lead, coordinator, django_assert_max_num_queries
):
    user = coordinator if who == "coordinator" else lead.professional.user
    client = verified_client(user)
    url = reverse("pathways_home", args=[cpts.slug])
    include(cpts, programme, lead, 3)
    with django_assert_max_num_queries(HOME_PAGE):
        few = queries(client, url)
    include(cpts, programme, lead, 27)
    with django_assert_max_num_queries(HOME_PAGE):
        many = queries(client, url)
    assert few == many
    assert client.get(url).content.decode().count("/parcours/inclusions/") == 30


def test_the_inclusion_page_does_not_grow_with_its_team(cpts, inclusion, coordinator, django_assert_max_num_queries):
    client = verified_client(coordinator)
    url = reverse("pathways_inclusion", args=[cpts.slug, inclusion.pk])
    with django_assert_max_num_queries(INCLUSION_PAGE):
        few = queries(client, url)
    for _ in range(8):
        CareTeamMemberFactory(inclusion=inclusion)
        CareTeamMemberFactory(inclusion=inclusion, carer=True)
    with django_assert_max_num_queries(INCLUSION_PAGE):
        many = queries(client, url)
    assert few == many
