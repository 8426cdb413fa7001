"""Every API operation is private (a token or a strong session, the API's default) unless it
says `auth=None`; both lists are written down here, so that a new operation is a choice."""

import re

import pytest

from maillon.api.auth import PRIVATE
from maillon.api.urls import api

# How the schema names the two ways in of a private operation (auth.PRIVATE).
PRIVATE_SECURITY = [{"TokenAuth": []}, {"SessionAuth": []}]

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
    # >>> prevention-api: Prevention (issue 16)
    ("GET", "/cpts/{cpts_id}/prevention/public-sessions"),
    ("POST", "/cpts/{cpts_id}/prevention/public-sessions/{session_id}/registrations"),
    # <<< prevention-api
    # >>> discussions-api: Discussion spaces and organisations (issue 17)
    ("GET", "/discussions/groups"),
    ("POST", "/discussions/groups/{space_id}/signups"),
    # <<< discussions-api
    # >>> creation-api: Creating a CPTS (issue 18)
    ("POST", "/creation/letters"),
    ("POST", "/creation/letters/answer"),
    # <<< creation-api
    # >>> support-api: mission 6 in the API (issue 21)
    ("GET", "/ads"),
    ("GET", "/cpts/{cpts_id}/internships"),
    # <<< support-api
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
    # >>> pathways: Care pathways (issue 15)
    ("GET", "/pathway-templates"),
    ("GET", "/shared-programmes"),
    ("GET", "/cpts/{cpts_id}/programmes"),
    ("POST", "/cpts/{cpts_id}/programmes"),
    ("GET", "/cpts/{cpts_id}/programmes/{programme_id}"),
    ("GET", "/cpts/{cpts_id}/pathway-inclusions"),
    ("POST", "/cpts/{cpts_id}/pathway-inclusions"),
    ("GET", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}"),
    ("POST", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/close"),
    ("POST", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/move"),
    ("GET", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/care-team"),
    ("POST", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/care-team"),
    ("POST", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/care-team/{member_id}/end"),
    ("GET", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/fhir"),
    ("GET", "/cpts/{cpts_id}/care-tasks"),
    ("POST", "/cpts/{cpts_id}/care-tasks/{task_id}/complete"),
    ("GET", "/cpts/{cpts_id}/care-breaks"),
    ("POST", "/cpts/{cpts_id}/care-breaks/{break_id}/resolve"),
    ("GET", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/plans"),
    ("POST", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/plans"),
    ("GET", "/cpts/{cpts_id}/plans/{plan_id}/pdf"),
    ("GET", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/hospital-stays"),
    ("POST", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/hospital-stays"),
    ("POST", "/cpts/{cpts_id}/hospital-stays/{stay_id}/discharge"),
    ("GET", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/timeline"),
    # <<< pathways
    # >>> prevention-api: Prevention (issue 16)
    ("GET", "/cpts/{cpts_id}/prevention/actions"),
    ("POST", "/cpts/{cpts_id}/prevention/actions"),
    ("GET", "/cpts/{cpts_id}/prevention/actions/{action_id}"),
    ("PATCH", "/cpts/{cpts_id}/prevention/actions/{action_id}"),
    ("POST", "/cpts/{cpts_id}/prevention/actions/{action_id}/complete"),
    ("POST", "/cpts/{cpts_id}/prevention/actions/{action_id}/cancel"),
    ("GET", "/cpts/{cpts_id}/prevention/measures"),
    ("POST", "/cpts/{cpts_id}/prevention/measures"),
    ("GET", "/cpts/{cpts_id}/prevention/measures/{measure_id}"),
    ("PATCH", "/cpts/{cpts_id}/prevention/measures/{measure_id}"),
    ("GET", "/cpts/{cpts_id}/prevention/measures/{measure_id}/values"),
    ("PUT", "/cpts/{cpts_id}/prevention/measures/{measure_id}/values/{year}/{scope}"),
    ("DELETE", "/cpts/{cpts_id}/prevention/measures/{measure_id}/values/{year}/{scope}"),
    ("GET", "/cpts/{cpts_id}/prevention/sessions"),
    ("POST", "/cpts/{cpts_id}/prevention/sessions"),
    ("GET", "/cpts/{cpts_id}/prevention/sessions/{session_id}"),
    ("PATCH", "/cpts/{cpts_id}/prevention/sessions/{session_id}"),
    ("POST", "/cpts/{cpts_id}/prevention/sessions/{session_id}/cancel"),
    ("POST", "/cpts/{cpts_id}/prevention/sessions/{session_id}/held"),
    ("GET", "/cpts/{cpts_id}/prevention/sessions/{session_id}/registrations"),
    ("POST", "/cpts/{cpts_id}/prevention/sessions/{session_id}/registrations/{registration_id}/cancel"),
    # <<< prevention-api
    # >>> prevention-import: a measure's values imported from a source's file (issue 16)
    ("POST", "/cpts/{cpts_id}/prevention/measures/{measure_id}/import"),
    # <<< prevention-import
    # >>> discussions-api: Discussion spaces and organisations (issue 17)
    ("GET", "/organisations"),
    ("GET", "/organisations/{organisation_id}"),
    ("GET", "/discussions/spaces"),
    ("GET", "/discussions/spaces/{space_id}"),
    ("GET", "/cpts/{cpts_id}/discussions/spaces"),
    ("POST", "/cpts/{cpts_id}/discussions/spaces"),
    ("GET", "/discussions/spaces/{space_id}/topics"),
    ("POST", "/discussions/spaces/{space_id}/topics"),
    ("GET", "/discussions/topics/{topic_id}/messages"),
    ("POST", "/discussions/topics/{topic_id}/messages"),
    ("PATCH", "/discussions/messages/{message_id}"),
    ("DELETE", "/discussions/messages/{message_id}"),
    ("POST", "/discussions/messages/{message_id}/hide"),
    ("POST", "/discussions/messages/{message_id}/unhide"),
    ("POST", "/discussions/topics/{topic_id}/pin"),
    ("POST", "/discussions/topics/{topic_id}/unpin"),
    ("PUT", "/discussions/spaces/{space_id}/notify"),
    ("GET", "/discussions/search"),
    ("GET", "/discussions/spaces/{space_id}/participants"),
    ("POST", "/discussions/participants/{participant_id}/mute"),
    ("POST", "/discussions/participants/{participant_id}/unmute"),
    ("POST", "/discussions/participants/{participant_id}/remove"),
    ("POST", "/discussions/participants/{participant_id}/reinstate"),
    ("GET", "/discussions/spaces/{space_id}/signups"),
    ("POST", "/discussions/signups/{signup_id}/accept"),
    ("POST", "/discussions/signups/{signup_id}/refuse"),
    # <<< discussions-api
    # >>> creation-api: Creating a CPTS (issue 18)
    ("GET", "/creation/letters"),
    ("GET", "/creation/letters/{letter_id}"),
    ("POST", "/creation/letters/{letter_id}/request-information"),
    ("POST", "/creation/letters/{letter_id}/accept"),
    ("POST", "/creation/letters/{letter_id}/refuse"),
    ("GET", "/cpts/{cpts_id}/creation/steps"),
    ("PUT", "/cpts/{cpts_id}/creation/steps/{number}"),
    ("GET", "/cpts/{cpts_id}/creation/grant"),
    ("PUT", "/cpts/{cpts_id}/creation/grant"),
    ("POST", "/cpts/{cpts_id}/creation/grant/payments/{payment_id}/paid"),
    ("GET", "/cpts/{cpts_id}/creation/grant/spendings"),
    ("POST", "/cpts/{cpts_id}/creation/grant/spendings"),
    ("DELETE", "/cpts/{cpts_id}/creation/grant/spendings/{spending_id}"),
    ("GET", "/cpts/{cpts_id}/health-project/versions"),
    ("POST", "/cpts/{cpts_id}/health-project/versions"),
    ("POST", "/cpts/{cpts_id}/health-project/sheets/{sheet_id}/start"),
    ("GET", "/cpts/{cpts_id}/health-project/versions/{number}"),
    ("PUT", "/cpts/{cpts_id}/health-project/versions/{number}/diagnosis"),
    ("PUT", "/cpts/{cpts_id}/health-project/versions/{number}/missions/{mission}"),
    ("POST", "/cpts/{cpts_id}/health-project/versions/{number}/missions/{mission}/sheets"),
    ("PUT", "/cpts/{cpts_id}/health-project/sheets/{sheet_id}"),
    ("DELETE", "/cpts/{cpts_id}/health-project/sheets/{sheet_id}"),
    ("POST", "/cpts/{cpts_id}/health-project/versions/{number}/submit"),
    ("POST", "/cpts/{cpts_id}/health-project/versions/{number}/reviews"),
    ("POST", "/cpts/{cpts_id}/health-project/negotiation"),
    # <<< creation-api
    # >>> quality-api: Quality and relevance of care (issue 20)
    ("GET", "/cpts/{cpts_id}/quality/conferences"),
    ("POST", "/cpts/{cpts_id}/quality/conferences"),
    ("GET", "/cpts/{cpts_id}/quality/conferences/{conference_id}"),
    ("POST", "/cpts/{cpts_id}/quality/conferences/{conference_id}/schedule"),
    ("POST", "/cpts/{cpts_id}/quality/conferences/{conference_id}/record"),
    ("POST", "/cpts/{cpts_id}/quality/conferences/{conference_id}/cancel"),
    ("POST", "/cpts/{cpts_id}/quality/decisions/{decision_id}/complete"),
    ("POST", "/cpts/{cpts_id}/quality/decisions/{decision_id}/drop"),
    ("GET", "/cpts/{cpts_id}/quality/incident-reviews"),
    ("POST", "/cpts/{cpts_id}/quality/incident-reviews"),
    ("GET", "/cpts/{cpts_id}/quality/incident-reviews/{review_id}"),
    ("POST", "/cpts/{cpts_id}/quality/incident-reviews/{review_id}/referent"),
    ("PUT", "/cpts/{cpts_id}/quality/incident-reviews/{review_id}/analysis"),
    ("POST", "/cpts/{cpts_id}/quality/incident-reviews/{review_id}/actions"),
    ("POST", "/cpts/{cpts_id}/quality/incident-reviews/{review_id}/decide"),
    ("POST", "/cpts/{cpts_id}/quality/incident-reviews/{review_id}/close"),
    ("POST", "/cpts/{cpts_id}/quality/incident-reviews/{review_id}/dismiss"),
    ("POST", "/cpts/{cpts_id}/quality/incident-reviews/{review_id}/share"),
    ("POST", "/cpts/{cpts_id}/quality/improvement-actions/{action_id}/complete"),
    ("POST", "/cpts/{cpts_id}/quality/improvement-actions/{action_id}/drop"),
    ("GET", "/cpts/{cpts_id}/quality/groups"),
    ("POST", "/cpts/{cpts_id}/quality/groups"),
    ("GET", "/cpts/{cpts_id}/quality/groups/{group_id}"),
    ("PATCH", "/cpts/{cpts_id}/quality/groups/{group_id}"),
    ("GET", "/cpts/{cpts_id}/quality/groups/{group_id}/sessions"),
    ("POST", "/cpts/{cpts_id}/quality/groups/{group_id}/sessions"),
    ("GET", "/cpts/{cpts_id}/quality/inclusions/{inclusion_id}/evaluation"),
    # <<< quality-api
    # >>> support-api: mission 6 in the API (issue 21)
    ("GET", "/cpts/{cpts_id}/support/supervisors"),
    ("POST", "/cpts/{cpts_id}/support/supervisors"),
    ("GET", "/cpts/{cpts_id}/support/supervisors/{supervisor_id}"),
    ("PATCH", "/cpts/{cpts_id}/support/supervisors/{supervisor_id}"),
    ("GET", "/cpts/{cpts_id}/support/placements"),
    ("POST", "/cpts/{cpts_id}/support/placements"),
    ("GET", "/cpts/{cpts_id}/support/placements/{placement_id}"),
    ("POST", "/cpts/{cpts_id}/support/placements/{placement_id}/fill"),
    ("POST", "/cpts/{cpts_id}/support/placements/{placement_id}/cancel"),
    ("GET", "/cpts/{cpts_id}/support/applications"),
    ("GET", "/cpts/{cpts_id}/support/applications/{application_id}"),
    ("POST", "/cpts/{cpts_id}/support/applications/{application_id}/accept"),
    ("POST", "/cpts/{cpts_id}/support/applications/{application_id}/decline"),
    ("GET", "/cpts/{cpts_id}/support/housing"),
    ("POST", "/cpts/{cpts_id}/support/housing"),
    ("GET", "/cpts/{cpts_id}/support/housing/{housing_id}"),
    ("PATCH", "/cpts/{cpts_id}/support/housing/{housing_id}"),
    ("GET", "/cpts/{cpts_id}/support/housing/{housing_id}/availability"),
    ("GET", "/cpts/{cpts_id}/support/housing/{housing_id}/bookings"),
    ("POST", "/cpts/{cpts_id}/support/housing/{housing_id}/bookings"),
    ("POST", "/cpts/{cpts_id}/support/housing-bookings/{booking_id}/cancel"),
    ("GET", "/cpts/{cpts_id}/support/installations"),
    ("POST", "/cpts/{cpts_id}/support/installations"),
    ("GET", "/cpts/{cpts_id}/support/installations/{installation_id}"),
    ("PATCH", "/cpts/{cpts_id}/support/installations/{installation_id}"),
    ("PUT", "/cpts/{cpts_id}/support/installations/{installation_id}/steps/{kind}"),
    ("POST", "/cpts/{cpts_id}/support/installations/{installation_id}/settle"),
    ("POST", "/cpts/{cpts_id}/support/installations/{installation_id}/abandon"),
    ("GET", "/cpts/{cpts_id}/support/ads"),
    ("POST", "/cpts/{cpts_id}/support/ads"),
    ("GET", "/cpts/{cpts_id}/support/ads/{ad_id}"),
    ("PATCH", "/cpts/{cpts_id}/support/ads/{ad_id}"),
    ("POST", "/cpts/{cpts_id}/support/ads/{ad_id}/publish"),
    ("POST", "/cpts/{cpts_id}/support/ads/{ad_id}/refuse"),
    ("POST", "/cpts/{cpts_id}/support/ads/{ad_id}/fill"),
    ("POST", "/cpts/{cpts_id}/support/ads/{ad_id}/withdraw"),
    ("GET", "/cpts/{cpts_id}/support/tutoring"),
    ("POST", "/cpts/{cpts_id}/support/tutoring"),
    ("GET", "/cpts/{cpts_id}/support/tutoring/{tutoring_id}"),
    ("POST", "/cpts/{cpts_id}/support/tutoring/{tutoring_id}/end"),
    ("GET", "/cpts/{cpts_id}/support/cross-trainings"),
    ("POST", "/cpts/{cpts_id}/support/cross-trainings"),
    ("GET", "/cpts/{cpts_id}/support/cross-trainings/{training_id}"),
    ("GET", "/cpts/{cpts_id}/support/equipment"),
    ("POST", "/cpts/{cpts_id}/support/equipment"),
    ("GET", "/cpts/{cpts_id}/support/equipment/{equipment_id}"),
    ("PATCH", "/cpts/{cpts_id}/support/equipment/{equipment_id}"),
    ("GET", "/cpts/{cpts_id}/support/equipment/{equipment_id}/bookings"),
    ("POST", "/cpts/{cpts_id}/support/equipment/{equipment_id}/bookings"),
    ("POST", "/cpts/{cpts_id}/support/equipment-bookings/{booking_id}/cancel"),
    ("GET", "/cpts/{cpts_id}/support/site"),
    ("PUT", "/cpts/{cpts_id}/support/site"),
    # <<< support-api
}


def operations_security():
    """{(method, path): the security the schema gives the operation (None for a public one)}."""
    paths = api.get_openapi_schema(path_prefix="")["paths"]
    return {
        (method.upper(), path): operation.get("security")
        for path, operations in paths.items()
        for method, operation in operations.items()
    }


def test_operations_are_private_unless_they_say_auth_none():
    assert api.auth == PRIVATE
    security = operations_security()
    assert {key for key, value in security.items() if value is None} == PUBLIC_OPERATIONS
    assert {key for key, value in security.items() if value is not None} == PRIVATE_OPERATIONS


def test_private_operations_accept_exactly_a_token_or_a_strong_session():
    security = operations_security()
    assert {key: security[key] for key in PRIVATE_OPERATIONS} == dict.fromkeys(PRIVATE_OPERATIONS, PRIVATE_SECURITY)


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
