"""Public CPTS list and detail."""

import datetime
import json

import pytest

from maillon.core.factories import CptsFactory, LifecycleStepFactory
from maillon.core.models import CptsStatus
from maillon.territories.factories import CommuneFactory, DepartementFactory, RegionFactory, TerritoryCommuneFactory

pytestmark = pytest.mark.django_db


def test_list_gives_status_population_and_taille(api_client, cpts, other_cpts):
    body = api_client.get("/api/v1/cpts").json()
    assert body == [
        {
            "id": other_cpts.pk,
            "slug": "boucle-de-seine",
            "name": "CPTS Boucle de Seine",
            "status": "letter_of_intent",
            "status_label": "Lettre d'intention",
            "population": 16_000,
            "taille": 1,
        },
        {
            "id": cpts.pk,
            "slug": "plaine-de-versailles",
            "name": "CPTS Plaine de Versailles",
            "status": "letter_of_intent",
            "status_label": "Lettre d'intention",
            "population": 83_000,
            "taille": 3,
        },
    ]


def test_list_filters_by_status(api_client, cpts, other_cpts):
    other_cpts.record_step(status=CptsStatus.ACI_SIGNED, on=datetime.date.today(), by=None)
    body = api_client.get("/api/v1/cpts", {"status": "aci_signed"}).json()
    assert [item["slug"] for item in body] == ["boucle-de-seine"]


def test_list_filters_by_departement_of_the_territory(api_client, cpts):
    pas_de_calais = DepartementFactory(
        code="62", name="Pas-de-Calais", region=RegionFactory(code="32", name="Hauts-de-France")
    )
    arras = CptsFactory(name="CPTS de l'Arrageois")
    TerritoryCommuneFactory(cpts=arras, commune=CommuneFactory(code="62041", name="Arras", departement=pas_de_calais))
    assert [item["slug"] for item in api_client.get("/api/v1/cpts", {"departement": "62"}).json()] == [arras.slug]
    assert [item["slug"] for item in api_client.get("/api/v1/cpts", {"departement": "78"}).json()] == [cpts.slug]


def test_an_unknown_status_is_refused_in_french(api_client):
    response = api_client.get("/api/v1/cpts", {"status": "signed"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "status"]
    assert response.json()["detail"][0]["msg"].startswith("Valeur non permise ; valeurs possibles :")


def test_detail_gives_the_steps_the_communes_and_the_territory_as_geojson(api_client, cpts):
    today = datetime.date.today()
    LifecycleStepFactory(cpts=cpts, status=CptsStatus.LETTER_OF_INTENT, date=today - datetime.timedelta(days=400))
    LifecycleStepFactory(cpts=cpts, status=CptsStatus.PROJECT_SUBMITTED, date=today - datetime.timedelta(days=100))
    body = api_client.get(f"/api/v1/cpts/{cpts.pk}").json()
    assert body["population"] == 83_000
    assert body["taille"] == 3
    assert body["email"] == cpts.email
    assert [step["status"] for step in body["steps"]] == ["letter_of_intent", "project_submitted"]
    assert body["steps"][0]["date"] == (today - datetime.timedelta(days=400)).isoformat()
    assert body["communes"] == [{"code": "78646", "name": "Versailles", "population": 83_000, "departement": "78"}]
    territory = body["territory"]
    assert territory["type"] == "FeatureCollection"
    feature = territory["features"][0]
    assert feature["properties"]["code"] == "78646"
    contour = cpts.territory_rows.get().commune.contour
    assert feature["geometry"] == json.loads(contour)


def test_detail_on_a_date_gives_the_territory_of_that_date(api_client, cpts):
    long_ago = (datetime.date.today() - datetime.timedelta(days=3650)).isoformat()
    body = api_client.get(f"/api/v1/cpts/{cpts.pk}", {"on": long_ago}).json()
    assert body["communes"] == []
    assert body["territory"]["features"] == []
    assert body["population"] == 0


def test_an_unknown_cpts_answers_404_in_french(api_client):
    response = api_client.get("/api/v1/cpts/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "CPTS introuvable."}


def test_a_cpts_id_that_is_not_a_number_matches_no_route_and_is_the_french_404(api_client):
    response = api_client.get("/api/v1/cpts/abc")
    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}
