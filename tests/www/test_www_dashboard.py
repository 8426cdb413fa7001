import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse

from maillon.core.factories import UserFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def dashboard(client, cpts):
    return client.get(reverse("cpts_dashboard", args=[cpts.slug]))


def test_a_member_sees_the_summary_but_no_editing_links(cpts, member):
    html = dashboard(verified_client(member), cpts).content.decode()

    assert "Espace de la CPTS Plaine de Versailles" in html
    assert "Membre" in html
    assert floatformat(83_000, "g") in html and "Taille 3" in html
    assert "entrée de Versailles (78646)" in html
    assert reverse("cpts_territory_edit", args=[cpts.slug]) not in html
    assert reverse("cpts_lifecycle", args=[cpts.slug]) not in html


def test_a_coordinator_gets_links_to_the_editor_and_the_steps(cpts, coordinator):
    html = dashboard(verified_client(coordinator), cpts).content.decode()

    assert reverse("cpts_territory_edit", args=[cpts.slug]) in html
    assert reverse("cpts_lifecycle", args=[cpts.slug]) in html


def test_a_user_without_role_in_this_cpts_gets_404(cpts, other_cpts):
    assert dashboard(verified_client(UserFactory(with_totp=True)), cpts).status_code == 404


def test_visitors_are_sent_to_the_login(client, cpts):
    response = dashboard(client, cpts)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
