"""Every API operation says who may call it: public (auth=None) or private (token or session)."""

import re

import pytest
from ninja.constants import NOT_SET

from maillon.api.auth import PRIVATE
from tests.urlwalk import api_operations

PUBLIC_OPERATIONS = {
    ("GET", "/communes"),
    ("GET", "/communes/{code}"),
    ("GET", "/cpts"),
    ("GET", "/cpts/{cpts_id}"),
    ("POST", "/territories/simulate"),
    ("POST", "/aci/simulate"),
    # >>> snp-slots: Same-day care slots (issue 6)
    # <<< snp-slots
    # >>> snp-requests: Same-day care requests (issue 6)
    # <<< snp-requests
    # >>> fhir: FHIR for the SAS (issue 6)
    # <<< fhir
    # >>> crisis: Crisis plan and alerts (issue 7)
    # <<< crisis
    # >>> crisis-response: Crises, alerts, RETEX (issue 7)
    ("GET", "/crises/acknowledgements/{token}"),
    ("POST", "/crises/acknowledgements/{token}"),
    # <<< crisis-response
    # >>> mt: Médecin traitant desk, more (issue 5)
    # <<< mt
}
PRIVATE_OPERATIONS = {
    ("GET", "/me"),
    ("PUT", "/cpts/{cpts_id}/territory"),
    ("GET", "/cpts/{cpts_id}/members"),
    ("POST", "/cpts/{cpts_id}/members"),
    ("POST", "/cpts/{cpts_id}/members/import"),
    ("GET", "/cpts/{cpts_id}/members/{membership_id}"),
    ("PATCH", "/cpts/{cpts_id}/members/{membership_id}"),
    ("GET", "/cpts/{cpts_id}/structures"),
    ("POST", "/cpts/{cpts_id}/structures"),
    ("GET", "/cpts/{cpts_id}/structures/{structure_id}"),
    ("PATCH", "/cpts/{cpts_id}/structures/{structure_id}"),
    # Meetings and time paid to members (issue 3).
    ("GET", "/cpts/{cpts_id}/meetings"),
    ("GET", "/cpts/{cpts_id}/meetings/{meeting_id}"),
    ("GET", "/cpts/{cpts_id}/time-entries"),
    ("POST", "/cpts/{cpts_id}/time-entries"),
    ("POST", "/cpts/{cpts_id}/time-entries/{entry_id}/validate"),
    ("POST", "/cpts/{cpts_id}/time-entries/{entry_id}/reject"),
    # The dialogue de gestion (issue 4).
    ("GET", "/cpts/{cpts_id}/aci/years/{year}/report"),
    ("GET", "/cpts/{cpts_id}/aci/years/{year}/report/versions"),
    ("GET", "/cpts/{cpts_id}/aci/reports/{report_id}"),
    ("POST", "/cpts/{cpts_id}/aci/reports/{report_id}/decision"),
    ("POST", "/cpts/{cpts_id}/aci/years/{year}/report/send"),
    # The ACI contract (issue 4).
    ("GET", "/cpts/{cpts_id}/aci"),
    ("GET", "/cpts/{cpts_id}/aci/years/{year}/funding"),
    ("GET", "/cpts/{cpts_id}/aci/indicators"),
    ("POST", "/cpts/{cpts_id}/aci/indicators/{indicator_id}/values"),
    ("GET", "/cpts/{cpts_id}/aci/spending"),
    ("POST", "/cpts/{cpts_id}/aci/spending"),
    # The médecin traitant desk (issue 5).
    ("GET", "/cpts/{cpts_id}/mt/queue"),
    ("GET", "/cpts/{cpts_id}/mt/patients/{patient_id}"),
    ("GET", "/cpts/{cpts_id}/mt/offers"),
    ("GET", "/cpts/{cpts_id}/mt/proposals"),
    ("POST", "/cpts/{cpts_id}/mt/proposals/run"),
    ("POST", "/cpts/{cpts_id}/mt/proposals/{proposal_id}/transition"),
    # >>> snp-slots: Same-day care slots (issue 6)
    ("GET", "/cpts/{cpts_id}/snp/slots"),
    ("POST", "/cpts/{cpts_id}/snp/slots"),
    ("POST", "/cpts/{cpts_id}/snp/slot-series"),
    ("POST", "/cpts/{cpts_id}/snp/slots/import"),
    ("POST", "/cpts/{cpts_id}/snp/slots/{slot_id}/cancel"),
    ("PATCH", "/cpts/{cpts_id}/snp/slots/{slot_id}"),
    ("GET", "/cpts/{cpts_id}/snp/agendas"),
    ("PATCH", "/cpts/{cpts_id}/snp/agendas/{agenda_id}"),
    # <<< snp-slots
    # >>> snp-requests: Same-day care requests (issue 6)
    ("POST", "/cpts/{cpts_id}/snp/requests"),
    ("GET", "/cpts/{cpts_id}/snp/requests"),
    ("GET", "/cpts/{cpts_id}/snp/requests/{request_id}"),
    ("POST", "/cpts/{cpts_id}/snp/requests/{request_id}/cancel"),
    ("GET", "/cpts/{cpts_id}/snp/requests/{request_id}/slots"),
    ("POST", "/cpts/{cpts_id}/snp/requests/{request_id}/bookings"),
    ("POST", "/cpts/{cpts_id}/snp/requests/{request_id}/duty"),
    ("POST", "/cpts/{cpts_id}/snp/bookings/{booking_id}/cancel"),
    ("POST", "/cpts/{cpts_id}/snp/bookings/{booking_id}/outcome"),
    ("GET", "/cpts/{cpts_id}/snp/duty-calls"),
    ("POST", "/cpts/{cpts_id}/snp/duty-calls/{call_id}/accept"),
    ("POST", "/cpts/{cpts_id}/snp/duty-calls/{call_id}/decline"),
    # <<< snp-requests
    # >>> fhir: FHIR for the SAS (issue 6)
    # <<< fhir
    # >>> crisis: Crisis plan and alerts (issue 7)
    ("GET", "/cpts/{cpts_id}/crisis/plan"),
    ("POST", "/cpts/{cpts_id}/crisis/plan/versions"),
    ("GET", "/cpts/{cpts_id}/crisis/plan/versions/{year}"),
    ("GET", "/cpts/{cpts_id}/crisis/plan/versions/{year}/diff"),
    ("PUT", "/cpts/{cpts_id}/crisis/plan/versions/{year}/sections/{section}"),
    ("POST", "/cpts/{cpts_id}/crisis/plan/versions/{year}/professionals"),
    ("DELETE", "/cpts/{cpts_id}/crisis/plan/versions/{year}/professionals/{row_id}"),
    ("POST", "/cpts/{cpts_id}/crisis/plan/versions/{year}/submit"),
    ("POST", "/cpts/{cpts_id}/crisis/plan/versions/{year}/decision"),
    # <<< crisis
    # >>> crisis-response: Crises, alerts, RETEX (issue 7)
    ("GET", "/cpts/{cpts_id}/crises"),
    ("POST", "/cpts/{cpts_id}/crises"),
    ("GET", "/cpts/{cpts_id}/crises/{crisis_id}"),
    ("POST", "/cpts/{cpts_id}/crises/{crisis_id}/log"),
    ("POST", "/cpts/{cpts_id}/crises/{crisis_id}/end"),
    ("POST", "/cpts/{cpts_id}/crises/{crisis_id}/recognition"),
    ("POST", "/cpts/{cpts_id}/crises/{crisis_id}/retex"),
    ("POST", "/cpts/{cpts_id}/crises/{crisis_id}/recipients/{recipient_id}/assignment"),
    ("POST", "/cpts/{cpts_id}/crises/{crisis_id}/escalation"),
    ("GET", "/cpts/{cpts_id}/alert-chain"),
    ("POST", "/cpts/{cpts_id}/alert-chain/levels"),
    ("POST", "/cpts/{cpts_id}/alert-chain/levels/{level_id}/members"),
    ("PUT", "/cpts/{cpts_id}/alert-chain/preferences/{professional_id}"),
    # <<< crisis-response
    # >>> mt: Médecin traitant desk, more (issue 5)
    ("GET", "/cpts/{cpts_id}/mt/patients/{patient_id}/export"),
    ("POST", "/cpts/{cpts_id}/mt/proposals/{proposal_id}/doctor-answer"),
    # <<< mt
}


