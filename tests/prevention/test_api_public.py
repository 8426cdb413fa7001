"""The public face of the sessions in the API (maillon/api/prevention.py): anyone lists a
CPTS's upcoming public sessions (no personal data, no connection link) and registers without
an account — the same answer whatever happened, throttled per address — and the OpenAPI schema
still builds with the prevention operations in it."""

import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from maillon.core.factories import CptsFactory
from maillon.prevention import services
from maillon.prevention.factories import PreventionActionFactory, PublicSessionFactory
from maillon.prevention.models import Registration, RegistrationStatus

from .api_helpers import call

pytestmark = pytest.mark.django_db

PERSON = {"first_name": "Lucie", "last_name": "Durand", "email": "lucie@example.org", "age_band": "50-74"}


def url(cpts, tail=""):
    return f"/cpts/{cpts.pk}/prevention/public-sessions{tail}"


def test_anyone_lists_the_upcoming_public_sessions_without_personal_data(cpts):
    action = PreventionActionFactory(cpts=cpts)
    webinar = PublicSessionFactory(action=action, place="", online_url="https://visio.example.org/secret", capacity=2)
    services.register(webinar, first_name="Ana", last_name="Privée", email="ana@example.org")
    PublicSessionFactory(action=action, public=False)
    past = timezone.now() - datetime.timedelta(days=2)
    PublicSessionFactory(action=action, starts_at=past, ends_at=past + datetime.timedelta(hours=1))
    PublicSessionFactory(action=action).cancel(by=None)
    response = call("get", url(cpts))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["id"], item["online"], item["seats_left"], item["is_open"]) == (webinar.pk, True, 1, True)
    assert item["theme"]["code"] == "colorectal_screening"
    text = response.content.decode()
    assert "secret" not in text and "Privée" not in text and "ana@example.org" not in text


def test_the_public_list_of_a_missing_or_dissolved_cpts(cpts):
    assert call("get", f"/cpts/{cpts.pk + 1000}/prevention/public-sessions").json() == {"detail": "CPTS introuvable."}
    dissolved = CptsFactory(status="dissolved")
    PublicSessionFactory(action=PreventionActionFactory(cpts=dissolved))
    assert call("get", url(dissolved)).json() == {"items": [], "count": 0}


def test_anyone_registers_and_gets_the_same_answer_whatever_happens(cpts, django_capture_on_commit_callbacks):
    session = PublicSessionFactory(action=PreventionActionFactory(cpts=cpts), capacity=1)
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for person in (PERSON, {**PERSON, "email": "other@example.org"}, PERSON):
            response = call("post", url(cpts, f"/{session.pk}/registrations"), body=person)
            assert response.status_code == 202, response.content
            answers.append(response.json())
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["detail"].endswith("vérifiez votre messagerie.")
    statuses = list(Registration.objects.order_by("pk").values_list("email", "status"))
    assert statuses == [
        ("lucie@example.org", RegistrationStatus.CONFIRMED),
        ("other@example.org", RegistrationStatus.WAITING),
    ]
    assert len(mail.outbox) == 3


def test_registrations_closed_answer_409_and_hidden_sessions_404(cpts, other_cpts):
    action = PreventionActionFactory(cpts=cpts)
    cancelled = PublicSessionFactory(action=action)
    cancelled.cancel(by=None)
    walk_in = PublicSessionFactory(action=action, capacity=None)
    for session in (cancelled, walk_in):
        response = call("post", url(cpts, f"/{session.pk}/registrations"), body=PERSON)
        assert response.status_code == 409
        assert response.json() == {"detail": "Les inscriptions à cette séance sont closes."}
    private = PublicSessionFactory(action=action, public=False)
    theirs = PublicSessionFactory(action=PreventionActionFactory(cpts=other_cpts))
    for session in (private, theirs):
        response = call("post", url(cpts, f"/{session.pk}/registrations"), body=PERSON)
        assert response.status_code == 404
        assert response.json() == {"detail": "Séance introuvable."}
    assert not Registration.objects.exists()


def test_a_bad_address_is_a_422_naming_the_field(cpts):
    session = PublicSessionFactory(action=PreventionActionFactory(cpts=cpts))
    response = call("post", url(cpts, f"/{session.pk}/registrations"), body={**PERSON, "email": "pas-une-adresse"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "email"]
    response = call("post", url(cpts, f"/{session.pk}/registrations"), body={**PERSON, "sex": "x"})
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "sex"]
    assert not Registration.objects.exists()


@override_settings(MAILLON_PUBLIC_FORM_RATE_PER_HOUR=2)
def test_public_registration_is_throttled_per_address(cpts):
    session = PublicSessionFactory(action=PreventionActionFactory(cpts=cpts), capacity=10)
    path = url(cpts, f"/{session.pk}/registrations")
    for n in range(2):
        assert call("post", path, body={**PERSON, "email": f"p{n}@example.org"}).status_code == 202
    response = call("post", path, body={**PERSON, "email": "p3@example.org"})
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Trop d'inscriptions")
    assert Registration.objects.count() == 2


def test_the_openapi_schema_builds_with_the_prevention_operations():
    from django.test import Client

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert "security" not in paths["/api/v1/cpts/{cpts_id}/prevention/public-sessions"]["get"]
    assert paths["/api/v1/cpts/{cpts_id}/prevention/actions"]["get"]["security"]
    components = schema["components"]["schemas"]
    # The prevention shapes are their own components, not merged into a namesake of another app.
    assert {"seats_left", "waiting", "participants"} <= set(components["PreventionSessionOut"]["properties"])
    assert set(components["PreventionPublicSessionOut"]["properties"]).isdisjoint({"online_url", "seats_taken"})
    assert {"value", "hidden"} <= set(components["PreventionValueOut"]["properties"])
