"""Through the API, the coordination mobilises an available member and runs the cascade
check now, as on the board."""

import datetime
import json

import pytest

from maillon.core.models import ApiToken
from maillon.crisis_response import services
from maillon.crisis_response.models import Answer, Crisis, Typology

pytestmark = pytest.mark.django_db


def post(client, url, body, user):
    _, plain = ApiToken.issue(user, "Tests")
    return client.post(
        "/api/v1" + url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {plain}"
    )


@pytest.fixture
def crisis(cpts, coordinator, chain):
    return services.activate(cpts, typology=Typology.SICK, zone="Nord", by=coordinator)


def assignment_url(crisis, recipient):
    return f"/cpts/{crisis.cpts_id}/crises/{crisis.pk}/recipients/{recipient.pk}/assignment"


def test_the_coordinator_mobilises_an_available_member(client, crisis, coordinator):
    recipient = crisis.recipients.first()
    services.acknowledge(recipient, answer=Answer.AVAILABLE)
    response = post(client, assignment_url(crisis, recipient), {"assignment": "Centre de vaccination"}, coordinator)
    assert response.status_code == 200
    recipient.refresh_from_db()
    assert recipient.assignment == "Centre de vaccination"
    assert crisis.log.filter(text="Mobilisé(e) : Centre de vaccination").exists()


def test_a_member_who_has_not_answered_available_is_not_mobilised(client, crisis, coordinator):
    recipient = crisis.recipients.first()
    response = post(client, assignment_url(crisis, recipient), {"assignment": "PMA"}, coordinator)
    assert response.status_code == 409
    assert "seul un membre disponible" in response.json()["detail"]


def test_the_authority_cannot_mobilise(client, crisis, authority):
    recipient = crisis.recipients.first()
    services.acknowledge(recipient, answer=Answer.AVAILABLE)
    assert post(client, assignment_url(crisis, recipient), {"assignment": "PMA"}, authority).status_code == 403


def test_escalating_now_alerts_the_next_level_once_the_delay_passed(client, crisis, coordinator, chain):
    url = f"/cpts/{crisis.cpts_id}/crises/{crisis.pk}/escalation"
    assert post(client, url, {}, coordinator).json() == {"alerted": 0}
    Crisis.objects.filter(pk=crisis.pk).update(level_alerted_at=crisis.level_alerted_at - datetime.timedelta(hours=1))
    assert post(client, url, {}, coordinator).json() == {"alerted": 2}
    assert set(crisis.recipients.filter(level_rank=2).values_list("professional_id", flat=True)) == {
        p.pk for p in chain[2]
    }
