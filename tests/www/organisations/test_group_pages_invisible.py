"""A regional group is invisible to whoever does not take part in it: every page of the group
answers 404 to another professional, to a CPTS's coordinator and to the platform admin, as for
a group that does not exist; a removed participant no longer sees it either."""

import pytest
from django.urls import reverse

from maillon.discussions import services
from maillon.discussions.factories import SignupRequestFactory
from maillon.discussions.models import Participant

from .conftest import verified_client

pytestmark = pytest.mark.django_db

PAGES = (
    "discussions_space_edit",
    "discussions_space_people",
    "discussions_space_moderation",
    "discussions_space_visio",
    "discussions_signups",
)


def all_urls(group, participant):
    place = Participant.objects.get(space=group, user=participant)
    signup = SignupRequestFactory(space=group)
    gets = [reverse(name, args=[group.pk]) for name in PAGES]
    posts = [
        *gets,  # 404 before 405 for a page that takes no POST
        *(reverse("discussions_participant_action", args=[place.pk, action]) for action in ("mute", "remove")),
        reverse("discussions_signup_accept", args=[signup.pk]),
        reverse("discussions_signup_refuse", args=[signup.pk]),
    ]
    return gets, posts


def test_every_page_of_the_group_is_not_found_for_outsiders(group, participant, stranger, admin, coordinator):
    gets, posts = all_urls(group, participant)
    for user in (stranger, admin, coordinator):
        client = verified_client(user)
        for url in gets:
            assert client.get(url).status_code == 404, (user, url)
        for url in posts:
            assert client.post(url, {"note": "x", "action": "save"}).status_code == 404, (user, url)


def test_a_removed_participant_no_longer_sees_the_group(group, participant, manager):
    services.remove(Participant.objects.get(space=group, user=participant), by=manager, note="Propos déplacés")
    client = verified_client(participant)
    for name in PAGES:
        assert client.get(reverse(name, args=[group.pk])).status_code == 404


def test_a_participant_sees_the_people_and_the_visio_but_not_the_management(group, participant):
    client = verified_client(participant)
    assert client.get(reverse("discussions_space_people", args=[group.pk])).status_code == 200
    assert client.get(reverse("discussions_space_visio", args=[group.pk])).status_code == 200
    for name in ("discussions_space_edit", "discussions_space_moderation", "discussions_signups"):
        assert client.get(reverse(name, args=[group.pk])).status_code == 403
