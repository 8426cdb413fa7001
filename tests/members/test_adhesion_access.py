"""Who reaches the adhesion pages: coordinators of the CPTS only, except the public request and one's own card.

A member gets 404 on the coordination's pages and on an adhesion they may not see (a
request), 403 on the page of an active adhesion (they see it in the directory and the API,
but may not decide it); a platform admin without a role in the CPTS gets 404 everywhere."""

import pytest
from django.urls import reverse

from maillon.core.factories import UserFactory
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


def test_a_member_gets_403_on_the_page_of_an_active_adhesion(cpts, member):
    url = reverse("members_membership", args=[cpts.slug, MembershipFactory(cpts=cpts).pk])
    client = verified_client(member)

    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "leave", "leave-left_on": "2024-01-01"}).status_code == 403


@pytest.mark.parametrize("route", COORDINATOR_ROUTES)
def test_a_platform_admin_without_a_role_gets_404_on_coordinator_pages(cpts, route):
    admin = UserFactory(is_superuser=True, is_staff=True, with_totp=True)

    assert verified_client(admin).get(url_of(route, cpts)).status_code == 404


@pytest.mark.parametrize("route", COORDINATOR_ROUTES)
def test_the_coordinator_reaches_coordinator_pages(cpts, coordinator, route):
    assert verified_client(coordinator).get(url_of(route, cpts)).status_code == 200


def test_the_public_request_needs_no_login(client, cpts):
    assert client.get(reverse("members_join", args=[cpts.slug])).status_code == 200


def test_only_get_and_post_are_answered(cpts, coordinator, client):
    assert verified_client(coordinator).put(reverse("members_list", args=[cpts.slug])).status_code == 405
    assert client.put(reverse("members_join", args=[cpts.slug])).status_code == 405


def test_a_platform_admin_without_a_role_sees_no_directory_but_the_figures(cpts):
    """The directory holds personal data; the figures count people without naming them."""
    admin = verified_client(UserFactory(is_superuser=True, is_staff=True, with_totp=True))
    card = MembershipFactory(cpts=cpts).professional_id

    assert admin.get(reverse("members_directory", args=[cpts.slug])).status_code == 404
    assert admin.get(reverse("members_card", args=[cpts.slug, card])).status_code == 404
    assert admin.get(reverse("members_my_card", args=[cpts.slug])).status_code == 404
    assert admin.get(reverse("members_figures", args=[cpts.slug])).status_code == 200
