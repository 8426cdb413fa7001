"""The ACI overview: recording the contract, the mission calendar, avenants and « le contrat au … »."""

import datetime
import html

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from maillon.contracts.factories import IndicatorFactory
from maillon.contracts.models import Amendment, Contract, MissionCommitment
from tests.conftest import verified_client

from .test_pages_access import signed_contract, territorial_user

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def overview_url(cpts):
    return reverse("contracts_overview", args=[cpts.slug])


def test_the_form_proposes_the_taille_of_the_territory(cpts, coordinator):
    page = text(verified_client(coordinator).get(overview_url(cpts)))

    # Versailles: 83 000 inhabitants, taille 3.
    assert '<option value="3" selected>Taille 3</option>' in page
    assert "Enregistrer le contrat" in page


def test_the_coordinator_records_the_contract_with_the_socle_missions_and_an_optional_one(cpts, coordinator):
    signed_on = timezone.localdate() - relativedelta(months=3)
    response = verified_client(coordinator).post(
        overview_url(cpts),
        {
            "action": "contract",
            "signed_on": signed_on.isoformat(),
            "reference": "ACI-78-001",
            "taille": "3",
            "optional_missions": ["6"],
        },
    )

    assert response.status_code == 302
    contract = Contract.objects.get(cpts=cpts)
    assert (contract.signed_on, contract.taille, contract.reference, contract.created_by) == (
        signed_on,
        3,
        "ACI-78-001",
        coordinator,
    )
    assert sorted(contract.missions.values_list("mission", flat=True)) == [1, 2, 3, 4, 6]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"taille": "3"}, "Date de signature : indiquez la date."),
        ({"signed_on": "31/02/2024", "taille": "3"}, "Date de signature : saisissez une date valide"),
        ({"signed_on": "2099-01-01", "taille": "3"}, "Date de signature : elle ne peut être dans le futur."),
        ({"signed_on": "2018-01-01", "taille": "3"}, "Date de signature : aucun barème ACI"),
        ({"signed_on": "2024-01-01", "taille": "7"}, "Taille : choisissez entre 1 et 4."),
        ({"signed_on": "2024-01-01", "taille": "2", "optional_missions": ["2"]}, "Missions optionnelles : choisissez"),
    ],
)
def test_a_bad_contract_form_names_the_field_and_writes_nothing(cpts, coordinator, data, message):
    response = verified_client(coordinator).post(overview_url(cpts), {"action": "contract", **data})

    assert response.status_code == 200
    assert message in text(response)
    assert not Contract.objects.exists()


def test_the_overview_shows_term_taille_overdue_warnings_and_the_calendar(cpts, coordinator):
    contract = signed_contract(cpts, coordinator, years_ago=2, taille=2)
    page = text(verified_client(coordinator).get(overview_url(cpts)))

    assert f"{contract.signed_on:%d/%m/%Y}" in page
    assert "Taille 2</strong> en vigueur" in page
    # Signed 2 years ago, nothing started: every due date is past.
    assert "fr-badge--error" in page
    assert "1 — Accès aux soins : démarrage attendu le" in page
    due = contract.signed_on + relativedelta(months=6)
    assert f"{due:%d/%m/%Y} / —" in page


def test_recording_the_start_and_deployment_of_a_mission(cpts, coordinator):
    contract = signed_contract(cpts, coordinator)
    commitment = contract.missions.get(mission=1)
    started, deployed = (
        contract.signed_on + datetime.timedelta(days=20),
        contract.signed_on + datetime.timedelta(days=300),
    )
    response = verified_client(coordinator).post(
        overview_url(cpts),
        {
            "action": "mission_dates",
            "commitment": commitment.pk,
            f"m{commitment.pk}-started_on": started.isoformat(),
            f"m{commitment.pk}-deployed_on": deployed.isoformat(),
        },
    )

    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.started_on, commitment.deployed_on) == (started, deployed)
    page = text(verified_client(coordinator).get(overview_url(cpts)))
    assert f"{started:%d/%m/%Y}" in page and "fr-badge--success" in page


@pytest.mark.parametrize(
    ("started", "deployed", "message"),
    [
        (-10, None, "Date de démarrage : elle ne peut précéder l'inclusion de la mission."),
        (30, 10, "Déploiement complet : il suit le démarrage de la mission."),
        (None, 10, "Démarrée le : indiquez le démarrage avant le déploiement complet."),
    ],
)
def test_bad_mission_dates_name_the_field_and_write_nothing(cpts, coordinator, started, deployed, message):
    contract = signed_contract(cpts, coordinator)
    commitment = contract.missions.get(mission=2)

    def day(offset):
        return "" if offset is None else (contract.signed_on + datetime.timedelta(days=offset)).isoformat()

    response = verified_client(coordinator).post(
        overview_url(cpts),
        {
            "action": "mission_dates",
            "commitment": commitment.pk,
            f"m{commitment.pk}-started_on": day(started),
            f"m{commitment.pk}-deployed_on": day(deployed),
        },
    )

    assert response.status_code == 200
    assert message in text(response)
    commitment.refresh_from_db()
    assert commitment.started_on is None and commitment.deployed_on is None


