"""The 10 steps and the start-up grant in the API: the steps read by the CPTS's people and the
authorities and observers over it, written by its coordinators (a decided step never ticked by
hand); the grant recorded by an ARS authority over the CPTS, its spending by the coordinators."""

import datetime
from decimal import Decimal

import pytest

from maillon.creation.factories import GrantPaymentFactory, GrantSpendingFactory, StartupGrantFactory
from maillon.creation.models import CreationStep, GrantSpending, StartupGrant

from .creation_helpers import ADMIN, ARS, ARS_ELSEWHERE, ARS_OBSERVER, CPAM, OUTSIDER, call, field_errors, world

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def w(cpts):
    return world(cpts)


def steps_url(w, number=None):
    return f"/cpts/{w.cpts.pk}/creation/steps" + (f"/{number}" if number else "")


def grant_url(w, tail=""):
    return f"/cpts/{w.cpts.pk}/creation/grant{tail}"


# --- The 10 steps -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "member", ARS, ARS_OBSERVER, CPAM])
def test_the_steps_are_read_by_the_cpts_people_and_the_officers_over_it(w, role):
    CreationStep.objects.create(cpts=w.cpts, step=5, done_on=TODAY, note="Statuts déposés")
    response = call("get", steps_url(w), w.headers(role))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 10
    assert [item["number"] for item in body["items"]] == list(range(1, 11))
    fifth = body["items"][4]
    assert fifth["label"].startswith("Créer la structure juridique")
    assert fifth["done_on"] == TODAY.isoformat()
    assert fifth["done"] is True
    assert fifth["note"] == "Statuts déposés"
    assert fifth["documents"] == 0
    assert body["items"][3]["decided_by"] == "l'acceptation de la lettre d'intention par l'ARS"
    assert body["items"][4]["decided_by"] == ""


@pytest.mark.parametrize("role", [OUTSIDER, ARS_ELSEWHERE, ADMIN])
def test_the_steps_are_a_404_to_anyone_else(w, role):
    response = call("get", steps_url(w), w.headers(role))
    assert response.status_code == 404
    assert response.json() == {"detail": "CPTS introuvable."}


def test_a_coordinator_plans_and_ticks_a_step(w):
    body = {"planned_on": "2030-01-15", "done_on": TODAY.isoformat(), "note": "Assemblée constitutive"}
    response = call("put", steps_url(w, 5), w.headers("coordinator"), body)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "number": 5,
        "label": "Créer la structure juridique (statuts, assemblée constitutive)",
        "planned_on": "2030-01-15",
        "done_on": TODAY.isoformat(),
        "done": True,
        "decided_by": "",
        "note": "Assemblée constitutive",
        "documents": 0,
    }
    step = CreationStep.objects.get(cpts=w.cpts, step=5)
    assert step.done_on == TODAY
    assert CreationStep.objects.filter(cpts=w.cpts).count() == 10


def test_a_decided_step_takes_no_date_by_hand(w):
    errors = field_errors(call("put", steps_url(w, 4), w.headers("coordinator"), {"done_on": TODAY.isoformat()}))
    assert errors == {
        "done_on": ["Faite le : cette étape est cochée par l'acceptation de la lettre d'intention par l'ARS."]
    }
    # Its plan and note are written.
    response = call("put", steps_url(w, 4), w.headers("coordinator"), {"planned_on": "2030-02-01", "note": "RDV"})
    assert response.status_code == 200
    assert response.json()["planned_on"] == "2030-02-01"


def test_a_step_is_not_done_in_the_future(w):
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    errors = field_errors(call("put", steps_url(w, 6), w.headers("coordinator"), {"done_on": tomorrow}))
    assert list(errors) == ["done_on"]


def test_there_are_ten_steps(w):
    response = call("put", steps_url(w, 11), w.headers("coordinator"), {})
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["member", ARS, CPAM, ARS_OBSERVER])
def test_only_the_coordinators_write_the_steps(w, role):
    response = call("put", steps_url(w, 5), w.headers(role), {"done_on": TODAY.isoformat()})
    assert response.status_code == 403
    assert response.json()["detail"] == "Seuls les coordinateurs de la CPTS tiennent les étapes de la création."
    assert not CreationStep.objects.filter(cpts=w.cpts, done_on__isnull=False).exists()


