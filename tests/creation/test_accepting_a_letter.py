"""An accepted letter creates the CPTS at « Lettre d'intention » with its territory, its
checklist and its promoters invited as coordinators — or, refused on the way, nothing at all."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.factories import CptsFactory, UserFactory
from maillon.core.models import Cpts, CptsRole, CptsRoleKind, CptsStatus
from maillon.creation import selectors, services
from maillon.creation.models import CreationStep, LetterOfIntent, LetterStatus, Step
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory
from maillon.territories.models import TerritoryCommune
from maillon.territories.services import TerritoryConflictError
from tests.creation.helpers import file_letter, professional, structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes():
    return [CommuneFactory(name="Rambouillet"), CommuneFactory(name="Chevreuse")]


@pytest.fixture
def officer():
    return UserFactory()


def test_the_cpts_is_created_at_the_letter_of_intent_with_the_letters_territory(communes, officer):
    letter = file_letter(communes, legal_form="association_1908", contact_email="contact@valtest.fr")
    letter = services.accept_letter(letter, by=officer)
    assert letter.status == LetterStatus.ACCEPTED
    assert letter.decided_at is not None
    cpts = letter.cpts
    # The contact's address was given for the follow-up link: never published as the CPTS's.
    assert (cpts.name, cpts.legal_form, cpts.email) == ("CPTS du Val Test", "association_1908", "")
    assert cpts.status == CptsStatus.LETTER_OF_INTENT
    step = cpts.steps.get()
    assert (step.to_status, step.date, step.by) == (CptsStatus.LETTER_OF_INTENT, timezone.localdate(), officer)
    rows = TerritoryCommune.objects.for_cpts(cpts).current()
    assert sorted(rows.values_list("commune_id", flat=True)) == sorted(c.code for c in communes)


def test_the_officer_may_give_the_cpts_another_name(communes, officer):
    letter = services.accept_letter(file_letter(communes), by=officer, name="CPTS Sud Yvelines")
    assert letter.cpts.name == "CPTS Sud Yvelines"


def test_the_first_three_steps_are_done_on_the_filing_date_and_the_checklist_has_its_ten_rows(communes, officer):
    letter = file_letter(communes)
    filed = timezone.now() - datetime.timedelta(days=20)
    LetterOfIntent.objects.filter(pk=letter.pk).update(submitted_at=filed)
    cpts = services.accept_letter(letter, by=officer).cpts
    steps = {row.step: row for row in CreationStep.objects.for_cpts(cpts)}
    assert sorted(steps) == list(range(1, 11))
    for number in (Step.PROMOTERS, Step.TERRITORY, Step.FIRST_NEEDS):
        assert steps[number].done_on == timezone.localdate(filed)
    assert all(steps[number].done_on is None for number in range(4, 11))
    rows = selectors.checklist(cpts)
    assert [row.done for row in rows] == [True, True, True, True] + [False] * 6
    assert rows[3].done_on == timezone.localdate()  # the letter's step: the date of the decision
    assert selectors.progress(cpts) == (4, 10)


def test_each_distinct_promoter_address_is_invited_once_as_coordinator(communes, officer):
    promoters = [
        professional(email="claire.martin@exemple.fr"),
        structure(email="Claire.Martin@Exemple.fr"),
        professional(name="Dr Paul Durand", email="paul.durand@exemple.fr", profession="60"),
    ]
    cpts = services.accept_letter(file_letter(communes, promoters=promoters), by=officer).cpts
    roles = CptsRole.objects.for_cpts(cpts)
    assert sorted(roles.values_list("user__email", "role")) == [
        ("claire.martin@exemple.fr", CptsRoleKind.COORDINATOR),
        ("paul.durand@exemple.fr", CptsRoleKind.COORDINATOR),
    ]


def test_a_commune_taken_since_the_filing_refuses_it_all_and_writes_nothing(communes, officer):
    letter = file_letter(communes)
    TerritoryCommuneFactory(commune=communes[1], cpts=CptsFactory(name="CPTS de la Haute Vallée"))
    cpts_before = Cpts.objects.count()
    with pytest.raises(TerritoryConflictError) as caught:
        services.accept_letter(letter, by=officer)
    assert "CPTS de la Haute Vallée" in caught.value.messages[0]
    assert "Chevreuse" in caught.value.messages[0]
    assert Cpts.objects.count() == cpts_before
    assert not Cpts.objects.filter(name="CPTS du Val Test").exists()
    assert not CreationStep.objects.exists()
    assert not CptsRole.objects.exists()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED
    assert letter.cpts is None


def test_a_name_taken_since_the_filing_is_refused_on_the_name(communes, officer):
    letter = file_letter(communes)
    CptsFactory(name="CPTS du Val Test")
    with pytest.raises(ValidationError) as caught:
        services.accept_letter(letter, by=officer)
    assert "name" in caught.value.message_dict
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED
    assert not CreationStep.objects.exists()
    # Another name goes through.
    assert services.accept_letter(letter, by=officer, name="CPTS du Val Test Sud").cpts.name == "CPTS du Val Test Sud"
