"""Journey 2: a coordinator logs in with password and TOTP code, reaches the CPTS space, logs out."""

import re

import pytest
from playwright.sync_api import expect

from .pages import DashboardPage, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_logs_in_with_password_and_code_reaches_the_space_and_logs_out(page, cpts, coordinator):
    login(page, coordinator)
    # One role: the login lands on its home, the CPTS space.
    dashboard = DashboardPage(page).expect_heading(f"Espace de la {cpts.name}")
    expect(page.get_by_role("heading", name="À traiter")).to_be_visible()
    expect(page.get_by_role("button", name="Membres", exact=True)).to_be_visible()

    dashboard.log_out().expect_heading("Maillon, la plateforme des CPTS")
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    # The session is gone: the space sends back to the login.
    DashboardPage.open(page, cpts.slug)
    expect(page).to_have_url(re.compile(r"/compte/connexion/"))