@pytest.mark.parametrize("role", [OUTSIDER, ARS_ELSEWHERE])
def test_the_steps_of_another_cpts_are_not_written(w, role):
    response = call("put", steps_url(w, 5), w.headers(role), {"done_on": TODAY.isoformat()})
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["get", "put"])
def test_anonymous_callers_get_a_401_on_the_steps(w, method):
    assert call(method, steps_url(w, 5 if method == "put" else None)).status_code == 401


# --- Start-up grant -----------------------------------------------------------------------------

DECISION = {
    "amount": "15000.00",
    "decided_on": TODAY.isoformat(),
    "conditions": "Statuts déposés avant le premier versement.",
    "payments": [
        {"due_on": TODAY.isoformat(), "amount": "7500.00"},
        {"due_on": (TODAY + datetime.timedelta(days=180)).isoformat(), "amount": "7500.00"},
    ],
}


def test_an_ars_authority_records_the_grant_and_its_payments(w):
    assert call("get", grant_url(w), w.headers(ARS)).status_code == 404
    response = call("put", grant_url(w), w.headers(ARS), DECISION)
    assert response.status_code == 200, response.content
    body = response.json()
    assert Decimal(body["amount"]) == Decimal("15000")
    assert body["cpts"]["id"] == w.cpts.pk
    assert [Decimal(payment["amount"]) for payment in body["payments"]] == [Decimal("7500")] * 2
    assert Decimal(body["paid"]) == 0
    assert Decimal(body["left"]) == Decimal("15000")
    assert body["decided_by"]
    grant = StartupGrant.objects.get(cpts=w.cpts)
    assert grant.payments.count() == 2


def test_payments_above_the_grant_are_a_422_on_payments(w):
    decision = {**DECISION, "amount": "10000.00"}
    errors = field_errors(call("put", grant_url(w), w.headers(ARS), decision))
    assert list(errors) == ["payments"]
    assert not StartupGrant.objects.exists()


def test_a_decision_in_the_future_is_a_422_on_decided_on(w):
    decision = {**DECISION, "decided_on": (TODAY + datetime.timedelta(days=3)).isoformat()}
    assert list(field_errors(call("put", grant_url(w), w.headers(ARS), decision))) == ["decided_on"]


def test_a_grant_of_nothing_is_refused_by_the_schema(w):
    assert list(field_errors(call("put", grant_url(w), w.headers(ARS), {**DECISION, "amount": "0"}))) == ["amount"]


@pytest.mark.parametrize("role", ["coordinator", CPAM, ARS_OBSERVER])
def test_only_an_ars_authority_records_the_grant(w, role):
    response = call("put", grant_url(w), w.headers(role), DECISION)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Seule une autorité de l'ARS")
    assert not StartupGrant.objects.exists()


@pytest.mark.parametrize("role", ["member", OUTSIDER, ARS_ELSEWHERE, ADMIN])
def test_the_grant_is_a_404_to_who_may_not_read_it(w, role):
    StartupGrantFactory(cpts=w.cpts)
    assert call("get", grant_url(w), w.headers(role)).status_code == 404
    assert call("put", grant_url(w), w.headers(role), DECISION).status_code == 404


@pytest.mark.parametrize("role", ["coordinator", ARS, ARS_OBSERVER, CPAM])
def test_the_grant_is_read_by_the_coordinators_and_the_officers_over_the_cpts(w, role):
    grant = StartupGrantFactory(cpts=w.cpts)
    GrantPaymentFactory(grant=grant, paid_on=TODAY)
    GrantSpendingFactory(grant=grant, amount=Decimal("1200"))
    body = call("get", grant_url(w), w.headers(role)).json()
    assert Decimal(body["paid"]) == Decimal("7500")
    assert Decimal(body["spent"]) == Decimal("1200")
    assert Decimal(body["left"]) == Decimal("13800")


