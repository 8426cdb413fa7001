"""The admin site: reached with the same strong authentication, logged in through our login only."""

import pytest
from django.test import Client
from django.urls import reverse

from maillon.core.factories import UserFactory
from tests.accounts.helpers import give_password
from tests.conftest import verified_client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]
# admin_login is wired as admin.site.login; the test URL conf also serves it at its own address.
ADMIN_LOGIN = "test_admin_login"


def test_a_visitor_is_sent_to_our_login():
    response = Client().get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("login"))


def test_an_administrator_with_a_password_only_does_not_reach_the_admin():
    admin = UserFactory(admin=True, with_totp=True)
    client = Client()
    give_password(client, admin)
    assert client.get(reverse("admin:index"), follow=True).redirect_chain[-1][0] == reverse("login_second_factor")


def test_an_administrator_with_the_second_factor_reaches_the_admin():
    admin = UserFactory(admin=True, with_totp=True)
    assert verified_client(admin).get(reverse("admin:index")).status_code == 200


def test_the_admin_login_sends_to_our_login_then_back():
    admin = UserFactory(admin=True, with_totp=True)
    client = verified_client(admin)
    response = client.get(reverse(ADMIN_LOGIN), {"next": "/admin/core/cpts/"})
    assert response["Location"] == "/admin/core/cpts/"


def test_the_admin_login_refuses_non_administrators_without_another_login_form():
    user = UserFactory(with_totp=True)
    response = verified_client(user).get(reverse(ADMIN_LOGIN))
    assert response.status_code == 403
    assert 'type="password"' not in response.content.decode()


def test_a_form_with_a_web_address_opens_and_takes_it_as_https(cpts):
    """A CPTS's website (a URLField): Django 5.2 warned on every such admin form until the field
    said how to read an address without its scheme (as the site's forms: https)."""
    client = verified_client(UserFactory(admin=True, with_totp=True))
    response = client.get(reverse("admin:core_cpts_change", args=[cpts.pk]))
    assert response.status_code == 200
    assert response.context["adminform"].form.fields["website"].assume_scheme == "https"
