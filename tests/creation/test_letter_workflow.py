"""A letter's examination: the ARS asks for more, the promoters answer, the ARS accepts or
refuses; each decision leaves from the states its workflow allows, and is logged."""

import pytest
from django.core.exceptions import ValidationError

from maillon.core.factories import UserFactory
from maillon.core.workflows import TransitionNotAllowed
from maillon.creation import services
from maillon.creation.models import LetterComment, LetterEvent, LetterStatus
from maillon.territories.factories import CommuneFactory
from tests.creation.helpers import file_letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter():
    return file_letter([CommuneFactory(population=10_000)])


@pytest.fixture
def officer():
    return UserFactory()


def test_asking_for_more_then_answering_puts_the_letter_back_before_the_ars(letter, officer):
    services.request_information(letter, by=officer, comments="Précisez les communes de l'est.")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.INFORMATION_REQUESTED
    assert letter.is_open
    services.answer_letter(letter, body="Voici les communes de l'est.")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED
    assert list(letter.comments.values_list("from_promoters", "author", "body")) == [
        (False, officer.pk, "Précisez les communes de l'est."),
        (True, None, "Voici les communes de l'est."),
    ]
    assert list(LetterEvent.objects.filter(letter=letter).order_by("pk").values_list("to_status", flat=True)) == [
        LetterStatus.SUBMITTED,
        LetterStatus.INFORMATION_REQUESTED,
        LetterStatus.SUBMITTED,
    ]


def test_the_answer_may_redraw_the_territory_and_the_needs(letter, officer):
    services.request_information(letter, by=officer, comments="Le territoire est trop petit.")
    bigger = [CommuneFactory(population=15_000), CommuneFactory(population=25_000)]
    services.answer_letter(letter, body="Élargi.", communes=[c.code for c in bigger], needs="  Des besoins précisés. ")
    letter.refresh_from_db()
    assert letter.population == 40_000
    assert sorted(letter.communes.values_list("commune_id", flat=True)) == sorted(c.code for c in bigger)
    assert letter.needs == "Des besoins précisés."


def test_an_answer_with_a_wrong_territory_changes_nothing(letter, officer):
    services.request_information(letter, by=officer, comments="Le territoire ?")
    before = list(letter.communes.values_list("commune_id", flat=True))
    with pytest.raises(ValidationError) as caught:
        services.answer_letter(letter, body="Élargi.", communes=["99999"])
    assert "communes" in caught.value.message_dict
    letter.refresh_from_db()
    assert letter.status == LetterStatus.INFORMATION_REQUESTED
    assert list(letter.communes.values_list("commune_id", flat=True)) == before
    assert not letter.comments.filter(from_promoters=True).exists()


def test_asking_for_more_needs_a_message(letter, officer):
    with pytest.raises(ValidationError) as caught:
        services.request_information(letter, by=officer, comments="  ")
    assert "comments" in caught.value.message_dict
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED


def test_an_answer_needs_a_message(letter, officer):
    services.request_information(letter, by=officer, comments="Le territoire ?")
    with pytest.raises(ValidationError) as caught:
        services.answer_letter(letter, body="")
    assert "body" in caught.value.message_dict


def test_promoters_answer_only_when_the_ars_asked(letter):
    with pytest.raises(TransitionNotAllowed):
        services.answer_letter(letter, body="Une réponse spontanée.")
    assert not LetterComment.objects.exists()


def test_a_letter_waiting_for_answers_cannot_be_accepted(letter, officer):
    services.request_information(letter, by=officer, comments="Le territoire ?")
    with pytest.raises(TransitionNotAllowed):
        services.accept_letter(letter, by=officer)


def test_refusing_needs_a_reason(letter, officer):
    with pytest.raises(ValidationError) as caught:
        services.refuse_letter(letter, by=officer, reason="")
    assert "reason" in caught.value.message_dict
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED


def test_a_refused_letter_keeps_its_reason_and_is_closed(letter, officer):
    services.refuse_letter(letter, by=officer, reason="Le territoire recouvre un projet en cours.")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REFUSED
    assert letter.decided_at is not None
    assert letter.cpts is None
    assert letter.comments.get().body == "Le territoire recouvre un projet en cours."
    for decide in (
        lambda: services.accept_letter(letter, by=officer),
        lambda: services.request_information(letter, by=officer, comments="?"),
        lambda: services.refuse_letter(letter, by=officer, reason="Encore."),
    ):
        with pytest.raises(TransitionNotAllowed):
            decide()


def test_a_letter_waiting_for_answers_may_be_refused(letter, officer):
    services.request_information(letter, by=officer, comments="Le territoire ?")
    services.refuse_letter(letter, by=officer, reason="Aucune réponse depuis six mois.")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REFUSED


def test_a_letter_is_accepted_once(letter, officer):
    services.accept_letter(letter, by=officer)
    with pytest.raises(TransitionNotAllowed) as caught:
        services.accept_letter(letter, by=officer)
    assert caught.value.status == LetterStatus.ACCEPTED
    with pytest.raises(TransitionNotAllowed):
        services.refuse_letter(letter, by=officer, reason="Trop tard.")