def test_an_ars_authority_notes_a_payment_made(w):
    payment = GrantPaymentFactory(grant=StartupGrantFactory(cpts=w.cpts))
    url = grant_url(w, f"/payments/{payment.pk}/paid")
    assert call("post", url, w.headers("coordinator"), {"paid_on": TODAY.isoformat()}).status_code == 403
    future = (TODAY + datetime.timedelta(days=2)).isoformat()
    assert list(field_errors(call("post", url, w.headers(ARS), {"paid_on": future}))) == ["paid_on"]
    response = call("post", url, w.headers(ARS), {"paid_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert response.json()["payments"][0]["paid_on"] == TODAY.isoformat()


def test_a_payment_of_another_grant_is_a_404(w, other_cpts):
    StartupGrantFactory(cpts=w.cpts)
    elsewhere = GrantPaymentFactory(grant=StartupGrantFactory(cpts=other_cpts))
    response = call("post", grant_url(w, f"/payments/{elsewhere.pk}/paid"), w.headers(ARS), {"paid_on": "2024-01-02"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Versement introuvable."}


SPENDING = {"spent_on": TODAY.isoformat(), "category": "meetings", "label": "Réunion de lancement", "amount": "800.50"}


def test_the_coordinators_record_and_delete_what_the_grant_paid(w):
    StartupGrantFactory(cpts=w.cpts, amount=Decimal("1000"))
    response = call("post", grant_url(w, "/spendings"), w.headers("coordinator"), SPENDING)
    assert response.status_code == 201, response.content
    spending = response.json()
    assert spending["category_label"] == "Réunions, indemnisation des professionnels"
    assert Decimal(spending["amount"]) == Decimal("800.50")
    listed = call("get", grant_url(w, "/spendings"), w.headers(ARS)).json()
    assert listed["count"] == 1
    assert [item["id"] for item in listed["items"]] == [spending["id"]]
    # More than what is left of the grant.
    errors = field_errors(call("post", grant_url(w, "/spendings"), w.headers("coordinator"), SPENDING))
    assert list(errors) == ["amount"]
    response = call("delete", grant_url(w, f"/spendings/{spending['id']}"), w.headers("coordinator"))
    assert response.status_code == 204
    assert not GrantSpending.objects.exists()


def test_a_spending_needs_a_grant(w):
    response = call("post", grant_url(w, "/spendings"), w.headers("coordinator"), SPENDING)
    assert response.status_code == 404
    assert response.json() == {"detail": "Aucune subvention de démarrage n'est enregistrée pour cette CPTS."}


@pytest.mark.parametrize("role", [ARS, CPAM, ARS_OBSERVER])
def test_only_the_coordinators_write_the_spending(w, role):
    spending = GrantSpendingFactory(grant=StartupGrantFactory(cpts=w.cpts))
    assert call("post", grant_url(w, "/spendings"), w.headers(role), SPENDING).status_code == 403
    assert call("delete", grant_url(w, f"/spendings/{spending.pk}"), w.headers(role)).status_code == 403
    assert GrantSpending.objects.count() == 1


@pytest.mark.parametrize("role", ["member", OUTSIDER, ARS_ELSEWHERE])
def test_the_spending_is_a_404_to_who_may_not_read_the_grant(w, role):
    spending = GrantSpendingFactory(grant=StartupGrantFactory(cpts=w.cpts))
    assert call("get", grant_url(w, "/spendings"), w.headers(role)).status_code == 404
    assert call("delete", grant_url(w, f"/spendings/{spending.pk}"), w.headers(role)).status_code == 404
    assert GrantSpending.objects.count() == 1


def test_the_spendings_list_pages(w):
    grant = StartupGrantFactory(cpts=w.cpts)
    GrantSpendingFactory.create_batch(3, grant=grant, amount=Decimal("10"))
    body = call("get", grant_url(w, "/spendings"), w.headers("coordinator"), page=2, page_size=2).json()
    assert body["count"] == 3
    assert len(body["items"]) == 1


@pytest.mark.parametrize(
    ("method", "tail"),
    [
        ("get", ""),
        ("put", ""),
        ("post", "/payments/1/paid"),
        ("get", "/spendings"),
        ("post", "/spendings"),
        ("delete", "/spendings/1"),
    ],
)
def test_anonymous_callers_get_a_401_on_the_grant(w, method, tail):
    assert call(method, grant_url(w, tail)).status_code == 401
