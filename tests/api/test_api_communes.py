"""Public commune search and detail."""

import datetime

import pytest

from maillon.territories.factories import CommuneFactory, EpciFactory, PostalCodeFactory

pytestmark = pytest.mark.django_db


def test_search_by_name_ignores_accents_and_needs_no_token(api_client):
    CommuneFactory(code="78551", name="Saint-Germain-en-Laye")
    CommuneFactory(code="78646", name="Versailles")
    response = api_client.get("/api/v1/communes", {"q": "saint germain"})
    assert response.status_code == 200
    assert [item["code"] for item in response.json()["items"]] == ["78551"]


def test_search_by_postal_code_lists_the_postal_codes(api_client):
    versailles = CommuneFactory(code="78646", name="Versailles")
    PostalCodeFactory(code="78000", commune=versailles)
    item = api_client.get("/api/v1/communes", {"q": "78000"}).json()["items"][0]
    assert item == {
        "code": "78646",
        "name": "Versailles",
        "departement": {"code": "78", "name": "Yvelines"},
        "population": 10_000,
        "postal_codes": ["78000"],
    }


def test_search_pages_hold_at_most_50_communes(api_client):
    for number in range(60):
        CommuneFactory(code=f"78{number + 100:03d}", name=f"Bourg {number}")
    too_many = api_client.get("/api/v1/communes", {"q": "bourg", "page_size": 500})
    assert too_many.status_code == 422
    assert too_many.json()["detail"][0]["loc"] == ["query", "page_size"]
    body = api_client.get("/api/v1/communes", {"q": "bourg", "page_size": 50}).json()
    assert body["count"] == 60
    assert len(body["items"]) == 50
    second_page = api_client.get("/api/v1/communes", {"q": "bourg", "page_size": 50, "page": 2}).json()
    assert len(second_page["items"]) == 10


def test_search_needs_two_characters_and_says_so_in_french(api_client):
    response = api_client.get("/api/v1/communes", {"q": "v"})
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["query", "q"], "msg": "Trop court : au moins 2 caractère(s)."}]}


def test_detail_gives_the_geography_and_the_cpts_covering_the_commune_today(api_client, cpts):
    commune = cpts.territory_rows.get().commune
    commune.epci = EpciFactory()
    commune.save()
    body = api_client.get("/api/v1/communes/78646").json()
    assert body["code"] == "78646"
    assert body["departement"] == {"code": "78", "name": "Yvelines"}
    assert body["region"] == {"code": "11", "name": "Île-de-France"}
    assert body["epci"] == {"code": "200058519", "name": "CA Versailles Grand Parc"}
    assert body["population"] == 83_000
    assert body["latitude"] == commune.latitude
    assert body["longitude"] == commune.longitude
    assert body["cpts"] == {"id": cpts.pk, "slug": "plaine-de-versailles", "name": "CPTS Plaine de Versailles"}


def test_a_commune_outside_any_territory_has_no_cpts(api_client):
    CommuneFactory(code="78310", name="Houdan")
    body = api_client.get("/api/v1/communes/78310").json()
    assert body["cpts"] is None
    assert body["epci"] is None


def test_a_commune_that_left_its_territory_has_no_cpts(api_client, cpts):
    row = cpts.territory_rows.get()
    row.valid_to = row.valid_from + datetime.timedelta(days=1)
    row.save()
    assert api_client.get("/api/v1/communes/78646").json()["cpts"] is None


def test_an_unknown_code_answers_404_in_french(api_client):
    response = api_client.get("/api/v1/communes/99999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Commune inconnue : aucun code INSEE « 99999 »."}
