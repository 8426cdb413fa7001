"""Sign-ups to a regional group: the deciders told of a request, the applicant of the answer."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from maillon.core.factories import UserFactory
from maillon.core.services import invitation_token_generator
from maillon.discussions import services
from maillon.discussions.models import ParticipantRole
from maillon.organisations.factories import OrganisationFactory, OrganisationPersonFactory

from .notifying import URLCONF, addresses, link_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages(settings):
    settings.ROOT_URLCONF = URLCONF


@pytest.fixture
def group(db):
    """A group of an URPS: its creator (a manager, first pilot), another pilot, another manager."""
    organisation = OrganisationFactory(name="URPS sages-femmes")
    creator, manager = (OrganisationPersonFactory(organisation=organisation, manager=True).user for _ in range(2))
    space = services.create_regional_group(
        organisation, name="Sages-femmes libérales", questions=[("Vos attentes ?", True)], by=creator
    )
    pilot = UserFactory()
    services.add_participant(space, email=pilot.email, role=ParticipantRole.PILOT, by=creator)
    return {"space": space, "creator": creator, "manager": manager, "pilot": pilot}


def submit(group, capture, email="ines@example.org"):
    question = group["space"].signup_questions.get()
    form = services.SignupForm(
        first_name="Inès",
        last_name="Martin",
        email=email,
        profession="Sage-femme",
        answers={str(question.pk): "Rompre l'isolement de mon cabinet rural"},
    )
    with capture(execute=True):
        return services.submit_signup(group["space"], form)


def test_a_request_is_told_to_the_pilot_team_and_the_managers_without_the_answers(
    group, django_capture_on_commit_callbacks
):
    request = submit(group, django_capture_on_commit_callbacks)

    assert addresses() == sorted(group[name].email for name in ("creator", "manager", "pilot"))
    email = mail.outbox[0]
    assert email.subject == "Sages-femmes libérales — Nouvelle demande d'inscription"
    assert "Inès Martin (Sage-femme) demande à rejoindre le groupe « Sages-femmes libérales »." in email.body
    assert reverse("discussions_signups", args=[request.space_id]) in email.body
    assert "isolement" not in email.body  # the answers stay on the page

    submit(group, django_capture_on_commit_callbacks)  # sent again while it waits: the same request
    assert len(mail.outbox) == 3


def test_an_applicant_without_an_account_gets_the_link_to_choose_a_password(
    group, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://maillon.example/"
    request = submit(group, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        place = services.accept_signup(request, by=group["pilot"])

    [email] = mail.outbox
    assert email.to == ["ines@example.org"]
    assert email.subject == "Maillon : bienvenue dans le groupe « Sages-femmes libérales »"
    link = link_in(email.body, "https://maillon.example/compte/invitation/")
    uidb64, token = link.rstrip("/").split("/")[-2:]
    assert force_str(urlsafe_base64_decode(uidb64)) == str(place.user_id)
    assert invitation_token_generator.check_token(place.user, token)
    assert reverse("discussions_space", args=[place.space_id]) in email.body


def test_an_applicant_with_an_account_is_welcomed_with_the_link_to_the_group(group, django_capture_on_commit_callbacks):
    UserFactory(email="ines@example.org")
    request = submit(group, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_signup(request, by=group["manager"])

    [email] = mail.outbox
    assert email.subject == "Sages-femmes libérales — votre inscription est acceptée"
    assert "/compte/invitation/" not in email.body
    assert reverse("discussions_space", args=[request.space_id]) in email.body


def test_a_refusal_is_written_to_the_address_of_the_request_with_its_note(group, django_capture_on_commit_callbacks):
    request = submit(group, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.refuse_signup(request, by=group["pilot"], note="Le groupe est réservé aux Hauts-de-France.")

    [email] = mail.outbox
    assert email.to == ["ines@example.org"]
    assert email.subject == "Sages-femmes libérales — votre demande d'inscription"
    assert "Nous ne pouvons malheureusement pas y donner suite." in email.body
    assert "Le groupe est réservé aux Hauts-de-France." in email.body
