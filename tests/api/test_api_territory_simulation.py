"""Public simulation of a territory: population, taille, conflicts; nothing written."""

import pytest

from maillon.territories.factories import CommuneFactory
from maillon.territories.models import TerritoryCommune

pytestmark = pytest.mark.django_db

URL = "/api/v1/territories/simulate"


def simulate(client, body):
    return client.post(URL, body, content_type="application/json")


def test_simulation_sums_the_population_and_gives_the_taille(api_client):
    CommuneFactory(code="78001", name="Alpha", population=30_000)
    CommuneFactory(code="78002", name="Beta", population=15_000)
    response = simulate(api_client, {"communes": ["78001", " 78002 "]})
    assert response.status_code == 200
    body = response.json()
    assert body["population"] == 45_000
    assert body["taille"] == 2
    assert [commune["code"] for commune in body["communes"]] == ["78001", "78002"]
    assert body["conflicts"] == []


def test_simulation_names_the_cpts_already_holding_a_commune(api_client, cpts, other_cpts):
    rows_before = TerritoryCommune.objects.count()
    body = simulate(api_client, {"communes": ["78646", "78498"]}).json()
    assert body["conflicts"] == [
        {
            "commune": {"code": "78498", "name": "Le Pecq"},
            "cpts": {"id": other_cpts.pk, "slug": "boucle-de-seine", "name": "CPTS Boucle de Seine"},
            "message": "La commune Le Pecq (78498) est déjà dans le territoire de la CPTS « CPTS Boucle de Seine ».",
        },
        {
            "commune": {"code": "78646", "name": "Versailles"},
            "cpts": {"id": cpts.pk, "slug": "plaine-de-versailles", "name": "CPTS Plaine de Versailles"},
            "message": (
                "La commune Versailles (78646) est déjà dans le territoire de la CPTS « CPTS Plaine de Versailles »."
            ),
        },
    ]
    assert TerritoryCommune.objects.count() == rows_before


def test_simulation_for_a_cpts_ignores_its_own_territory(api_client, cpts, other_cpts):
    body = simulate(api_client, {"communes": ["78646", "78498"], "cpts": cpts.pk}).json()
    assert [conflict["commune"]["code"] for conflict in body["conflicts"]] == ["78498"]


def test_unknown_commune_codes_are_named_in_a_422(api_client):
    CommuneFactory(code="78001")
    response = simulate(api_client, {"communes": ["78001", "99999", "00000"]})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["body", "payload", "communes"], "msg": "Code(s) commune inconnu(s) : 00000, 99999."}]
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Champ obligatoire."),
        ({"communes": "78001"}, "Une liste est attendue."),
        ({"communes": []}, "Trop peu d'éléments : au moins 1."),
        ({"communes": ["x" * 11]}, "Trop long : au plus 10 caractère(s)."),
    ],
)
def test_validation_errors_are_in_french(api_client, body, message):
    response = simulate(api_client, body)
    assert response.status_code == 422
    assert [item["msg"] for item in response.json()["detail"]] == [message]


def test_a_body_that_is_not_json_is_refused_in_french(api_client):
    response = api_client.post(URL, "communes=78001", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Corps de la requête illisible : JSON attendu."}
