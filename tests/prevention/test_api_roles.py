"""Every private operation of the prevention API refused to each role that may not: the
members and the authority read but do not write (403), the registrants stay with the
coordination and the adherent in charge (404 for the others), another CPTS's coordinator gets
404 as for a missing CPTS, an anonymous caller 401. Nothing is written by a refusal."""

import pytest

from maillon.core.models import JournalEntry
from maillon.prevention.factories import (
    MeasureValueFactory,
    PreventionActionFactory,
    PublicSessionFactory,
    RegistrationFactory,
)
from maillon.prevention.models import Measure, MeasureValue, PreventionAction, PublicSession, Registration

from .api_helpers import call, callers

pytestmark = pytest.mark.django_db

READ, WRITE, REGISTRANTS_READ, REGISTRANTS_WRITE = "read", "write", "registrants read", "registrants write"
EXPECTED = {
    "member": {READ: 200, WRITE: 403, REGISTRANTS_READ: 404, REGISTRANTS_WRITE: 404},
    "authority": {READ: 200, WRITE: 403, REGISTRANTS_READ: 404, REGISTRANTS_WRITE: 404},
    "in_charge": {READ: 200, WRITE: 403, REGISTRANTS_READ: 200},
    "outsider": {READ: 404, WRITE: 404, REGISTRANTS_READ: 404, REGISTRANTS_WRITE: 404},
    "admin": {READ: 404, WRITE: 404, REGISTRANTS_READ: 404, REGISTRANTS_WRITE: 404},
    "anonymous": {READ: 401, WRITE: 401, REGISTRANTS_READ: 401, REGISTRANTS_WRITE: 401},
}


def operations(cpts, action, measure, session, registration):
    base = f"/cpts/{cpts.pk}/prevention"
    new_action = {"title": "X", "theme": "vaccination", "starts_on": "2026-01-02"}
    new_measure = {
        "action": action.pk,
        "kind": "custom",
        "baseline_value": "1",
        "baseline_source": "other",
        "baseline_on": "2025-01-01",
    }
    new_session = {
        "action": action.pk,
        "kind": "stand",
        "title": "X",
        "starts_at": "2030-01-07T10:00:00",
        "ends_at": "2030-01-07T12:00:00",
    }
    value = f"{base}/measures/{measure.pk}/values/2023/territory"
    return [
        (READ, "get", f"{base}/actions", None),
        (READ, "get", f"{base}/actions/{action.pk}", None),
        (WRITE, "post", f"{base}/actions", new_action),
        (WRITE, "patch", f"{base}/actions/{action.pk}", {"title": "X"}),
        (WRITE, "post", f"{base}/actions/{action.pk}/complete", {}),
        (WRITE, "post", f"{base}/actions/{action.pk}/cancel", {}),
        (READ, "get", f"{base}/measures", None),
        (READ, "get", f"{base}/measures/{measure.pk}", None),
        (WRITE, "post", f"{base}/measures", new_measure),
        (WRITE, "patch", f"{base}/measures/{measure.pk}", {"name": "X"}),
        (READ, "get", f"{base}/measures/{measure.pk}/values", None),
        (WRITE, "put", value, {"value": "1", "source": "other"}),
        (WRITE, "delete", value, None),
        (READ, "get", f"{base}/sessions", None),
        (READ, "get", f"{base}/sessions/{session.pk}", None),
        (WRITE, "post", f"{base}/sessions", new_session),
        (WRITE, "patch", f"{base}/sessions/{session.pk}", {"title": "X"}),
        (WRITE, "post", f"{base}/sessions/{session.pk}/cancel", {}),
        (WRITE, "post", f"{base}/sessions/{session.pk}/held", {}),
        (REGISTRANTS_READ, "get", f"{base}/sessions/{session.pk}/registrations", None),
        (REGISTRANTS_WRITE, "post", f"{base}/sessions/{session.pk}/registrations/{registration.pk}/cancel", {}),
    ]


def snapshot():
    return (
        list(PreventionAction.objects.values_list("pk", "title", "status")),
        list(Measure.objects.values_list("pk", "name")),
        list(MeasureValue.objects.values_list("pk", "value")),
        list(PublicSession.objects.values_list("pk", "title", "status", "capacity")),
        list(Registration.objects.values_list("pk", "status")),
    )


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_is_refused_what_it_may_not_do(cpts, role):
    world = callers(cpts)
    action = PreventionActionFactory(cpts=cpts, owner=world.owner)
    measure = MeasureValueFactory(measure__action=action, year=2023, scope="territory").measure
    session = PublicSessionFactory(action=action)
    registration = RegistrationFactory(session=session)
    before = snapshot()
    headers = world.headers(role)
    for kind, method, path, body in operations(cpts, action, measure, session, registration):
        if kind not in EXPECTED[role]:
            continue
        response = call(method, path, headers, body)
        assert response.status_code == EXPECTED[role][kind], f"{role} {method.upper()} {path}: {response.content}"
        if response.status_code == 404 and role in {"outsider", "admin"}:
            assert response.json() == {"detail": "CPTS introuvable."}
    assert snapshot() == before
    reads = JournalEntry.objects.filter(action="read", object_type="prevention.Registration")
    assert reads.exists() == (role == "in_charge")
