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


def test_an_empty_answer_is_refused_in_french_not_a_server_error(client, letter, officer):
    services.request_information(letter, by=officer, comments="Précisez.")
    response = client.post(follow_url(letter), {})
    assert response.status_code == 400
    assert "Votre réponse : ce champ est obligatoire." in text(response)
    assert not letter.comments.filter(from_promoters=True).exists()


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


def letter_codes(letter):
    return sorted(letter.communes.values_list("commune_id", flat=True))


def test_the_answer_form_carries_the_territory_editor_prefilled_with_the_letter_s_communes(client, letter, officer):
    services.request_information(letter, by=officer, comments="Redessinez le territoire.")
    page = text(client.get(follow_url(letter)))
    assert 'id="territory-form"' in page and 'id="territory-q"' in page
    assert '<input type="hidden" name="communes" value="78001">' in page
    assert '<input type="hidden" name="communes" value="78002">' in page
    assert 'value="78003"' not in page
    assert reverse("creation_letter_territory") in page


def test_without_javascript_adding_a_commune_writes_nothing_and_keeps_what_was_typed(client, letter, officer):
    services.request_information(letter, by=officer, comments="Redessinez le territoire.")
    url = follow_url(letter)
    body = {"territory": "1", "communes": ["78001", "78002"], "add": "78003", "body": "Ma réponse en cours."}
    response = client.post(url, body)
    page = text(response)
    assert response.status_code == 200
    assert '<input type="hidden" name="communes" value="78003">' in page
    assert "Ma réponse en cours." in page
    letter.refresh_from_db()
    assert letter.status == LetterStatus.INFORMATION_REQUESTED and letter_codes(letter) == ["78001", "78002"]
    assert not letter.comments.filter(from_promoters=True).exists()
    # The search too answers the page, nothing written.
    found = client.post(url, {"territory": "1", "communes": ["78001"], "q": "Aval", "search": "1", "body": ""})
    assert found.status_code == 200 and "Bourg-Aval" in text(found)


def test_the_answer_sends_the_redrawn_territory(client, letter, officer):
    services.request_information(letter, by=officer, comments="Redessinez le territoire.")
    response = client.post(
        follow_url(letter), {"territory": "1", "communes": ["78002", "78003"], "body": "Sans Bourg-Amont."}
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED
    assert letter_codes(letter) == ["78002", "78003"]


def test_an_unchanged_territory_is_not_sent_again(client, letter, officer, monkeypatch):
    services.request_information(letter, by=officer, comments="Précisez.")
    sent = []
    answer = services.answer_letter
    monkeypatch.setattr(
        services, "answer_letter", lambda letter, **kwargs: sent.append(kwargs) or answer(letter, **kwargs)
    )
    response = client.post(follow_url(letter), {"territory": "1", "communes": ["78002", "78001"], "body": "Voici."})
    assert response.status_code == 302
    assert "communes" not in sent[0]


def test_an_emptied_territory_is_refused_and_nothing_is_sent(client, letter, officer):
    services.request_information(letter, by=officer, comments="Précisez.")
    response = client.post(follow_url(letter), {"territory": "1", "body": "Voici."})
    assert response.status_code == 400
    assert "Territoire envisagé : choisissez au moins une commune." in text(response)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.INFORMATION_REQUESTED and letter_codes(letter) == ["78001", "78002"]


def test_the_search_while_typing_answers_the_results_only(client, letter, officer):
    services.request_information(letter, by=officer, comments="Précisez.")
    response = client.get(follow_url(letter), {"q": "Aval"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'name="add" value="78003"' in text(response) and "<html" not in text(response)
    assert response["Referrer-Policy"] == "no-referrer"
