"""Public ACI simulator: every line of a year's funding, from a taille, a population or communes."""

import pytest
from django.test import Client

from maillon.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/aci/simulate"


def simulate(client, body):
    return client.post(URL, body, content_type="application/json")


def amounts(body) -> dict:
    return {(line["mission"], line["part"]): line["amount"] for line in body["lines"]}


@pytest.mark.parametrize(
    ("taille", "maximum"), [(1, "287500.00"), (2, "382500.00"), (3, "487500.00"), (4, "580000.00")]
)
def test_year_1_with_every_mission_and_a_crisis_pays_the_seeds_maximum(api_client, taille, maximum):
    response = simulate(
        api_client, {"taille": taille, "missions": [1, 2, 3, 4, 5, 6], "contract_year": 1, "serious_crisis": True}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["taille"] == taille
    assert body["population"] is None
    assert body["total"] == body["maximum"] == maximum
    assert body["warnings"] == []


def test_the_answer_gives_every_line_in_the_order_of_the_seeds(api_client):
    body = simulate(api_client, {"taille": 2}).json()
    # Default: the four socle missions, year 1, no crisis, variable parts in full.
    assert [(line["mission"], line["part"]) for line in body["lines"]] == [
        (None, "fonctionnement"),
        (1, "fixed"),
        (1, "variable"),
        (2, "fixed"),
        (2, "variable"),
        (3, "fixed"),
        (3, "variable"),
        (4, "fixed_first_drafting"),
        (4, "variable_crisis"),
    ]
    assert amounts(body)[(4, "variable_crisis")] == "0.00"
    assert body["lines"][1] == {
        "mission": 1,
        "mission_label": "Missions en faveur de l'amélioration de l'accès aux soins (socle)",
        "part": "fixed",
        "label": "Volet fixe / moyens",
        "envelope": "70000.00",
        "amount": "70000.00",
        "detail": "",
    }
    # 60 000 + 100 000 + 70 000 + 30 000 + 35 000
    assert body["total"] == "295000.00"
    assert body["maximum"] == "347500.00"  # + the crisis line's 52 500
    assert body["tariff"] == "aci-2019-avenant"


def test_a_later_year_pays_the_plan_update(api_client):
    body = simulate(api_client, {"taille": 3, "contract_year": 5, "serious_crisis": True}).json()
    assert amounts(body)[(4, "fixed_update")] == "22500.00"
    assert amounts(body)[(4, "variable_crisis")] == "67500.00"
    assert (4, "fixed_first_drafting") not in amounts(body)


def test_the_taille_comes_from_the_population(api_client):
    body = simulate(api_client, {"population": 80_000, "missions": [1]}).json()
    assert (body["taille"], body["population"]) == (3, 80_000)  # 80 000 → taille 3 (default setting)
    assert amounts(body)[(None, "fonctionnement")] == "75000.00"
    assert simulate(api_client, {"population": 39_999}).json()["taille"] == 1


def test_the_taille_comes_from_the_current_communes_population(api_client):
    CommuneFactory(code="62001", population=30_000)
    CommuneFactory(code="62002", population=15_000)
    body = simulate(api_client, {"communes": ["62001", " 62002 "]}).json()
    assert (body["taille"], body["population"]) == (2, 45_000)


def test_a_commune_merged_away_is_unknown(api_client):
    CommuneFactory(code="62001", population=30_000)
    CommuneFactory(code="62003", population=50_000, is_current=False)
    response = simulate(api_client, {"communes": ["62001", "62003"]})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["body", "payload", "communes"], "msg": "Code(s) commune inconnu(s) : 62003."}]
    }


def test_unknown_communes_are_named_in_a_422(api_client):
    response = simulate(api_client, {"communes": ["99999", "00000"]})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["body", "payload", "communes"], "msg": "Code(s) commune inconnu(s) : 00000, 99999."}]
    }


def test_indicator_results_are_capped_at_the_envelope(api_client):
    body = simulate(api_client, {"taille": 1, "indicator_results": {"1": "18000.50", "2": 99_000}}).json()
    assert amounts(body)[(1, "variable")] == "18000.50"
    assert amounts(body)[(2, "variable")] == "25000.00"  # capped
    assert amounts(body)[(3, "variable")] == "10000.00"  # absent: in full
    line = next(line for line in body["lines"] if line["mission"] == 1 and line["part"] == "variable")
    assert line["detail"] == "18\u202f000,50\u00a0€ atteints (montant saisi)"


def test_left_out_socle_missions_are_warned_about(api_client):
    body = simulate(api_client, {"taille": 1, "missions": [1, 2, 5, 5]}).json()
    assert {line["mission"] for line in body["lines"]} == {None, 1, 2, 5}
    assert body["warnings"] == ["Les missions socle 1 à 4 sont obligatoires dans un ACI ; absente(s) ici : 3, 4."]


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        ({}, ["body", "payload", "taille"], "Indiquez une seule des trois valeurs : taille, population ou communes."),
        (
            {"taille": 1, "population": 3},
            ["body", "payload", "population"],
            "Indiquez une seule des trois valeurs : taille, population ou communes.",
        ),
        ({"taille": 5}, ["body", "payload", "taille"], "La valeur doit être inférieure ou égale à 4."),
        (
            {"taille": 1, "missions": [0]},
            ["body", "payload", "missions", 0],
            "La valeur doit être supérieure ou égale à 1.",
        ),
        (
            {"taille": 1, "contract_year": 6},
            ["body", "payload", "contract_year"],
            "La valeur doit être inférieure ou égale à 5.",
        ),
        ({"population": -1}, ["body", "payload", "population"], "La valeur doit être supérieure ou égale à 0."),
        ({"communes": []}, ["body", "payload", "communes"], "Trop peu d'éléments : au moins 1."),
        (
            {"taille": 1, "missions": [1, 2], "indicator_results": {"5": 100}},
            ["body", "payload", "indicator_results", "5"],
            "Mission 5 : absente de « missions ».",
        ),
        (
            {"taille": 1, "indicator_results": {"1": -5}},
            ["body", "payload", "indicator_results", "1"],
            "La valeur doit être supérieure ou égale à 0.",
        ),
    ],
)
def test_invalid_requests_get_a_french_422_naming_the_field(api_client, body, loc, message):
    response = simulate(api_client, body)
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": loc, "msg": message}]}


def test_the_simulator_needs_no_token_and_no_csrf():
    client = Client(enforce_csrf_checks=True)
    assert simulate(client, {"taille": 1}).status_code == 200
