"""Every route is either on the public allow-list or needs a strongly authenticated user."""

import pytest
from django.urls import reverse

from maillon.core.routes import PROTECTED_ROUTES, PUBLIC_ROUTES

from .urlwalk import site_routes

SAMPLE_KWARGS = {
    "cpts_slug": "plaine-de-versailles",
    "code": "78",
    "uidb64": "MQ",
    "token": "abc-123",
    "pk": 1,
    "path": "www/maillon.css",
    "fmt": "csv",
    "year": 1,
    "number": 1,  # a version of a prevention material, of a projet de santé, a creation step
    "mission": 1,  # a mission of a projet de santé (creation_project_section)
    "kind": "premises",  # a step of an installation project (support, issue 21)
    # >>> discussions: the ids of the discussion and organisation pages (issue 17)
    "space_id": 1,
    "topic_id": 1,
    "message_id": 1,
    "attachment_id": 1,
    "participant_id": 1,
    "signup_id": 1,
    "organisation_id": 1,
    "person_id": 1,
    "action": "mute",  # an act on a participant (discussions_participant_action)
    # <<< discussions
}


def test_every_route_is_on_exactly_one_list():
    names = {route.name for route in site_routes()}
    unclassified = names - PUBLIC_ROUTES - PROTECTED_ROUTES
    both = PUBLIC_ROUTES & PROTECTED_ROUTES
    assert not unclassified, f"Routes on neither list (maillon/core/routes.py): {sorted(unclassified)}"
    assert not both, f"Routes on both lists: {sorted(both)}"


def test_the_lists_name_no_route_that_does_not_exist(settings):
    names = {route.name for route in site_routes()}
    optional = {"oidc_authentication_init", "oidc_authentication_callback", "oidc_logout", "static"}
    stale = (PUBLIC_ROUTES | PROTECTED_ROUTES) - names - optional
    assert not stale, f"Listed routes that no longer exist: {sorted(stale)}"


def sample_url(route):
    kwargs = {name: SAMPLE_KWARGS[name] for name in route.converters}
    return reverse(route.qualified_name, kwargs=kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in site_routes() if r.name in PROTECTED_ROUTES], ids=lambda r: r.name)
def test_protected_routes_send_visitors_to_the_login(client, cpts, route):
    response = client.get(sample_url(route))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in site_routes() if r.name in PROTECTED_ROUTES], ids=lambda r: r.name)
def test_a_password_without_second_factor_reaches_no_protected_route(cpts, coordinator, route):
    from django.test import Client

    client = Client()
    client.force_login(coordinator)  # password checked, no TOTP verified
    response = client.get(sample_url(route))
    assert response.status_code == 302
    assert response["Location"] == reverse("login_second_factor")


@pytest.mark.django_db
def test_an_htmx_request_after_the_session_ended_loads_the_login_as_a_whole_page(client):
    """A thread polling for new messages must not show the login form inside the thread."""
    response = client.get(reverse("discussions_index"), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.content == b""
    assert response["HX-Redirect"].startswith(reverse("login"))
