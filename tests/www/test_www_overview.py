import json
import re

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse

from maillon.core.models import CptsStatus

pytestmark = pytest.mark.django_db

# Département page: the département, its communes with their CPTS (one LEFT JOIN),
# the whole-territory totals of those CPTS, the coverage of the région.
DEPARTEMENT_PAGE_QUERIES = 4


def departement_page(client, code="62"):
    return client.get(reverse("departement_overview", args=[code]))


def area_geojson(html):
    match = re.search(r'<script type="application/json" id="area-geojson">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


@pytest.fixture
def artois(pas_de_calais, nord, communes_in, cpts_with):
    """62: 2 communes signed, 1 in project, 2 zones blanches; the signed CPTS also has a commune in 59."""
    communes = communes_in(pas_de_calais, 5, population=10_000)
    signed = cpts_with(
        [*communes[:2], *communes_in(nord, 1, population=5_000)], name="CPTS Artois", status="aci_signed"
    )
    project = cpts_with(communes[2:3], name="CPTS Ternois", status="negotiation")
    return signed, project


def test_departement_shows_coverage_split_signed_project_and_zone_blanche(client, artois):
    html = departement_page(client).content.decode()

    assert "<h1>Pas-de-Calais (62)</h1>" in html
    # 50 000 inhabitants: 20 000 signed (40 %), 10 000 in project (20 %), 20 000 in zone blanche (40 %).
    assert "60,0 %" in html and "40,0 %" in html and "20,0 %" in html
    assert f"({floatformat(20_000, 'g')} hab.)" in html
    # The région (62 + 59): 55 000 inhabitants, 25 000 signed.
    assert "45,5 %" in html


def test_departement_lists_each_cpts_with_its_status_and_whole_territory(client, artois):
    html = departement_page(client).content.decode()

    assert "CPTS Artois" in html and "CPTS Ternois" in html
    assert "ACI signé" in html and "En négociation" in html
    assert "2 sur 3" in html  # communes of CPTS Artois here, of its whole territory
    assert floatformat(25_000, "g") in html  # whole territory of CPTS Artois


def test_zones_blanches_are_listed_next_to_the_map(client, artois):
    html = departement_page(client).content.decode()

    assert "Communes en zone blanche (2 sur 5)" in html
    assert "Commune 62-4 (62004)" in html and "Commune 62-5 (62005)" in html


def test_map_features_carry_status_or_none_for_zones_blanches(client, artois):
    data = area_geojson(departement_page(client).content.decode())

    statuses = {feature["properties"]["code"]: feature["properties"]["status"] for feature in data["features"]}
    assert statuses == {
        "62001": CptsStatus.ACI_SIGNED,
        "62002": CptsStatus.ACI_SIGNED,
        "62003": CptsStatus.NEGOTIATION,
        "62004": None,
        "62005": None,
    }
    assert 'id="area-legend"' in departement_page(client).content.decode()


def test_a_closed_territory_row_does_not_cover_the_commune(client, pas_de_calais, communes_in, cpts_with):
    communes = communes_in(pas_de_calais, 2)
    cpts = cpts_with(communes, name="CPTS Partie", status="aci_signed")
    cpts.territory_rows.filter(commune=communes[0]).update(valid_to="2099-01-01")

    html = departement_page(client).content.decode()

    assert "Communes en zone blanche (1 sur 2)" in html


@pytest.mark.parametrize("size", [3, 30])
def test_departement_page_runs_a_fixed_number_of_queries(
    client, pas_de_calais, nord, communes_in, cpts_with, size, django_assert_num_queries
):
    communes = communes_in(pas_de_calais, size)
    third = size // 3
    cpts_with(communes[:third], status="aci_signed")
    cpts_with(communes[third : 2 * third], status="project_submitted")
    cpts_with(communes_in(nord, size), status="letter_of_intent")

    with django_assert_num_queries(DEPARTEMENT_PAGE_QUERIES):
        response = departement_page(client)

    assert response.status_code == 200
    assert len(area_geojson(response.content.decode())["features"]) == size


def test_unknown_departement_is_404(client, db):
    assert departement_page(client, "999").status_code == 404


def test_regions_list_shows_the_covered_share_of_each_region(client, artois):
    html = client.get(reverse("region_overview")).content.decode()

    assert "Hauts-de-France" in html
    assert f"{reverse('region_overview')}?region=32" in html
    assert "45,5 %" in html  # covered share of the région


def test_one_region_shows_its_departements_and_its_map(client, artois):
    html = client.get(reverse("region_overview"), {"region": "32"}).content.decode()

    assert "<h1>Hauts-de-France</h1>" in html
    assert reverse("departement_overview", args=["62"]) in html
    assert reverse("departement_overview", args=["59"]) in html
    assert len(area_geojson(html)["features"]) == 6


def test_unknown_region_is_404(client, db):
    assert client.get(reverse("region_overview"), {"region": "zz"}).status_code == 404