def declared_operations():
    return api_operations()


def test_every_operation_declares_its_auth_explicitly():
    undeclared = [(method, path) for method, path, op in declared_operations() if op.auth_param is NOT_SET]
    assert undeclared == []


def test_every_operation_is_on_the_public_or_the_private_list():
    public = {(method, path) for method, path, op in declared_operations() if op.auth_param is None}
    private = {(method, path) for method, path, op in declared_operations() if op.auth_param is not None}
    assert public == PUBLIC_OPERATIONS
    assert private == PRIVATE_OPERATIONS


def test_private_operations_accept_exactly_a_token_or_a_strong_session():
    for method, path, operation in declared_operations():
        if (method, path) in PRIVATE_OPERATIONS:
            assert operation.auth_param == PRIVATE, (method, path)


def example_url(path):
    """The path with a commune code for `{code}` and 1 for every other parameter (ids, years)."""
    path = path.replace("{code}", "78646")
    return "/api/v1" + re.sub(r"\{[a-z_]+\}", "1", path)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), sorted(PRIVATE_OPERATIONS))
def test_private_operation_answers_401_to_an_anonymous_caller(api_client, method, path):
    response = api_client.generic(method, example_url(path), "{}", content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authentification requise" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), sorted(PUBLIC_OPERATIONS))
def test_public_operation_needs_no_token(api_client, method, path):
    url = example_url(path) + ("?q=versailles" if path == "/communes" else "")
    body = '{"communes": ["78646"]}'
    response = api_client.generic(method, url, body, content_type="application/json")
    assert response.status_code != 401