def test_an_avenant_changes_the_taille_and_adds_a_mission(cpts, coordinator):
    contract = signed_contract(cpts, coordinator, taille=2)
    signed_on = contract.signed_on + relativedelta(years=1)
    response = verified_client(coordinator).post(
        overview_url(cpts),
        {
            "action": "amendment",
            "avenant-signed_on": signed_on.isoformat(),
            "avenant-summary": "Extension du territoire.",
            "avenant-new_taille": "3",
            "avenant-add_missions": ["5"],
        },
    )

    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert (amendment.number, amendment.new_taille) == (1, 3)
    assert MissionCommitment.objects.get(contract=contract, mission=5).added_by == amendment
    page = text(verified_client(coordinator).get(overview_url(cpts)))
    assert "Taille 3</strong> en vigueur" in page
    assert f"Taille 3 depuis le {signed_on:%d/%m/%Y} (avenant)" in page
    assert "ajoute la mission 5 — Qualité" in page


def test_an_avenant_adds_a_catalogue_indicator_from_its_date(cpts, coordinator):
    contract = signed_contract(cpts, coordinator, taille=2)
    signed_on = contract.signed_on + relativedelta(years=1)
    response = verified_client(coordinator).post(
        overview_url(cpts),
        {
            "action": "amendment",
            "avenant-signed_on": signed_on.isoformat(),
            "avenant-summary": "Nouvel indicateur de prévention.",
            "avenant-add_indicators": ["m3-depistage-sein"],
        },
    )

    assert response.status_code == 302
    indicator = contract.indicators.get(code="m3-depistage-sein")
    assert (indicator.added_on, indicator.added_by) == (signed_on, Amendment.objects.get())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"avenant-summary": "x"}, "Date de l'avenant : indiquez la date."),
        ({"avenant-signed_on": "2000-01-01", "avenant-summary": "x"}, "elle doit tomber pendant le contrat"),
        ({"avenant-signed_on": "{in_contract}"}, "Objet de l'avenant : dites ce qu'il change."),
        (
            {"avenant-signed_on": "{in_contract}", "avenant-summary": "x", "avenant-new_taille": "9"},
            "Nouvelle taille :",
        ),
        (
            {"avenant-signed_on": "{in_contract}", "avenant-summary": "x", "avenant-remove_missions": ["6"]},
            "Missions retirées : la mission 6 n'est pas au contrat.",
        ),
    ],
)
def test_a_bad_avenant_names_the_field_and_writes_nothing(cpts, coordinator, data, message):
    contract = signed_contract(cpts, coordinator)
    in_contract = (contract.signed_on + relativedelta(months=5)).isoformat()
    data = {
        key: (value.replace("{in_contract}", in_contract) if isinstance(value, str) else value)
        for key, value in data.items()
    }

    response = verified_client(coordinator).post(overview_url(cpts), {"action": "amendment", **data})

    assert response.status_code == 200
    assert message in text(response)
    assert not Amendment.objects.exists()
    assert contract.missions.count() == 4


def test_the_contract_as_it_stood_on_a_date(cpts, coordinator):
    contract = signed_contract(cpts, coordinator, taille=2)
    client = verified_client(coordinator)
    client.post(
        overview_url(cpts),
        {
            "action": "amendment",
            "avenant-signed_on": (contract.signed_on + relativedelta(years=1)).isoformat(),
            "avenant-summary": "Taille 4 et mission 6.",
            "avenant-new_taille": "4",
            "avenant-add_missions": ["6"],
        },
    )
    IndicatorFactory(contract=contract, mission=1, name="Médecins volontaires")

    before = client.get(overview_url(cpts), {"date": (contract.signed_on + relativedelta(months=6)).isoformat()})
    after = client.get(overview_url(cpts), {"date": (contract.signed_on + relativedelta(years=1, days=1)).isoformat()})
    outside = client.get(overview_url(cpts), {"date": "2001-01-01"})
    invalid = client.get(overview_url(cpts), {"date": "demain"})

    missions = "1 — Accès aux soins, 2 — Parcours pluriprofessionnels, 3 — Prévention, 4 — Crises sanitaires graves."
    assert f"Taille 2 ; missions : {missions}" in text(before)
    assert "Médecins volontaires" in text(before)
    assert "Taille 4 ; missions :" in text(after) and "6 — Accompagnement des professionnels." in text(after)
    assert "n'était pas en vigueur à cette date" in text(outside)
    assert invalid.status_code == 200 and "Le contrat au : saisissez une date valide" in text(invalid)


def test_an_observer_reads_the_calendar_and_the_avenants(cpts, coordinator):
    signed_contract(cpts, coordinator)
    page = text(verified_client(territorial_user("observer")).get(overview_url(cpts)))

    assert "Calendrier des missions" in page and "Aucun avenant." in page
    assert "Enregistrer l'avenant" not in page


def test_query_budget_of_the_overview(cpts, coordinator, django_assert_max_num_queries):
    contract = signed_contract(cpts, coordinator, missions=(1, 2, 3, 4, 5, 6))
    for number in range(3):
        Amendment.objects.create(
            contract=contract,
            number=number + 1,
            signed_on=contract.signed_on + relativedelta(months=number + 1),
            summary="Avenant",
            new_taille=3,
        )
    for _ in range(5):
        IndicatorFactory(contract=contract)
    client = verified_client(coordinator)
    client.get(overview_url(cpts))  # warm the session

    with django_assert_max_num_queries(17):
        response = client.get(overview_url(cpts))
    assert response.status_code == 200
