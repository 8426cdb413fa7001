"""The ACI money page: the year's funding lines, the facts of the year, the payment
schedule, money received and spent, « reçu / dépensé / prévu » per year."""

import datetime
import html
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from maillon.contracts import registry, services
from maillon.contracts.factories import FundingReceiptFactory, SpendingFactory
from maillon.contracts.funding import euros
from maillon.contracts.models import FactCode, FactStatement, FundingReceipt, Spending
from tests.conftest import verified_client

from .test_pages_access import signed_contract, territorial_user

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def year_lines(page: str) -> str:
    """The table of the displayed year's lines (the page also sums every year)."""
    return page.split("Ce que l'année rapporte")[1].split("Faits de l'année")[0]


def funding_url(cpts, year=None):
    url = reverse("contracts_funding", args=[cpts.slug])
    return f"{url}?annee={year}" if year else url


def started(contract, *missions):
    for commitment in contract.missions.filter(mission__in=missions):
        services.record_mission_dates(
            commitment, started_on=contract.signed_on + datetime.timedelta(days=10), deployed_on=None
        )


def test_without_a_contract_the_page_says_so(cpts, coordinator):
    response = verified_client(coordinator).get(funding_url(cpts))
    assert response.status_code == 200
    assert "Aucun contrat ACI n'est enregistré" in text(response)


def test_the_year_shows_its_lines_total_and_maximum(cpts, coordinator):
    contract = signed_contract(cpts, coordinator, taille=2)
    started(contract, 1)
    page = text(verified_client(coordinator).get(funding_url(cpts, 2)))

    assert str(contract.year(2)) in page
    assert "Financement du fonctionnement de la communauté professionnelle" in page
    assert euros(Decimal("60000")) in page  # fonctionnement, taille 2
    assert euros(Decimal("70000")) in page  # mission 1 fixed, taille 2
    # Mission 1 variable: no indicator value, nothing earned; the total is fonctionnement + fixed.
    assert euros(Decimal("130000")) in page
    assert "Dialogue de gestion" in page


def test_an_avenant_changes_the_taille_and_the_funding_page_follows(cpts, coordinator):
    contract = signed_contract(cpts, coordinator, taille=2)
    client = verified_client(coordinator)
    client.post(
        reverse("contracts_overview", args=[cpts.slug]),
        {
            "action": "amendment",
            "avenant-signed_on": contract.anniversary(1).isoformat(),
            "avenant-summary": "Passage en taille 4.",
            "avenant-new_taille": "4",
        },
    )

    pages = [text(client.get(funding_url(cpts, number))) for number in (1, 2)]
    year_1, year_2 = (year_lines(page) for page in pages)

    assert euros(Decimal("60000")) in year_1 and euros(Decimal("90000")) not in year_1
    assert euros(Decimal("90000")) in year_2  # fonctionnement at taille 4 from the avenant's date
    assert "Taille 2 au début de l'année" in pages[0] and "Taille 4 au début de l'année" in pages[1]


def test_the_coordinator_states_the_facts_of_the_year(cpts, coordinator):
    contract = signed_contract(cpts, coordinator)
    response = verified_client(coordinator).post(
        funding_url(cpts, 1),
        {"action": "facts", f"fact-{FactCode.CRISIS_PLAN_FIRST_DRAFTED}": "on"},
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?annee=1")
    assert services.facts_of_year(contract, 1) == {
        FactCode.CRISIS_PLAN_FIRST_DRAFTED: True,
        FactCode.CRISIS_PLAN_UPDATED: False,
        FactCode.SERIOUS_CRISIS_RECOGNISED: False,
    }
    # Only the fact that changed is written.
    assert FactStatement.objects.count() == 1


def test_a_fact_the_platform_computes_is_shown_disabled_and_never_written(cpts, coordinator):
    contract = signed_contract(cpts, coordinator)
    code = FactCode.SERIOUS_CRISIS_RECOGNISED
    registry.register_fact(code, compute=lambda cpts, year: False)
    try:
        client = verified_client(coordinator)
        page = text(client.get(funding_url(cpts, 1)))
        client.post(funding_url(cpts, 1), {"action": "facts", f"fact-{code}": "on"})
    finally:
        registry.unregister(code)

    assert "établi par la plateforme" in page
    assert f'id="fact-{code}" name="fact-{code}" disabled' in page
    assert not contract.facts.filter(code=code).exists()


def test_receipts_and_spending_are_recorded_and_summed_per_year(cpts, coordinator):
    contract = signed_contract(cpts, coordinator)
    started(contract, 1)
    client = verified_client(coordinator)
    day = (contract.signed_on + datetime.timedelta(days=40)).isoformat()

    receipt = client.post(
        funding_url(cpts, 1),
        {
            "action": "receipt",
            "recu-contract_year": "1",
            "recu-received_on": day,
            "recu-amount": "45000,00",
            "recu-label": "Avance",
        },
    )
    spending = client.post(
        funding_url(cpts, 1),
        {
            "action": "spending",
            "depense-contract_year": "1",
            "depense-mission": "1",
            "depense-category": "coordination",
            "depense-label": "Salaire de la coordinatrice",
            "depense-amount": "12000,50",
            "depense-spent_on": day,
        },
    )

    assert receipt.status_code == spending.status_code == 302
    assert FundingReceipt.objects.get().amount == Decimal("45000.00")
    row = Spending.objects.get()
    assert (row.mission, row.category, row.amount, row.entered_by) == (
        1,
        "coordination",
        Decimal("12000.50"),
        coordinator,
    )
    page = text(client.get(funding_url(cpts, 1)))
    assert "Salaire de la coordinatrice" in page
    assert euros(Decimal("45000")) in page and euros(Decimal("12000.50")) in page
    assert euros(Decimal("32999.50")) in page  # reste : reçu − dépensé


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"depense-amount": "-5"}, "Montant (€) : le montant doit être positif."),
        ({"depense-amount": "abc"}, "Montant (€) : saisissez un montant en euros"),
        ({"depense-label": ""}, "Libellé : dites ce que la dépense a payé."),
        ({"depense-category": "yacht"}, "Nature de la dépense : choisissez une des natures proposées."),
        ({"depense-mission": "6"}, "Mission : choisissez une mission du contrat ou le fonctionnement."),
        ({"depense-contract_year": "9"}, "Année du contrat : choisissez une des années du contrat."),
        ({"depense-spent_on": "2099-01-01"}, "Date : elle ne peut être dans le futur."),
    ],
)
def test_a_bad_spending_names_the_field_and_writes_nothing(cpts, coordinator, data, message):
    contract = signed_contract(cpts, coordinator)
    valid = {
        "action": "spending",
        "depense-contract_year": "1",
        "depense-mission": "",
        "depense-category": "tools",
        "depense-label": "Logiciel",
        "depense-amount": "100",
        "depense-spent_on": (contract.signed_on + datetime.timedelta(days=5)).isoformat(),
    }
    response = verified_client(coordinator).post(funding_url(cpts, 1), {**valid, **data})

    assert response.status_code == 200
    assert message in text(response)
    assert not Spending.objects.exists()


