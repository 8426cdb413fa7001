"""/cpts/{id}/aci: the contract, a year's funding, indicators and their values, spending.

Coordinators read and write; the observers and authorities of the territory read with
their own token; anyone else gets 404; a reader who writes gets 403."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from maillon.contracts import services
from maillon.contracts.factories import IndicatorFactory, IndicatorValueFactory, SpendingFactory
from maillon.contracts.models import IndicatorSource, IndicatorValue, Spending
from maillon.core.factories import UserFactory
from maillon.territories.factories import DepartementFactory, TerritoryRoleFactory
from maillon.territories.models import Commune

pytestmark = pytest.mark.django_db


def url(cpts, rest=""):
    return f"/api/v1/cpts/{cpts.pk}/aci{rest}"


def signed_contract(cpts, by, *, taille=2):
    signed_on = timezone.localdate() - relativedelta(years=2, months=1)
    return services.create_contract(cpts=cpts, signed_on=signed_on, taille=taille, missions=[1, 2, 3, 4, 6], by=by)


def territorial(role, departement=None):
    user = UserFactory()
    TerritoryRoleFactory(user=user, role=role, departement=departement or Commune.objects.get(pk="78646").departement)
    return user


@pytest.fixture
def contract(cpts, coordinator):
    return signed_contract(cpts, coordinator)


@pytest.fixture
def indicator(contract):
    indicator = IndicatorFactory(contract=contract, mission=1, code="m1-ald-sans-mt")
    services.set_tiers(
        indicator,
        [(None, Decimal("50"), Decimal("9000"), "≤ 50"), (Decimal("51"), Decimal("100"), Decimal("6000"), "")],
    )
    return indicator


# --- Reads ---


def test_the_contract_with_missions_deadlines_amendments_and_taille_periods(
    api_client, cpts, coordinator, contract, token_headers
):
    amendment_on = contract.signed_on + relativedelta(years=1)
    services.sign_amendment(
        contract=contract,
        signed_on=amendment_on,
        summary="Taille 3 et mission 5.",
        by=coordinator,
        new_taille=3,
        add_missions=[5],
    )
    response = api_client.get(url(cpts), **token_headers(coordinator))

    assert response.status_code == 200
    body = response.json()
    assert body["signed_on"] == contract.signed_on.isoformat()
    assert body["current_year"] == 3
    assert body["taille_periods"] == [
        {"valid_from": contract.signed_on.isoformat(), "taille": 2},
        {"valid_from": amendment_on.isoformat(), "taille": 3},
    ]
    access = body["missions"][0]
    assert (access["mission"], access["socle"]) == (1, True)
    assert [deadline["label"] for deadline in access["deadlines"]] == ["Démarrage", "Déploiement complet"]
    assert access["deadlines"][0]["due_on"] == (contract.signed_on + relativedelta(months=6)).isoformat()
    assert access["deadlines"][0]["state"] == "overdue"
    assert body["amendments"] == [
        {
            "number": 1,
            "signed_on": amendment_on.isoformat(),
            "summary": "Taille 3 et mission 5.",
            "new_taille": 3,
            "missions_added": [5],
            "missions_removed": [],
        }
    ]
    assert body["state"]["taille"] == 3 and body["state"]["missions"] == [1, 2, 3, 4, 5, 6]


def test_the_contract_on_a_date(api_client, cpts, coordinator, contract, token_headers):
    services.sign_amendment(
        contract=contract,
        signed_on=contract.signed_on + relativedelta(years=1),
        summary="Taille 4.",
        by=coordinator,
        new_taille=4,
    )
    before = contract.signed_on + relativedelta(months=3)
    body = api_client.get(url(cpts), {"date": before.isoformat()}, **token_headers(coordinator)).json()
    bad = api_client.get(url(cpts), {"date": "hier"}, **token_headers(coordinator))

    assert body["state"] == {
        "on": before.isoformat(),
        "in_force": True,
        "taille": 2,
        "missions": [1, 2, 3, 4, 6],
        "indicators": [],
    }
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "date"


def test_a_year_funding_follows_the_taille_of_an_avenant(api_client, cpts, coordinator, contract, token_headers):
    services.sign_amendment(
        contract=contract, signed_on=contract.anniversary(1), summary="Taille 4.", by=coordinator, new_taille=4
    )
    headers = token_headers(coordinator)
    year_1 = api_client.get(url(cpts, "/years/1/funding"), **headers).json()
    year_2 = api_client.get(url(cpts, "/years/2/funding"), **headers).json()

    assert year_1["lines"][0]["part"] == "fonctionnement"
    assert Decimal(year_1["lines"][0]["amount"]) == Decimal("60000")
    assert Decimal(year_2["lines"][0]["amount"]) == Decimal("90000")
    assert Decimal(year_2["total"]) == sum(Decimal(line["amount"]) for line in year_2["lines"])
    assert year_2["facts"] == {
        "crisis_plan_first_drafted": False,
        "crisis_plan_updated": False,
        "serious_crisis_recognised": False,
    }
    assert year_2["starts_on"] == contract.anniversary(1).isoformat()


def test_a_year_outside_the_contract_answers_404(api_client, cpts, coordinator, contract, token_headers):
    response = api_client.get(url(cpts, "/years/6/funding"), **token_headers(coordinator))
    assert response.status_code == 404
    assert response.json() == {"detail": "Année du contrat introuvable."}


def test_indicators_with_tiers_values_and_earnings(api_client, cpts, coordinator, indicator, token_headers):
    IndicatorValueFactory(indicator=indicator, contract_year=1, value=Decimal("75"), note="Rézone")
    body = api_client.get(url(cpts, "/indicators"), **token_headers(coordinator)).json()

    [item] = body
    assert (item["id"], item["code"], item["mission"], item["source"]) == (indicator.pk, "m1-ald-sans-mt", 1, "entered")
    assert [Decimal(tier["amount"]) for tier in item["tiers"]] == [Decimal("6000"), Decimal("9000")]
    [value] = item["values"]
    assert (value["contract_year"], Decimal(value["value"]), Decimal(value["earned"]), value["has_document"]) == (
        1,
        Decimal("75"),
        Decimal("6000"),
        False,
    )


def test_without_a_contract_the_reads_answer_404(api_client, cpts, coordinator, token_headers):
    response = api_client.get(url(cpts), **token_headers(coordinator))
    assert response.status_code == 404
    assert response.json() == {"detail": "Aucun contrat ACI n'est enregistré pour cette CPTS."}


# --- Writes ---


def test_the_coordinator_enters_a_value(api_client, cpts, coordinator, indicator, token_headers):
    response = api_client.post(
        url(cpts, f"/indicators/{indicator.pk}/values"),
        {"contract_year": 2, "value": "42.5", "note": "Extraction de décembre"},
        content_type="application/json",
        **token_headers(coordinator),
    )

    assert response.status_code == 201
    assert Decimal(response.json()["earned"]) == Decimal("9000")
    row = IndicatorValue.objects.get()
    assert (row.contract_year, row.value, row.note, row.entered_by) == (
        2,
        Decimal("42.50"),
        "Extraction de décembre",
        coordinator,
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contract_year": 0, "value": "1"}, "contract_year"),
        ({"contract_year": 1, "value": "un"}, "value"),
        ({"contract_year": 1}, "value"),
    ],
)
def test_a_bad_value_answers_422_naming_the_field(api_client, cpts, coordinator, indicator, token_headers, body, field):
    response = api_client.post(
        url(cpts, f"/indicators/{indicator.pk}/values"),
        body,
        content_type="application/json",
        **token_headers(coordinator),
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert not IndicatorValue.objects.exists()


def test_a_computed_indicator_takes_no_hand_entry(api_client, cpts, coordinator, contract, token_headers):
    computed = IndicatorFactory(contract=contract, source=IndicatorSource.COMPUTED, computed_code="mt_waiting_ald")
    response = api_client.post(
        url(cpts, f"/indicators/{computed.pk}/values"),
        {"contract_year": 1, "value": "3"},
        content_type="application/json",
        **token_headers(coordinator),
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "payload", "value"], "msg": "Valeur : cet indicateur est calculé par la plateforme."}
    ]


def test_an_indicator_of_another_cpts_answers_404(api_client, cpts, other_cpts, coordinator, contract, token_headers):
    theirs = IndicatorFactory(contract=signed_contract(other_cpts, coordinator))
    response = api_client.post(
        url(cpts, f"/indicators/{theirs.pk}/values"),
        {"contract_year": 1, "value": "3"},
        content_type="application/json",
        **token_headers(coordinator),
    )
    assert response.status_code == 404
    assert not IndicatorValue.objects.exists()


def test_spending_list_and_create(api_client, cpts, coordinator, contract, token_headers):
    SpendingFactory(contract=contract, contract_year=1, mission=1, amount=Decimal("1000"))
    SpendingFactory(contract=contract, contract_year=2, mission=None, category="premises", amount=Decimal("300"))
    headers = token_headers(coordinator)
    spent_on = (contract.signed_on + datetime.timedelta(days=400)).isoformat()

    created = api_client.post(
        url(cpts, "/spending"),
        {
            "contract_year": 2,
            "mission": 6,
            "category": "events",
            "label": "Soirée d'accueil des internes",
            "amount": "450.00",
            "spent_on": spent_on,
        },
        content_type="application/json",
        **headers,
    )
    year_2 = api_client.get(url(cpts, "/spending"), {"year": 2}, **headers).json()
    fonctionnement = api_client.get(url(cpts, "/spending"), {"mission": 0}, **headers).json()

    assert created.status_code == 201
    assert created.json()["category_label"] == "Événements, réunions, actions"
    assert Spending.objects.get(pk=created.json()["id"]).entered_by == coordinator
    assert [item["label"] for item in year_2["items"]] == [
        "Salaire de la coordinatrice (quote-part)",
        "Soirée d'accueil des internes",
    ]
    assert Decimal(year_2["total"]) == Decimal("750")
    assert [Decimal(item["amount"]) for item in fonctionnement["items"]] == [Decimal("300")]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-3"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"category": "yacht"}, "category"),
        ({"mission": 5}, "mission"),
        ({"contract_year": 7}, "contract_year"),
        ({"spent_on": "2099-01-01"}, "spent_on"),
        ({"label": ""}, "label"),
    ],
)
def test_a_bad_spending_answers_422_naming_the_field(
    api_client, cpts, coordinator, contract, token_headers, change, field
):
    body = {
        "contract_year": 1,
        "mission": None,
        "category": "tools",
        "label": "Logiciel",
        "amount": "10",
        "spent_on": contract.signed_on.isoformat(),
        **change,
    }
    response = api_client.post(
        url(cpts, "/spending"), body, content_type="application/json", **token_headers(coordinator)
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert not Spending.objects.exists()


# --- Who ---


@pytest.mark.parametrize("role", ["observer", "authority"])
def test_territorial_readers_read_with_their_token_but_cannot_write(
    api_client, cpts, contract, indicator, token_headers, role
):
    headers = token_headers(territorial(role))

    for path in ("", "/years/1/funding", "/indicators", "/spending"):
        assert api_client.get(url(cpts, path), **headers).status_code == 200
    value = api_client.post(
        url(cpts, f"/indicators/{indicator.pk}/values"),
        {"contract_year": 1, "value": "3"},
        content_type="application/json",
        **headers,
    )
    spending = api_client.post(
        url(cpts, "/spending"),
        {
            "contract_year": 1,
            "category": "tools",
            "label": "x",
            "amount": "1",
            "spent_on": contract.signed_on.isoformat(),
        },
        content_type="application/json",
        **headers,
    )
    assert value.status_code == spending.status_code == 403
    assert value.json() == {"detail": "Seuls les coordinateurs de cette CPTS peuvent modifier son contrat ACI."}
    assert not IndicatorValue.objects.exists() and not Spending.objects.exists()


def test_members_readers_of_another_territory_and_strangers_get_404(api_client, cpts, member, contract, token_headers):
    elsewhere = territorial("authority", DepartementFactory(code="75", name="Paris"))
    for user in (member, elsewhere, UserFactory()):
        response = api_client.get(url(cpts), **token_headers(user))
        assert response.status_code == 404
        assert response.json() == {"detail": "CPTS introuvable."}


def test_the_web_session_works_with_the_second_factor(cpts, coordinator, contract, session_client):
    assert session_client(coordinator).get(url(cpts)).status_code == 200
    assert session_client(coordinator, second_factor=False).get(url(cpts)).status_code == 401


def test_a_retired_indicator_takes_no_value_for_a_year_after_its_retirement(
    api_client, cpts, coordinator, contract, indicator, token_headers
):
    services.retire_indicator(indicator, on=contract.year(2).starts_on)
    response = api_client.post(
        url(cpts, f"/indicators/{indicator.pk}/values"),
        {"contract_year": 2, "value": "3"},
        content_type="application/json",
        **token_headers(coordinator),
    )
    assert response.status_code == 422
    assert "l'indicateur n'est pas au contrat pendant l'année 2" in response.json()["detail"][0]["msg"]
    assert not IndicatorValue.objects.exists()
