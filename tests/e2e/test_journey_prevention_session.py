"""Journey: a person finds a prevention workshop on the CPTS's public page, registers without
an account, gets the confirmation with its calendar file, and later cancels through the link of
that message; the seat goes to the first person on the waiting list, and the coordinator sees
it on the session's page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from maillon.prevention import services
from maillon.prevention.factories import PreventionActionFactory, PublicSessionFactory
from maillon.prevention.models import RegistrationStatus

from .pages import login, tick

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_person_registers_then_cancels_and_the_first_waiting_takes_the_seat(new_page, cpts, coordinator):
    action = PreventionActionFactory(cpts=cpts, title="Dépistage du cancer colorectal")
    session = PublicSessionFactory(cpts=cpts, action=action, title="Atelier dépistage colorectal", capacity=1)
    person = new_page()
    person.goto(f"/cpts/{cpts.slug}/")
    person.get_by_role("link", name=re.compile("Atelier dépistage colorectal")).click()
    expect(person.get_by_role("heading", level=1)).to_contain_text("Atelier dépistage colorectal")
    person.get_by_role("textbox", name="Prénom").fill("Jeanne")
    person.get_by_role("textbox", name="Nom", exact=True).fill("Martin")
    person.get_by_role("textbox", name="Courriel").fill("jeanne.martin@example.org")
    tick(person, person.locator("input[name=consent]"))
    person.get_by_role("button", name="M'inscrire").click()
    expect(person.locator("main")).to_contain_text("messagerie")
    assert "Martin" not in person.url and "jeanne" not in person.url

    confirmation = next(message for message in mail.outbox if "confirmée" in message.subject)
    assert [name for name, *_ in confirmation.attachments] == ["seance.ics"]
    # Someone else registers now: the session is full, they wait.
    waiting = services.register(session, first_name="Paul", last_name="Durand", email="paul@example.org")
    assert waiting.status == RegistrationStatus.WAITING

    # The link of the message, on this test's server.
    cancel_path = re.search(r"/prevention/inscription/\S+/annuler/", confirmation.body).group(0)
    person.goto(cancel_path)
    person.get_by_role("button", name="Annuler mon inscription").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Inscription annulée")
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED

    coordination = new_page()
    login(coordination, coordinator)
    coordination.goto(f"/cpts/{cpts.slug}/prevention/seances/{session.pk}/gestion/")
    expect(coordination.locator("main")).to_contain_text("Durand")
