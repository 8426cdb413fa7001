"""A search that cannot run gets a 4xx with an OperationOutcome whose French message names the parameter."""

import pytest
from fhir.resources.R4B.operationoutcome import OperationOutcome

from .conftest import search

pytestmark = pytest.mark.django_db

ACTOR = "schedule.actor:Practitioner.identifier"
RPPS = "10000000009"


def issue(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    outcome = OperationOutcome.model_validate(response.json())
    (only,) = outcome.issue
    assert only.severity == "error"
    return only


def diagnostics(response, status):
    return issue(response, status).diagnostics


def test_a_search_without_practitioner_identifiers_is_refused(sas):
    refused = issue(search(sas), 400)
    assert refused.code == "required" and ACTOR in refused.diagnostics


def test_more_than_25_practitioners_are_refused(sas):
    rpps = [f"1{n:010d}" for n in range(26)]
    message = diagnostics(search(sas, *rpps), 400)
    assert ACTOR in message and "25" in message


def test_25_practitioners_are_accepted(sas):
    assert search(sas, *[f"1{n:010d}" for n in range(25)]).status_code == 200


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"ge": None}, "start"),
        ({"le": None}, "start"),
        ({"ge": "2030-06-14", "le": "2030-06-12"}, "start"),
        ({"ge": "2030-06-01", "le": "2030-08-01"}, "start"),
        ({"ge": "12/06/2030"}, "start"),
        ({"ge": "2030-06-12T25:00:00+02:00"}, "start"),
        ({"status": None}, "status"),
        ({"status": "busy"}, "status"),
    ],
)
def test_bad_start_or_status_is_refused_naming_the_parameter(sas, kwargs, named):
    message = diagnostics(search(sas, RPPS, **kwargs), 400)
    assert message.startswith(f"Paramètre {named} ")


def test_another_start_prefix_is_refused(sas):
    response = sas.get(f"/fhir/Slot?start=gt2030-06-12&start=le2030-06-13&status=free&{ACTOR}={RPPS}")
    message = diagnostics(response, 400)
    assert "start" in message and "ge" in message


@pytest.mark.parametrize("value", ["urn:oid:1.2.250.1.71.4.2.2|1780000014", "9876", "abc"])
def test_an_identifier_that_is_not_a_practitioners_is_refused(sas, value):
    response = sas.get(f"/fhir/Slot?start=ge2030-06-12&start=le2030-06-13&status=free&{ACTOR}={value}")
    message = diagnostics(response, 400)
    assert ACTOR in message


def test_xml_is_not_served(sas):
    message = diagnostics(search(sas, RPPS, extra=[("_format", "xml")]), 406)
    assert "_format" in message
    message = diagnostics(sas.get("/fhir/Slot", HTTP_ACCEPT="application/fhir+xml"), 406)
    assert "Accept" in message


@pytest.mark.parametrize("accept", ["application/fhir+json", "application/json+fhir", "application/json", "*/*"])
def test_json_media_types_are_accepted(sas, accept):
    url = f"/fhir/Slot?start=ge2030-06-12&start=le2030-06-13&status=free&{ACTOR}={RPPS}"
    response = sas.get(url, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_are_not_allowed(sas, method):
    response = getattr(sas, method)("/fhir/Slot")
    diagnostics(response, 405)
    assert response["Allow"] == "GET"
