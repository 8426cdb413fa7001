"""The crisis API: the same rules as the pages, and the acknowledgement through a link token."""

import json

import pytest
from django.utils import timezone

from maillon.core.models import ApiToken, JournalEntry
from maillon.crisis_response import tokens
from maillon.crisis_response.factories import CrisisFactory, CrisisRecipientFactory
from maillon.crisis_response.models import Answer, Crisis, CrisisRecipient

pytestmark = pytest.mark.django_db


def headers(user):
    _, plain = ApiToken.issue(user, "Tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def post(client, url, body, user=None):
    extra = headers(user) if user else {}
    return client.post("/api/v1" + url, json.dumps(body), content_type="application/json", **extra)


def test_the_coordinator_activates_and_reads_the_board(client, cpts, coordinator, chain):
    response = post(client, f"/cpts/{cpts.pk}/crises", {"typology": "sick", "zone": "Nord"}, coordinator)
    assert response.status_code == 201
    board = response.json()
    assert board["crisis"]["declared_as"]["code"] == "coordinator"
    assert {row["professional_id"] for row in board["recipients"]} == {p.pk for p in chain[1]}
    assert board["levels"][0]["alerted"] == 2
    # every member shown is journaled
    shown = JournalEntry.objects.filter(object_type="crisis_response.CrisisRecipient", action="read")
    assert shown.count() == 2


def test_only_the_authority_recognises_through_the_api(client, cpts, coordinator, authority):
    crisis = CrisisFactory(cpts=cpts)
    url = f"/cpts/{cpts.pk}/crises/{crisis.pk}/recognition"
    assert post(client, url, {}, coordinator).status_code == 403
    assert post(client, url, {}, authority).status_code == 200
    assert post(client, url, {}, authority).status_code == 409  # already
    crisis.refresh_from_db()
    assert crisis.recognised_by == authority


def test_a_coordinator_cannot_declare_recognised_nor_an_authority_run_an_exercise(client, cpts, coordinator, authority):
    body = {"typology": "sick", "zone": "Nord"}
    assert post(client, f"/cpts/{cpts.pk}/crises", {**body, "recognised": True}, coordinator).status_code == 403
    assert post(client, f"/cpts/{cpts.pk}/crises", {**body, "is_exercise": True}, authority).status_code == 403
    assert not Crisis.objects.exists()


def test_log_end_and_retex(client, cpts, coordinator, monkeypatch):
    monkeypatch.setattr("maillon.crisis.services.carry_improvements", lambda cpts, *, items, source, by: [])
    crisis = CrisisFactory(cpts=cpts)
    base = f"/cpts/{cpts.pk}/crises/{crisis.pk}"
    assert post(client, base + "/log", {"kind": "decision", "text": "Cellule ouverte"}, coordinator).status_code == 201
    assert post(client, base + "/retex", {"improvement_actions": ["A"]}, coordinator).status_code == 409
    assert post(client, base + "/end", {}, coordinator).status_code == 200
    assert post(client, base + "/log", {"kind": "action", "text": "Trop tard"}, coordinator).status_code == 409
    response = post(client, base + "/retex", {"improvement_actions": ["Former", " "]}, coordinator)
    assert response.status_code == 201
    assert response.json()["improvement_actions"] == ["Former"]


def test_the_acknowledgement_through_the_api_is_single_use(client):
    recipient = CrisisRecipientFactory()
    url = f"/crises/acknowledgements/{tokens.token_for(recipient)}"
    assert client.get("/api/v1" + url).json()["zone"] == recipient.crisis.zone
    assert post(client, url, {"answer": "available", "skills": "Plaies"}).status_code == 201
    again = post(client, url, {"answer": "unavailable"})
    assert again.status_code == 404
    assert "déjà répondu" in again.json()["detail"]
    assert CrisisRecipient.objects.get().answer == Answer.AVAILABLE


def test_a_forged_token_gets_404_and_records_nothing(client):
    CrisisRecipientFactory()
    response = post(client, "/crises/acknowledgements/abc:def", {"answer": "available"})
    assert response.status_code == 404
    assert CrisisRecipient.objects.get().answered_at is None
    assert CrisisRecipient.objects.filter(answered_at__lte=timezone.now()).count() == 0
