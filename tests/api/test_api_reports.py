"""/cpts/{id}/aci/…: the dialogue de gestion report as JSON, its versions, sending."""

from decimal import Decimal

import pytest

from maillon.contracts import services
from maillon.contracts.models import Indicator, ManagementReport, ReportStatus
from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import JournalEntry
from maillon.territories.factories import TerritoryRoleFactory
from tests.contracts.conftest import _facts_stated_by_hand  # noqa: F401 (autouse: the report states its crisis fact)
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


def test_reading_a_sent_version_is_journaled_like_the_download(api_client, cpts, contract, coordinator, headers):
    report = services.freeze_report(contract=contract, contract_year=1, data={"title": "x"}, by=coordinator)
    before = JournalEntry.objects.filter(action="export").count()
    assert api_client.get(f"{base(cpts)}/reports/{report.pk}", **headers).status_code == 200
    assert JournalEntry.objects.filter(action="export").count() == before + 1
    entry = JournalEntry.objects.filter(action="export").latest("pk")
    assert (entry.object_id, entry.cpts_id, entry.actor_id) == (str(report.pk), cpts.pk, coordinator.pk)
    assert "API" in entry.note


def test_the_authority_signs_off_or_sends_back_through_the_api(api_client, cpts, contract, headers, token_headers):
    authority = territorial(cpts, "authority")
    report = services.freeze_report(contract=contract, contract_year=1, data={}, by=None)
    path = f"{base(cpts)}/reports/{report.pk}/decision"
    response = api_client.post(
        path, {"sign_off": False, "comments": "  "}, content_type="application/json", **token_headers(authority)
    )
    assert response.status_code == 409
    assert "Remarques" in response.json()["detail"]
    response = api_client.post(
        path, {"sign_off": True, "comments": "Conforme."}, content_type="application/json", **token_headers(authority)
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["comments"]) == ("signed_off", "Conforme.")
    assert response.json()["decided_by"] == str(authority)
    report.refresh_from_db()
    assert report.status == ReportStatus.SIGNED_OFF
    again = api_client.post(
        path, {"sign_off": False, "comments": "Non."}, content_type="application/json", **token_headers(authority)
    )
    assert again.status_code == 409
    assert "déjà été traité" in again.json()["detail"]


def test_the_decision_declares_both_of_its_409s():
    """Found by fuzzing the authority's token: a version sent back without remarks answers a plain
    409 (`MessageOut`), a version decided already the transition's (`ConflictOut`)."""
    from maillon.api.urls import api

    answers = api.get_openapi_schema()["paths"]["/api/v1/cpts/{cpts_id}/aci/reports/{report_id}/decision"]
    responses = {str(code): answer for code, answer in answers["post"]["responses"].items()}
    schema = responses["409"]["content"]["application/json"]["schema"]
    refs = {option.get("$ref") for option in schema.get("anyOf", [schema])}
    assert refs == {"#/components/schemas/ConflictOut", "#/components/schemas/MessageOut"}


@pytest.mark.parametrize("role", ["coordinator", "observer", "admin"])
def test_only_the_authority_decides(api_client, cpts, contract, headers, token_headers, role):
    """A platform admin reads the report but is not the ARS: 403, as the pages answer."""
    report = services.freeze_report(contract=contract, contract_year=1, data={}, by=None)
    if role == "coordinator":
        who = headers
    elif role == "admin":
        who = token_headers(UserFactory(is_superuser=True, is_staff=True))
    else:
        who = token_headers(territorial(cpts, role))
    response = api_client.post(
        f"{base(cpts)}/reports/{report.pk}/decision",
        {"sign_off": True, "comments": ""},
        content_type="application/json",
        **who,
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT


def test_a_platform_admin_reads_the_reports_but_sends_none(api_client, cpts, contract, token_headers):
    report = services.freeze_report(contract=contract, contract_year=1, data={}, by=None)
    admin = token_headers(UserFactory(is_superuser=True, is_staff=True))
    assert api_client.get(f"{base(cpts)}/reports/{report.pk}", **admin).status_code == 200
    assert api_client.get(f"{base(cpts)}/years/1/report/versions", **admin).status_code == 200
    response = api_client.post(f"{base(cpts)}/years/1/report/send", **admin)
    assert response.status_code == 403
    assert ManagementReport.objects.count() == 1


def test_a_decision_on_a_missing_report_is_404_whoever_asks(api_client, cpts, contract, headers):
    """The report is looked up first: a missing one answers 404 even to a reader who may not decide."""
    response = api_client.post(
        f"{base(cpts)}/reports/999999/decision", {"sign_off": True}, content_type="application/json", **headers
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Rapport introuvable."}


def test_the_api_shares_the_pages_role_rule_without_importing_the_web_layer():
    import inspect

    from maillon.api import contracts as api_contracts
    from maillon.api import reports as api_reports

    for module in (api_contracts, api_reports):
        assert "maillon.www" not in inspect.getsource(module)
        assert "contracts import policies" in inspect.getsource(module)
