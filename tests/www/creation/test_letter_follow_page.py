"""The promoters' private page of their lettre d'intention: opened by the signed link only (a wrong
or retired link is a 404), never indexed nor sent as a referrer; it shows the letter and the
exchange; while the ARS asks for more, the promoters answer there (the letter waits for the ARS
again, which is told); accepted, it links to the CPTS's public page."""

import pytest
from django.core import mail
from django.urls import reverse

from maillon.creation import services
from maillon.creation.models import LetterStatus

from .letters import ars_officer, file_letter, make_communes, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes(db):
    return make_communes()


@pytest.fixture
def officer(communes):
    return ars_officer()


@pytest.fixture
def letter(communes, officer):
    return file_letter(communes[:2])


def follow_url(letter):
    return reverse("creation_letter_follow", args=[services.follow_token(letter)])


def test_a_wrong_or_retired_link_is_a_404(client, letter):
    assert client.get(reverse("creation_letter_follow", args=["pas-un-jeton"])).status_code == 404
    url = follow_url(letter)
    letter.link_nonce = "retire"
    letter.save()
    response = client.get(url)
    assert response.status_code == 404
    assert "Ce lien ne permet pas d'ouvrir une lettre d'intention" in text(response)
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_link_shows_the_letter_its_territory_and_promoters(client, letter):
    response = client.get(follow_url(letter))
    page = text(response)
    assert response.status_code == 200
    assert "Lettre d'intention — CPTS du Val Test" in page
    assert "Déposée, en attente de décision" in page
    assert "Bourg-Amont (78001)" in page and "Bourg-Milieu (78002)" in page
    assert "24\u00a0000" in page and "Taille 1" in page
    assert "Dr Claire Martin" in page and "RPPS 10100901734" in page
    assert "Médecin, Infirmier" in page
    assert "Répondre à l'ARS" not in page


def test_the_private_page_is_not_indexed_nor_sent_as_referrer_nor_cached(client, letter):
    response = client.get(follow_url(letter))
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in text(response)


def test_the_promoters_answer_the_ars_and_the_letter_waits_for_it_again(
    client, letter, officer, django_capture_on_commit_callbacks
):
    services.request_information(letter, by=officer, comments="Précisez les communes de l'est.")
    url = follow_url(letter)
    page = text(client.get(url))
    assert "Précisez les communes de l'est." in page and "Répondre à l'ARS" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"body": "L'est reste hors du projet.", "needs": "De nouveaux besoins."})
    assert response.status_code == 302 and response["Location"] == url
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED
    assert letter.needs == "De nouveaux besoins."
    assert letter.comments.filter(from_promoters=True, body="L'est reste hors du projet.").exists()
    assert [message.to for message in mail.outbox] == [[officer.email]]
    assert "Votre réponse est envoyée à l'ARS" in text(client.get(url))


def test_an_answer_needs_its_text_and_changes_nothing_without_it(client, letter, officer):
    services.request_information(letter, by=officer, comments="Précisez.")
    response = client.post(follow_url(letter), {"body": " ", "needs": letter.needs})
    assert response.status_code == 400
    assert "Votre réponse : ce champ est obligatoire." in text(response)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.INFORMATION_REQUESTED


def test_posting_an_answer_when_none_is_asked_changes_nothing(client, letter):
    response = client.post(follow_url(letter), {"body": "Bonjour"})
    assert response.status_code == 302
    assert not letter.comments.exists()


def test_answering_is_throttled_per_address(client, settings, letter, officer):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 1
    services.request_information(letter, by=officer, comments="Précisez.")
    url = follow_url(letter)
    assert client.post(url, {"body": ""}).status_code == 400
    response = client.post(url, {"body": "Voici."})
    assert response.status_code == 429
    assert letter.comments.filter(from_promoters=True).count() == 0


def test_once_accepted_the_page_links_to_the_cpts_and_says_the_invitations_were_sent(client, letter, officer):
    letter = services.accept_letter(letter, by=officer)
    page = text(client.get(follow_url(letter)))
    assert "Acceptée" in page
    assert reverse("cpts_detail", args=[letter.cpts.slug]) in page
    assert "invitation" in page


def test_once_refused_the_page_shows_the_reason(client, letter, officer):
    services.refuse_letter(letter, by=officer, reason="Le territoire recouvre celui d'un projet plus avancé.")
    page = text(client.get(follow_url(letter)))
    assert "Refusée" in page and "Le territoire recouvre celui d'un projet plus avancé." in page
