"""Who reaches the adhesion pages: coordinators of the CPTS only, except the public request and one's own card."""

import pytest
from django.urls import reverse

from maillon.members.factories import MembershipFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

COORDINATOR_ROUTES = ["members_list", "members_membership", "members_colleges", "members_fees"]


def url_of(route, cpts):
    if route == "members_membership":
        return reverse(route, args=[cpts.slug, MembershipFactory(cpts=cpts, requested=True).pk])
    return reverse(route, args=[cpts.slug])


@pytest.mark.parametrize("route", COORDINATOR_ROUTES)
def test_a_member_gets_404_on_coordinator_pages(cpts, member, route):
    client = verified_client(member)
    url = url_of(route, cpts)

    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "accept", "accept-joined_on": "2024-01-01"}).status_code == 404


@pytest.mark.parametrize("route", COORDINATOR_ROUTES)
def test_the_coordinator_reaches_coordinator_pages(cpts, coordinator, route):
    assert verified_client(coordinator).get(url_of(route, cpts)).status_code == 200


def test_the_public_request_needs_no_login(client, cpts):
    assert client.get(reverse("members_join", args=[cpts.slug])).status_code == 200


def test_only_get_and_post_are_answered(cpts, coordinator, client):
    assert verified_client(coordinator).put(reverse("members_list", args=[cpts.slug])).status_code == 405
    assert client.put(reverse("members_join", args=[cpts.slug])).status_code == 405