def test_a_bad_receipt_names_the_field_and_writes_nothing(cpts, coordinator):
    signed_contract(cpts, coordinator)
    response = verified_client(coordinator).post(
        funding_url(cpts, 1),
        {"action": "receipt", "recu-contract_year": "1", "recu-received_on": "", "recu-amount": "0"},
    )

    page = text(response)
    assert "Reçu le : indiquez la date." in page and "Montant reçu (€) : le montant doit être positif." in page
    assert not FundingReceipt.objects.exists()


def test_the_coordinator_deletes_a_spending_of_her_contract_only(cpts, other_cpts, coordinator):
    contract = signed_contract(cpts, coordinator)
    mine = SpendingFactory(contract=contract)
    theirs = SpendingFactory(contract=signed_contract(other_cpts, coordinator))
    client = verified_client(coordinator)

    assert client.post(funding_url(cpts, 1), {"action": "delete_spending", "spending": theirs.pk}).status_code == 404
    assert client.post(funding_url(cpts, 1), {"action": "delete_spending", "spending": mine.pk}).status_code == 302
    assert list(Spending.objects.all()) == [theirs]


def test_the_spending_table_crosses_missions_and_natures(cpts, coordinator):
    contract = signed_contract(cpts, coordinator)
    SpendingFactory(contract=contract, mission=1, category="coordination", amount=Decimal("1000"))
    SpendingFactory(contract=contract, mission=1, category="tools", amount=Decimal("250"))
    SpendingFactory(contract=contract, mission=None, category="premises", amount=Decimal("300"))
    SpendingFactory(contract=contract, contract_year=2, mission=2, category="events", amount=Decimal("99"))

    page = text(verified_client(territorial_user("authority")).get(funding_url(cpts, 1)))

    assert "Dépenses par mission et par nature, année 1" in page
    assert "Fonctionnement (toutes missions)" in page
    assert euros(Decimal("1250")) in page  # mission 1 total
    assert euros(Decimal("1550")) in page  # year total
    assert "Événements, réunions, actions" not in page  # a year-2 nature only
    assert "Supprimer" not in page  # readers do not delete


def test_the_schedule_lists_advances_and_balances(cpts, coordinator):
    contract = signed_contract(cpts, coordinator, taille=2)
    started(contract, 1)
    FundingReceiptFactory(contract=contract, amount=Decimal("45000"))

    page = text(verified_client(coordinator).get(funding_url(cpts)))

    assert "Échéancier des versements" in page
    # Inside the schedule's table (the receipt of 45 000 is listed elsewhere on the page).
    table = page[page.index("Versements prévus sur la durée du contrat") :]
    table = table[: table.index("Total du contrat")]
    advance = table[table.index("Fonctionnement : avance de 75 % de l'année 1") :]
    advance = advance[: advance.index("</tr>")]
    assert euros(Decimal("45000")) in advance  # 75 % of 60 000


def test_an_unknown_year_falls_back_to_the_current_one(cpts, coordinator):
    contract = signed_contract(cpts, coordinator, years_ago=1)
    page = text(verified_client(coordinator).get(funding_url(cpts, "x")))
    assert f'<h2 id="annee">{contract.year(2)}</h2>' in page
    assert contract.year_number_on(contract.signed_on + relativedelta(years=1, days=1)) == 2


def test_an_avenant_in_the_middle_of_a_year_prorates_it(cpts, coordinator):
    contract = signed_contract(cpts, coordinator, taille=2)
    middle = contract.anniversary(1) + relativedelta(months=6)
    services.sign_amendment(contract=contract, signed_on=middle, summary="Taille 4.", by=coordinator, new_taille=4)

    page = text(verified_client(coordinator).get(funding_url(cpts, 2)))
    days = (contract.anniversary(2) - contract.anniversary(1)).days
    before, after = (middle - contract.anniversary(1)).days, (contract.anniversary(2) - middle).days
    expected = (Decimal(60000) * before + Decimal(90000) * after) / days

    assert f"Taille 2 au début de l'année, puis taille 4 à partir du {middle:%d/%m/%Y} (avenant)." in page
    assert euros(expected) in year_lines(page)
