"""The promoters' private follow-up link: signed, it opens its letter as long as its key is the
letter's; forged, altered or retired, it opens nothing."""

import pytest
from django.core import signing

from maillon.creation import services
from maillon.creation.factories import LetterOfIntentFactory
from maillon.creation.models import LetterOfIntent

pytestmark = pytest.mark.django_db


def test_the_link_opens_its_letter():
    letter = LetterOfIntentFactory()
    assert services.letter_of_token(services.follow_token(letter)) == letter


def test_a_forged_link_opens_nothing():
    letter = LetterOfIntentFactory()
    forged = signing.dumps({"letter": letter.pk, "nonce": letter.link_nonce}, salt="another.salt", compress=True)
    assert services.letter_of_token(forged) is None
    assert services.letter_of_token(services.follow_token(letter)[:-2] + "xx") is None
    assert services.letter_of_token("n-importe-quoi") is None
    assert services.letter_of_token("") is None


def test_a_signed_link_with_another_nonce_or_letter_opens_nothing():
    letter, other = LetterOfIntentFactory(), LetterOfIntentFactory()
    salt = services.LINK_SALT
    assert services.letter_of_token(signing.dumps({"letter": letter.pk, "nonce": other.link_nonce}, salt=salt)) is None
    assert services.letter_of_token(signing.dumps({"letter": 999_999, "nonce": letter.link_nonce}, salt=salt)) is None
    assert services.letter_of_token(signing.dumps(["not", "a", "dict"], salt=salt)) is None


def test_a_new_nonce_retires_the_older_links():
    letter = LetterOfIntentFactory()
    token = services.follow_token(letter)
    LetterOfIntent.objects.filter(pk=letter.pk).update(link_nonce="a" * 32)
    assert services.letter_of_token(token) is None
    letter.refresh_from_db()
    assert services.letter_of_token(services.follow_token(letter)) == letter
