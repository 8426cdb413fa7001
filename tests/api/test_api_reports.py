"""/cpts/{id}/aci/…: the dialogue de gestion report as JSON, its versions, sending."""

from decimal import Decimal

import pytest

from maillon.contracts import services
from maillon.contracts.models import Indicator, ManagementReport, ReportStatus
from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.territories.factories import TerritoryRoleFactory
from tests.contracts.test_report import small_contract

pytestmark = pytest.mark.django_db


def base(cpts):
    return f"/api/v1/cpts/{cpts.pk}/aci"


@pytest.fixture
def contract(cpts, coordinator):
    return small_contract(cpts, by=coordinator)


@pytest.fixture
def headers(token_headers, coordinator):
    return token_headers(coordinator)


def territorial(cpts, role):
    user = UserFactory()
    TerritoryRoleFactory(user=user, role=role, departement=cpts.territory_rows.first().commune.departement)
    return user


def test_the_live_report_is_json_with_amounts_as_strings(api_client, cpts, contract, headers):
    response = api_client.get(f"{base(cpts)}/years/1/report", **headers)
    assert response.status_code == 200
    body = response.json()
    assert body["cpts"]["name"] == cpts.name
    assert [mission["number"] for mission in body["missions"]] == [1, 2, 3, 4, 5]
    assert body["missions"][0]["indicators"][0]["earned"] == "6000.00"
    assert Decimal(body["funding"]["total"]) > 0
    assert body["next_year"]["status"] == "prévisionnel"
    assert body["meta"]["version"] is None


def test_a_year_out_of_the_contract_is_404(api_client, cpts, contract, headers):
    response = api_client.get(f"{base(cpts)}/years/6/report", **headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Cette année ne fait pas partie du contrat."}


def test_a_cpts_without_contract_is_404(api_client, cpts, headers):
    response = api_client.get(f"{base(cpts)}/years/1/report", **headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Aucun ACI enregistré pour cette CPTS."}


def test_sending_freezes_a_version_which_reads_the_same_after_a_change(
    api_client, cpts, contract, coordinator, headers
):
    response = api_client.post(f"{base(cpts)}/years/1/report/send", **headers)
    assert response.status_code == 201
    sent = response.json()
    assert (sent["version"], sent["status"], sent["sent_by"]) == (1, "sent", str(coordinator))
    assert sent["data"]["meta"]["version"] == 1

    indicator = Indicator.objects.get(contract=contract, name="Patients en ALD sans médecin traitant")
    services.record_value(indicator=indicator, contract_year=1, value=Decimal("12"), by=coordinator)
    frozen = api_client.get(f"{base(cpts)}/reports/{sent['id']}", **headers).json()
    assert frozen["data"] == sent["data"]
    assert frozen["data"]["missions"][0]["indicators"][0]["value"] == "87"
    live = api_client.get(f"{base(cpts)}/years/1/report", **headers).json()
    assert live["missions"][0]["indicators"][0]["value"] == "12"


def test_a_second_send_waits_for_the_authority_to_send_the_report_back(api_client, cpts, contract, headers):
    api_client.post(f"{base(cpts)}/years/1/report/send", **headers)
    response = api_client.post(f"{base(cpts)}/years/1/report/send", **headers)
    assert response.status_code == 409
    assert "renvoi avec remarques" in response.json()["detail"]
    report = ManagementReport.objects.get()
    services.decide_report(report, by=territorial(cpts, "authority"), sign_off=False, comments="À compléter.")
    assert api_client.post(f"{base(cpts)}/years/1/report/send", **headers).status_code == 201
    versions = api_client.get(f"{base(cpts)}/years/1/report/versions", **headers).json()
    assert [(item["version"], item["status"]) for item in versions] == [(2, "sent"), (1, "returned")]
    assert versions[1]["comments"] == "À compléter."


@pytest.mark.parametrize("role", ["observer", "authority"])
def test_territorial_readers_read_but_cannot_send(api_client, cpts, contract, headers, token_headers, role):
    api_client.post(f"{base(cpts)}/years/1/report/send", **headers)
    report = ManagementReport.objects.get()
    reader = token_headers(territorial(cpts, role))
    assert api_client.get(f"{base(cpts)}/years/1/report", **reader).status_code == 200
    assert api_client.get(f"{base(cpts)}/years/1/report/versions", **reader).status_code == 200
    assert api_client.get(f"{base(cpts)}/reports/{report.pk}", **reader).status_code == 200
    response = api_client.post(f"{base(cpts)}/years/1/report/send", **reader)
    assert response.status_code == 403
    assert ManagementReport.objects.count() == 1
    assert ManagementReport.objects.get().status == ReportStatus.SENT


def test_a_member_of_the_cpts_gets_404(api_client, cpts, contract, token_headers):
    member = CptsRoleFactory(cpts=cpts, user=UserFactory()).user
    for method, path in (
        ("get", "/years/1/report"),
        ("get", "/years/1/report/versions"),
        ("post", "/years/1/report/send"),
    ):
        response = getattr(api_client, method)(base(cpts) + path, **token_headers(member))
        assert response.status_code == 404
        assert response.json() == {"detail": "CPTS introuvable."}
    assert not ManagementReport.objects.exists()


def test_a_report_of_another_cpts_is_404(api_client, cpts, other_cpts, contract, headers):
    other = small_contract(other_cpts)
    report = services.freeze_report(contract=other, contract_year=1, data={}, by=None)
    response = api_client.get(f"{base(cpts)}/reports/{report.pk}", **headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Rapport introuvable."}
