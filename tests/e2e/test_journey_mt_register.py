"""Journey 4: a patient without a médecin traitant registers on the public form of the CPTS
of their commune (commune → CPTS → form with consent), sees the acknowledgement, and the
coordinator finds them in the waiting queue."""

import pytest
from playwright.sync_api import expect

from .pages import HomePage, MtFindPage, MtQueuePage, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_patient_registers_from_the_commune_search_and_the_coordinator_sees_them_in_the_queue(
    new_page, cpts, coordinator, mailoutbox
):
    patient = new_page()
    HomePage.open(patient)
    patient.get_by_role("link", name="Trouver un médecin traitant").click()
    find = MtFindPage(patient).expect_heading("Trouver un médecin traitant")
    form = find.search_commune("Versailles").register_with(cpts.name)
    form.expect_heading(f"Trouver un médecin traitant avec la {cpts.name}")
    # The commune chosen on the search page is already ticked.
    expect(patient.get_by_label("Versailles (78646)")).to_be_checked()

    form.fill(
        last_name="Martin",
        first_name="Jeanne",
        birth_date="1948-05-02",
        email="jeanne.martin@example.org",
        criteria=["ald"],
    ).submit()

    form.expect_heading("Demande enregistrée")
    expect(patient.get_by_role("status")).to_contain_text(f"auprès de la {cpts.name} est enregistrée")
    assert "Martin" not in patient.url and "Jeanne" not in patient.url
    assert [message.to for message in mailoutbox] == [["jeanne.martin@example.org"]]

    coordination = new_page()
    login(coordination, coordinator)
    queue = MtQueuePage.open(coordination, cpts.slug).queue
    row = queue.get_by_role("row").filter(has_text="Martin Jeanne")
    expect(row).to_contain_text("Versailles")
    expect(row).to_contain_text("Affection de longue durée (ALD) (+30)")
    expect(row).to_contain_text("Inscription par le patient")
