"""The coordinator's message pages: list, write with a preview, the sent message; coordinators only."""

import html

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.members.factories import (
    CollegeFactory,
    MailingFactory,
    MailingRecipientFactory,
    MembershipFactory,
)
from maillon.members.models import Mailing
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


ROUTES = ["members_mailings", "members_mailing_new", "members_mailing"]


def url_of(route, cpts):
    if route == "members_mailing":
        return reverse(route, args=[cpts.slug, MailingRecipientFactory(mailing__cpts=cpts).mailing.pk])
    return reverse(route, args=[cpts.slug])


def new_url(cpts):
    return reverse("members_mailing_new", args=[cpts.slug])


def form_data(action, **extra):
    return {"action": action, "subject": "Soirée de la CPTS", "body": "Bonjour à tous.", **extra}


@pytest.mark.parametrize("route", ROUTES)
def test_a_member_gets_404(cpts, member, route):
    client = verified_client(member)
    url = url_of(route, cpts)

    assert client.get(url).status_code == 404
    assert client.post(url, form_data("send", previewed="0")).status_code == 404


@pytest.mark.parametrize("route", ROUTES)
def test_the_coordinator_reaches_the_pages(cpts, coordinator, route):
    assert verified_client(coordinator).get(url_of(route, cpts)).status_code == 200


def test_a_message_of_another_cpts_is_404(cpts, other_cpts, coordinator):
    foreign = MailingFactory(cpts=other_cpts)

    response = verified_client(coordinator).get(reverse("members_mailing", args=[cpts.slug, foreign.pk]))

    assert response.status_code == 404


def test_the_preview_counts_recipients_without_showing_addresses(cpts, coordinator):
    college = CollegeFactory(cpts=cpts)
    chosen = MembershipFactory(cpts=cpts, college=college)
    other = MembershipFactory(cpts=cpts)

    response = verified_client(coordinator).post(new_url(cpts), form_data("preview", colleges=[college.pk]))

    content = text(response)
    assert response.status_code == 200
    assert "<strong>1</strong> destinataire" in content
    assert "Envoyer à 1 destinataire" in content
    assert chosen.professional.email not in content
    assert chosen.professional.last_name not in content
    assert other.professional.last_name not in content
    assert not mail.outbox


def test_seeing_the_recipients_is_journaled_as_a_read(cpts, coordinator):
    chosen = MembershipFactory(cpts=cpts)

    response = verified_client(coordinator).post(new_url(cpts), form_data("recipients"))

    assert chosen.professional.last_name in text(response)
    entry = JournalEntry.objects.get(action="read", object_id="mailing-preview")
    assert (entry.cpts_id, entry.actor_id) == (cpts.pk, coordinator.pk)
    assert "@" not in entry.note


def test_sending_after_the_preview_sends_and_shows_the_message(cpts, coordinator):
    membership = MembershipFactory(cpts=cpts)
    client = verified_client(coordinator)

    with TestCase.captureOnCommitCallbacks(execute=True):  # the sending is queued on commit
        response = client.post(new_url(cpts), form_data("send", previewed="1"), follow=True)

    mailing = Mailing.objects.get()
    assert response.redirect_chain[-1][0] == reverse("members_mailing", args=[cpts.slug, mailing.pk])
    assert [message.to for message in mail.outbox] == [[membership.professional.email]]
    content = text(response)
    assert "Message en cours d'envoi à 1 destinataire(s)." in content
    assert "Envoyé" in content
    listing = text(client.get(reverse("members_mailings", args=[cpts.slug])))
    assert "Soirée de la CPTS" in listing


def test_sending_without_a_matching_preview_sends_nothing(cpts, coordinator):
    MembershipFactory(cpts=cpts)
    MembershipFactory(cpts=cpts)

    response = verified_client(coordinator).post(new_url(cpts), form_data("send", previewed="1"))

    assert "La sélection a changé depuis l'aperçu" in text(response)
    assert "Envoyer à 2 destinataires" in text(response)
    assert not mail.outbox
    assert not Mailing.objects.exists()


def test_a_missing_subject_is_named_in_the_error(cpts, coordinator):
    response = verified_client(coordinator).post(new_url(cpts), form_data("preview", subject=""))

    assert "Objet : ce champ est obligatoire." in text(response)


def test_the_sent_message_page_is_journaled_as_a_read_without_addresses(cpts, coordinator):
    recipient = MailingRecipientFactory(mailing__cpts=cpts)

    response = verified_client(coordinator).get(reverse("members_mailing", args=[cpts.slug, recipient.mailing.pk]))

    assert recipient.email in text(response)
    entry = JournalEntry.objects.get(action="read", object_type="members.Mailing")
    assert "@" not in entry.note and "email" in entry.fields


def test_the_dashboard_links_coordinators_to_the_messages(cpts, coordinator):
    response = verified_client(coordinator).get(reverse("cpts_dashboard", args=[cpts.slug]))

    assert reverse("members_mailings", args=[cpts.slug]) in text(response)


def test_sending_the_same_preview_twice_sends_once(cpts, coordinator):
    from django.core import mail
    from django.urls import reverse

    from maillon.members.factories import MembershipFactory, ProfessionalFactory
    from maillon.members.models import Mailing
    from tests.conftest import verified_client

    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(email="a@example.org"))
    client = verified_client(coordinator)
    url = reverse("members_mailing_new", args=[cpts.slug])
    preview = client.post(url, {"action": "preview", "subject": "AG", "body": "Bonjour"})
    form = preview.context["form"]
    data = {"action": "send", "subject": "AG", "body": "Bonjour"}
    data.update({"previewed": form["previewed"].value(), "send_key": form["send_key"].value()})
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, data)
        client.post(url, data)
    assert Mailing.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_subject_on_two_lines_is_refused(cpts, coordinator):
    from django.urls import reverse

    from tests.conftest import verified_client

    response = verified_client(coordinator).post(
        reverse("members_mailing_new", args=[cpts.slug]),
        {"action": "preview", "subject": "AG\r\nBcc: x@evil.example", "body": "Bonjour"},
    )
    assert "Objet : une seule ligne." in response.content.decode()
