"""Journey 3: a health professional asks to join the CPTS from its public page; the
coordinator accepts the request in the members space; the new member is in the directory."""

import pytest
from playwright.sync_api import expect

from .pages import CptsPublicPage, DirectoryPage, MembersListPage, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RPPS = "10100901734"  # a valid RPPS of DOMAIN.md §7


def test_a_professional_asks_to_join_the_coordinator_accepts_and_the_member_is_in_the_directory(
    new_page, cpts, coordinator
):
    visitor = new_page()
    join = CptsPublicPage.open(visitor, cpts.slug).ask_to_join()
    join.expect_heading(f"Adhérer à la {cpts.name}")
    join.fill_professional(
        first_name="Alice",
        last_name="Martin",
        profession="60",
        rpps=RPPS,
        email="alice.martin@example.org",
        address="1 rue de la Paix",
        commune="Versailles",
        commune_label="Versailles (78646)",
    ).send()
    join.expect_heading("Demande d'adhésion envoyée")

    coordination = new_page()
    login(coordination, coordinator)
    requests = MembersListPage.open(coordination, cpts.slug)
    expect(requests.page.get_by_role("link", name="Demandes en attente : 1")).to_have_attribute("aria-current", "page")
    membership = requests.open_membership("Alice Martin")
    membership.accept()
    expect(coordination.get_by_text("Adhésion acceptée au")).to_be_visible()
    expect(coordination.get_by_text("Adhérent", exact=True)).to_be_visible()

    directory = DirectoryPage.open(coordination, cpts.slug)
    expect(directory.professionals.get_by_role("link", name="Alice Martin")).to_be_visible()
