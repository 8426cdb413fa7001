"""The number of SQL queries of a read does not grow with the number of results."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillon.core.factories import CptsFactory, CptsRoleFactory, LifecycleStepFactory
from maillon.territories.factories import CommuneFactory, PostalCodeFactory, TerritoryCommuneFactory

pytestmark = pytest.mark.django_db


def queries_of(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **extra).status_code == 200
    return len(queries)


def add_communes(first, count, cpts=None):
    for number in range(first, first + count):
        commune = CommuneFactory(code=f"78{number:03d}", name=f"Bourg {number}")
        PostalCodeFactory(code=f"78{number:03d}", commune=commune)
        if cpts is not None:
            TerritoryCommuneFactory(cpts=cpts, commune=commune)


def test_commune_search(api_client):
    add_communes(100, 2)
    few = queries_of(api_client, "/api/v1/communes?q=bourg")
    add_communes(200, 20)
    assert queries_of(api_client, "/api/v1/communes?q=bourg") == few


def test_cpts_list(api_client):
    add_communes(100, 2, CptsFactory())
    few = queries_of(api_client, "/api/v1/cpts")
    for first in (200, 300, 400):
        add_communes(first, 3, CptsFactory())
    assert queries_of(api_client, "/api/v1/cpts") == few


def test_cpts_detail(api_client):
    cpts = CptsFactory()
    add_communes(100, 2, cpts)
    few = queries_of(api_client, f"/api/v1/cpts/{cpts.pk}")
    add_communes(200, 20, cpts)
    LifecycleStepFactory(cpts=cpts, status="project_submitted")
    assert queries_of(api_client, f"/api/v1/cpts/{cpts.pk}") == few


def test_me(api_client, coordinator, token_headers, other_cpts):
    headers = token_headers(coordinator)
    few = queries_of(api_client, "/api/v1/me", **headers)
    CptsRoleFactory(user=coordinator, cpts=other_cpts)
    assert queries_of(api_client, "/api/v1/me", **headers) == few
