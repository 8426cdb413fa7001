"""The cascade: the next level is alerted once a level's delay has passed without every
member available; an exercise gives reach rate and answer times per level."""

import datetime

import pytest
from django.utils import timezone

from maillon.crisis_response import services
from maillon.crisis_response.models import AlertDelivery, Answer, DeliveryStatus, Typology

pytestmark = pytest.mark.django_db


def start(cpts, coordinator, **kwargs):
    return services.activate(cpts, typology=Typology.INJURED, zone="Centre-ville", by=coordinator, **kwargs)


def later(crisis, minutes):
    return crisis.level_alerted_at + datetime.timedelta(minutes=minutes)


def test_the_next_level_is_alerted_when_someone_has_not_answered_in_time(cpts, coordinator, chain):
    crisis = start(cpts, coordinator)
    assert services.escalate_due(crisis, now=later(crisis, 14)) == 0
    assert services.escalate_due(crisis, now=later(crisis, 15)) == 2
    alerted = set(crisis.recipients.filter(level_rank=2).values_list("professional_id", flat=True))
    assert alerted == {p.pk for p in chain[2]}


def test_no_fallback_when_the_whole_level_is_available(cpts, coordinator, chain):
    crisis = start(cpts, coordinator)
    for recipient in crisis.recipients.all():
        services.acknowledge(recipient, answer=Answer.AVAILABLE)
    assert services.escalate_due(crisis, now=later(crisis, 60)) == 0


def test_an_unavailable_answer_calls_the_fallback(cpts, coordinator, chain):
    crisis = start(cpts, coordinator)
    first, second = crisis.recipients.all()
    services.acknowledge(first, answer=Answer.AVAILABLE)
    services.acknowledge(second, answer=Answer.UNAVAILABLE)
    assert services.escalate_due(crisis, now=later(crisis, 15)) == 2


def test_an_ended_crisis_alerts_no_one_more(cpts, coordinator, chain):
    crisis = start(cpts, coordinator)
    crisis.end(by=coordinator)
    assert services.escalate_due(crisis, now=later(crisis, 60)) == 0


def test_without_a_chain_the_active_members_are_alerted(cpts, coordinator):
    from .conftest import make_member

    professionals = {make_member(cpts).pk, make_member(cpts).pk}
    crisis = start(cpts, coordinator)
    assert set(crisis.recipients.values_list("professional_id", flat=True)) == professionals


def test_an_exercise_gives_reach_rate_and_answer_times_per_level(cpts, coordinator, chain):
    crisis = start(cpts, coordinator, is_exercise=True)
    AlertDelivery.objects.filter(recipient__professional=chain[1][0]).update(status=DeliveryStatus.SENT)
    recipient = crisis.recipients.get(professional=chain[1][0])
    recipient.record_answer(answer=Answer.AVAILABLE, at=recipient.alerted_at + datetime.timedelta(minutes=4))
    services.escalate_due(crisis, now=later(crisis, 15))

    first, second = services.level_figures(crisis)
    assert (first.rank, first.alerted, first.reached, first.reach_rate) == (1, 2, 1, 50)
    assert (first.answered, first.available, first.median_answer_minutes) == (1, 1, 4.0)
    assert (second.rank, second.alerted, second.answered, second.median_answer_minutes) == (2, 2, 0, None)
    assert crisis.is_exercise and crisis.recognised_at is None


def test_an_exercise_cannot_be_declared_recognised(cpts, coordinator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        start(cpts, coordinator, is_exercise=True, recognised=True)


def test_a_crisis_cannot_start_in_the_future(cpts, coordinator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="futur"):
        start(cpts, coordinator, started_at=timezone.now() + datetime.timedelta(days=1))
