"""FHIR HTTP answers: resources serialised as `application/fhir+json`, errors as OperationOutcome."""

from django.http import HttpResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue

CONTENT_TYPE = "application/fhir+json; charset=utf-8"


def fhir_response(resource, *, status: int = 200) -> HttpResponse:
    # exclude_none: FHIR forbids empty elements, and the SAS asks for none (FAQ, case 10).
    body = resource.model_dump_json(exclude_none=True)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPE)


def outcome(diagnostics: str, *, code: str, status: int, severity: str = "error") -> HttpResponse:
    """An OperationOutcome with one issue; `code` from the FHIR IssueType value set."""
    resource = OperationOutcome(issue=[OperationOutcomeIssue(severity=severity, code=code, diagnostics=diagnostics)])
    return fhir_response(resource, status=status)
