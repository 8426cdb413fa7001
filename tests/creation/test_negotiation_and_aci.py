"""After the validation: the negotiation of the ACI is opened, and the ACI recorded in the
contracts moves the CPTS to « ACI signé » — never back from a later recorded step."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.contracts import services as contracts
from maillon.core.factories import CptsFactory, LifecycleStepFactory, UserFactory
from maillon.core.models import CptsStatus
from maillon.creation import selectors, services
from maillon.creation.models import Step
from tests.creation.helpers import submitted_project, validated_project

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def cpts():
    cpts = CptsFactory()
    cpts.record_step(status=CptsStatus.LETTER_OF_INTENT, on=TODAY, by=None)
    services.ensure_steps(cpts)
    return cpts


def test_the_negotiation_opens_only_after_the_validation(cpts):
    officer = UserFactory()
    with pytest.raises(ValidationError) as caught:
        services.open_negotiation(cpts, by=officer)
    assert "status" in caught.value.message_dict
    submitted_project(cpts)
    with pytest.raises(ValidationError):
        services.open_negotiation(cpts, by=officer)
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.PROJECT_SUBMITTED


def test_opening_the_negotiation_moves_a_validated_cpts_to_negotiation(cpts):
    officer = UserFactory()
    validated_project(cpts, ars=officer, cpam=UserFactory())
    services.open_negotiation(cpts, by=officer)
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.NEGOTIATION
    step = cpts.steps.order_by("-pk").first()
    assert (step.to_status, step.date, step.by) == (CptsStatus.NEGOTIATION, TODAY, officer)
    with pytest.raises(ValidationError):
        services.open_negotiation(cpts, by=officer)


def test_the_aci_recorded_moves_a_cpts_in_negotiation_to_aci_signed_and_ticks_step_10(cpts):
    officer = UserFactory()
    validated_project(cpts, ars=officer, cpam=UserFactory())
    services.open_negotiation(cpts, by=officer)
    contracts.create_contract(cpts=cpts, signed_on=TODAY, taille=2, missions=[1, 2, 3, 4], by=officer)
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.ACI_SIGNED
    row = next(row for row in selectors.checklist(cpts) if row.number == Step.ACI)
    assert row.done_on == TODAY
    # The decisions ticked 4, 9 and 10; the submission ticked 8.
    assert [row.number for row in selectors.checklist(cpts) if row.done] == [4, 8, 9, 10]


def test_an_aci_signed_before_the_last_recorded_step_leaves_the_lifecycle_as_it_is():
    cpts = CptsFactory(status=CptsStatus.NEGOTIATION)
    LifecycleStepFactory(cpts=cpts, status=CptsStatus.LETTER_OF_INTENT, date=datetime.date(2022, 1, 10))
    LifecycleStepFactory(cpts=cpts, status=CptsStatus.NEGOTIATION, date=TODAY)
    contracts.create_contract(
        cpts=cpts, signed_on=datetime.date(2023, 3, 15), taille=2, missions=[1, 2, 3, 4], by=UserFactory()
    )
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.NEGOTIATION
    assert cpts.steps.count() == 2
