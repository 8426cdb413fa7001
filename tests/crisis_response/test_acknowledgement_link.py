"""The acknowledgement link: answered once, by the member it names, before it expires;
a forged, replayed or expired link records nothing and says why, in French."""

import datetime

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from maillon.crisis_response import tokens
from maillon.crisis_response.factories import CrisisRecipientFactory
from maillon.crisis_response.models import Answer, CrisisRecipient

pytestmark = pytest.mark.django_db


def ack_url(token):
    return reverse("crisis_response_ack", args=[token])


def answer(client, token, **extra):
    return client.post(ack_url(token), {"answer": "available", "skills": "Vaccination", **extra})


def test_a_member_answers_from_the_link_without_logging_in(client):
    recipient = CrisisRecipientFactory()
    token = tokens.token_for(recipient)
    page = client.get(ack_url(token))
    assert page.status_code == 200
    assert "Êtes-vous disponible ?" in page.content.decode()
    recipient.refresh_from_db()
    assert recipient.answered_at is None  # a GET changes nothing

    response = answer(client, token, available_from="2030-01-02T08:00")
    recipient.refresh_from_db()
    assert response.status_code == 200
    assert (recipient.answer, recipient.skills) == (Answer.AVAILABLE, "Vaccination")
    assert timezone.localtime(recipient.available_from).hour == 8


def test_a_link_cannot_be_replayed(client):
    recipient = CrisisRecipientFactory()
    token = tokens.token_for(recipient)
    answer(client, token)
    first = CrisisRecipient.objects.get().answered_at
    response = client.post(ack_url(token), {"answer": "unavailable"})
    assert response.status_code == 404
    assert "déjà répondu" in response.content.decode()
    recipient.refresh_from_db()
    assert (recipient.answer, recipient.answered_at) == (Answer.AVAILABLE, first)


def test_a_forged_link_records_nothing(client):
    recipient = CrisisRecipientFactory()
    payload = {"r": recipient.pk, "n": recipient.token_nonce}
    forged = signing.Signer(key="not-the-secret", salt=tokens.SALT).sign_object(payload)
    for token in (forged, tokens.token_for(recipient)[:-2] + "xx", "nimportequoi"):
        response = answer(client, token)
        assert response.status_code == 404
        assert "pas valide" in response.content.decode()
    assert CrisisRecipient.objects.get().answered_at is None


def test_a_link_acts_for_its_member_only(client):
    mine, other = CrisisRecipientFactory(), CrisisRecipientFactory()
    # Another member's id under my nonce: the signature no longer matches, and a token
    # signed for their id would need their nonce too.
    token = tokens.token_for(mine)
    signature = token.rsplit(":", 1)[1]
    tampered = signing.b64_encode(f'{{"r":{other.pk},"n":"{mine.token_nonce}"}}'.encode()).decode() + ":" + signature
    assert answer(client, tampered).status_code == 404
    answer(client, token)
    assert CrisisRecipient.objects.get(pk=mine.pk).answered_at is not None
    assert CrisisRecipient.objects.get(pk=other.pk).answered_at is None


def test_an_expired_link_records_nothing(client, settings):
    settings.MAILLON_CRISIS_ACK_LINK_HOURS = 2
    recipient = CrisisRecipientFactory(alerted_at=timezone.now() - datetime.timedelta(hours=3))
    response = answer(client, tokens.token_for(recipient))
    assert response.status_code == 404
    assert "expiré" in response.content.decode()
    assert CrisisRecipient.objects.get().answered_at is None


def test_the_link_of_an_ended_crisis_records_nothing(client):
    recipient = CrisisRecipientFactory(crisis__ended=True)
    response = answer(client, tokens.token_for(recipient))
    assert response.status_code == 404
    assert "close" in response.content.decode()


def test_an_unavailable_answer_keeps_no_skills_nor_time(client):
    recipient = CrisisRecipientFactory()
    client.post(ack_url(tokens.token_for(recipient)), {"answer": "unavailable", "skills": "Vaccination"})
    recipient.refresh_from_db()
    assert (recipient.answer, recipient.skills, recipient.available_from) == (Answer.UNAVAILABLE, "", None)
