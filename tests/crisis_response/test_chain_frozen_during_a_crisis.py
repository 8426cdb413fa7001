"""No level of the chain is removed while a crisis or an exercise is active: the cascade
knows its levels by rank, and removing one renumbers the next."""

import pytest
from django.urls import reverse

from maillon.crisis_response.factories import AlertLevelFactory, CrisisFactory
from maillon.crisis_response.models import AlertLevel

pytestmark = pytest.mark.django_db


def remove(client, level):
    url = reverse("crisis_response_chain", args=[level.cpts.slug])
    return client.post(url, {"action": "remove_level", "pk": level.pk}, follow=True)


@pytest.mark.parametrize("exercise", [False, True])
def test_a_level_cannot_be_removed_during_an_active_crisis_or_exercise(cpts, coordinator_client, exercise):
    first, second = AlertLevelFactory(cpts=cpts, rank=1), AlertLevelFactory(cpts=cpts, rank=2)
    CrisisFactory(cpts=cpts, is_exercise=exercise)
    response = remove(coordinator_client, first)
    assert "impossible de supprimer un niveau pendant une crise ou un exercice en cours" in response.content.decode()
    assert list(AlertLevel.objects.for_cpts(cpts).values_list("pk", "rank")) == [(first.pk, 1), (second.pk, 2)]


def test_a_level_can_be_removed_once_the_crisis_ended(cpts, coordinator_client):
    first, second = AlertLevelFactory(cpts=cpts, rank=1), AlertLevelFactory(cpts=cpts, rank=2)
    CrisisFactory(cpts=cpts, ended=True)
    remove(coordinator_client, first)
    assert list(AlertLevel.objects.for_cpts(cpts).values_list("pk", "rank")) == [(second.pk, 1)]
