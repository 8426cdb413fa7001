"""Who is told what while a CPTS is created: the promoters' contact at each step of the letter
(with the private follow-up link), the ARS authorities of the letter's région, the funders'
authorities over the CPTS when its projet is submitted, the coordinators when it is decided."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.core.models import CptsStatus
from maillon.creation import services
from maillon.creation.models import Funder, ReviewDecision
from maillon.territories.factories import CommuneFactory, DepartementFactory, RegionFactory, TerritoryCommuneFactory
from maillon.territories.models import TerritoryRoleKind
from tests.creation.helpers import file_letter, officer, other_region_departement, submitted_project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("message_routes")]

CONTACT = "contact@valtest.fr"


def person(**role):
    user = UserFactory()
    officer(user, **role)
    return user


def to(address):
    return [message for message in mail.outbox if address in message.to]


def addressees():
    return {address for message in mail.outbox for address in message.to}


@pytest.fixture
def officers():
    """Who is who around the Yvelines (Île-de-France) and beyond."""
    yvelines = DepartementFactory()
    return {
        "ars_region": person(region=RegionFactory()),
        "ars_departement": person(departement=yvelines),
        "ars_observer": person(role=TerritoryRoleKind.OBSERVER, region=RegionFactory()),
        "cpam": person(departement=yvelines, organisation="CPAM des Yvelines"),
        "far_ars": person(region=other_region_departement().region, organisation="ARS Nouvelle-Aquitaine"),
    }


@pytest.fixture
def letter(django_capture_on_commit_callbacks, officers):
    with django_capture_on_commit_callbacks(execute=True):
        letter = file_letter([CommuneFactory(population=12_000)], contact_email=CONTACT)
    return letter


def followed_letter(message):
    token = re.search(r"/suivi/([^/\s]+)/", message.body).group(1)
    return services.letter_of_token(token)


def test_the_contact_receives_the_follow_up_link_on_filing(letter):
    (message,) = to(CONTACT)
    assert "CPTS du Val Test" in message.subject
    assert followed_letter(message) == letter


def test_the_ars_authorities_of_the_region_are_told_a_letter_arrived_and_no_one_else(letter, officers):
    told = {officers["ars_region"].email, officers["ars_departement"].email}
    assert addressees() == told | {CONTACT}
    (message,) = to(officers["ars_region"].email)
    assert "12000 habitants" in message.body
    assert f"/lettres-d-intention/{letter.pk}/" in message.body
    # The promoters' names stay on the page.
    assert "Claire Martin" not in message.body


def test_the_question_reaches_the_promoters_and_their_answer_the_ars(
    letter, officers, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_information(letter, by=officers["ars_region"], comments="Précisez les communes de l'est.")
    (message,) = mail.outbox
    assert message.to == [CONTACT]
    assert "Précisez les communes de l'est." in message.body
    assert followed_letter(message) == letter
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_letter(letter, body="Voici les communes.")
    assert addressees() == {officers["ars_region"].email, officers["ars_departement"].email}
    assert all("ont répondu" in message.body for message in mail.outbox)


def test_the_contact_is_told_the_letter_is_accepted(letter, officers, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_letter(letter, by=officers["ars_region"])
    decision = [message for message in to(CONTACT) if "acceptée" in message.subject]
    assert len(decision) == 1
    assert "CPTS du Val Test" in decision[0].body
    # The promoter is invited as a coordinator, by the invitation's own message.
    assert to("claire.martin@exemple.fr")


def test_the_contact_is_told_the_letter_is_refused_with_the_reason(
    letter, officers, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.refuse_letter(letter, by=officers["ars_region"], reason="Le territoire recouvre un autre projet.")
    (message,) = mail.outbox
    assert message.to == [CONTACT]
    assert "Le territoire recouvre un autre projet." in message.body


@pytest.fixture
def cpts():
    cpts = CptsFactory()
    cpts.record_step(status=CptsStatus.LETTER_OF_INTENT, on=timezone.localdate(), by=None)
    TerritoryCommuneFactory(cpts=cpts, commune=CommuneFactory(departement=DepartementFactory()))
    return cpts


def test_a_submitted_project_goes_to_the_funders_authorities_over_the_cpts(
    cpts, officers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = submitted_project(cpts)
    assert addressees() == {officers["ars_region"].email, officers["ars_departement"].email, officers["cpam"].email}
    assert all(f"version {version.number}" in message.subject for message in mail.outbox)
    assert all(f"/cpts/{cpts.slug}/projet-de-sante/" in message.body for message in mail.outbox)


def test_each_decision_goes_to_the_coordinators(cpts, officers, django_capture_on_commit_callbacks):
    coordinator = CptsRoleFactory(cpts=cpts, coordinator=True).user
    CptsRoleFactory(cpts=cpts)  # a member is not told
    version = submitted_project(cpts)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_project(
            version,
            by=officers["cpam"],
            funder=Funder.ASSURANCE_MALADIE,
            decision=ReviewDecision.RETURNED,
            comments="Le budget de la mission 2 manque.",
        )
    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert "Assurance Maladie renvoie" in message.body
    assert "Le budget de la mission 2 manque." in message.body


def test_the_second_validation_says_the_project_is_validated(cpts, officers, django_capture_on_commit_callbacks):
    coordinator = CptsRoleFactory(cpts=cpts, coordinator=True).user
    version = submitted_project(cpts)
    services.review_project(version, by=officers["cpam"], funder=Funder.ASSURANCE_MALADIE, decision="validated")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_project(version, by=officers["ars_region"], funder=Funder.ARS, decision="validated")
    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert "le projet de santé est validé" in message.body
