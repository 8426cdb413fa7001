"""The one-click unsubscribe link of a space's e-mails: a GET asks and changes nothing; a POST
(without CSRF token, as mail clients send it) sets the level to « none »; an altered token
answers 404."""

import pytest
from django.test import Client
from django.urls import reverse

from maillon.discussions.models import Participant
from maillon.discussions.notifications import unsubscribe_token

pytestmark = pytest.mark.django_db


def test_get_asks_and_post_unsubscribes(group, participant):
    place = Participant.objects.get(space=group, user=participant)
    url = reverse("discussions_unsubscribe", args=[unsubscribe_token(place)])
    client = Client(enforce_csrf_checks=True)
    response = client.get(url)
    assert response.status_code == 200 and group.name in response.content.decode()
    place.refresh_from_db()
    assert place.notify == "all"
    assert client.post(url).status_code == 200
    place.refresh_from_db()
    assert place.notify == "none"
    assert "déjà plus" in client.post(url).content.decode()


def test_an_altered_token_is_not_found(group, participant):
    place = Participant.objects.get(space=group, user=participant)
    token = unsubscribe_token(place)
    url = reverse("discussions_unsubscribe", args=[token[:-2] + ("AA" if not token.endswith("AA") else "BB")])
    assert Client().get(url).status_code == 404
    assert Client().post(url).status_code == 404
    place.refresh_from_db()
    assert place.notify == "all"
