"""Journey 1: a visitor finds the CPTS of their commune from the home page and opens its page."""

import pytest
from playwright.sync_api import expect

from .pages import HomePage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_finds_the_cpts_of_their_commune_and_opens_its_public_page(page, cpts):
    results = HomePage.open(page).search_commune("Versailles")

    expect(results.status).to_have_text("1 commune trouvée pour « Versailles ».")
    cpts_page = results.open_cpts("CPTS Plaine de Versailles")

    cpts_page.expect_heading("CPTS Plaine de Versailles")
    expect(page.get_by_text("83 000 habitants", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name="Adhérer à la CPTS")).to_be_visible()
