"""The unsubscribe link: a public page, confirmed by POST or by the mail client's one-click."""

import html

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from maillon.members.factories import MembershipFactory
from maillon.members.mailing import send_mailing, unsubscribe_token, unsubscribe_url

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def url_of(membership, token=None):
    return reverse("members_unsubscribe", args=[membership.cpts.slug, token or unsubscribe_token(membership)])


def test_the_link_of_a_sent_message_unsubscribes_after_confirmation(client, cpts, coordinator, settings):
    settings.SITE_URL = "http://testserver"
    membership = MembershipFactory(cpts=cpts)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the sending is queued on commit
        send_mailing(cpts, subject="Infos", body="Bonjour", criteria={}, by=coordinator)
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")

    page = client.get(link)

    assert page.status_code == 200
    assert "Confirmer la désinscription" in text(page)
    assert membership.professional.email not in text(page)
    membership.refresh_from_db()
    assert membership.unsubscribed_at is None  # a link scanner's GET changes nothing

    done = client.post(link)

    assert done.status_code == 200
    content = text(done)
    assert f"vous ne recevrez plus les messages de la {cpts.name}" in content
    assert membership.professional.email not in content
    assert membership.professional.last_name not in content
    membership.refresh_from_db()
    assert membership.unsubscribed_at is not None


def test_one_click_unsubscribe_without_csrf_token(cpts):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    membership = MembershipFactory(cpts=cpts)

    response = client.post(
        url_of(membership), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.unsubscribed_at is not None


def test_an_unsubscribed_member_gets_no_further_message(client, cpts, coordinator):
    leaving, staying = MembershipFactory(cpts=cpts), MembershipFactory(cpts=cpts)
    client.post(url_of(leaving))

    with TestCase.captureOnCommitCallbacks(execute=True):  # the sending is queued on commit
        send_mailing(cpts, subject="Infos", body="Bonjour", criteria={}, by=coordinator)

    assert [message.to for message in mail.outbox] == [[staying.professional.email]]


def test_unsubscribing_twice_says_so_and_keeps_the_first_date(client, cpts):
    membership = MembershipFactory(cpts=cpts)
    client.post(url_of(membership))
    membership.refresh_from_db()
    first = membership.unsubscribed_at

    response = client.post(url_of(membership))

    assert "déjà désinscrit" in text(response)
    membership.refresh_from_db()
    assert membership.unsubscribed_at == first


def test_a_tampered_token_gets_a_clear_french_error_and_changes_nothing(client, cpts):
    membership = MembershipFactory(cpts=cpts)
    token = unsubscribe_token(membership)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    for method in (client.get, client.post):
        response = method(url_of(membership, tampered))
        assert response.status_code == 404
        assert "Ce lien de désinscription n'est pas valide" in text(response)
    membership.refresh_from_db()
    assert membership.unsubscribed_at is None


def test_a_token_of_another_cpts_does_not_work_here(client, cpts, other_cpts):
    foreign = MembershipFactory(cpts=other_cpts)
    url = reverse("members_unsubscribe", args=[cpts.slug, unsubscribe_token(foreign)])

    assert client.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.unsubscribed_at is None


def test_the_token_shows_no_address(cpts):
    membership = MembershipFactory(cpts=cpts)

    url = unsubscribe_url(membership)

    assert membership.professional.email not in url
    assert "@" not in url


def test_other_methods_are_refused_and_change_nothing(client, cpts):
    membership = MembershipFactory(cpts=cpts)

    assert client.put(url_of(membership)).status_code == 405
    assert client.head(url_of(membership)).status_code == 200
    membership.refresh_from_db()
    assert membership.unsubscribed_at is None
