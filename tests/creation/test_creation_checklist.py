"""The checklist of the 10 steps: the coordination plans and ticks the steps by hand, except
those a decision proves (letter accepted, projet validated, ACI signed), which take the date
that decision wrote in the lifecycle."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.factories import CptsFactory, LifecycleStepFactory
from maillon.core.models import CptsStatus
from maillon.creation import selectors, services
from maillon.creation.models import DECIDED_STEPS, CreationStep, Step

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_MONTH = TODAY - datetime.timedelta(days=30)


@pytest.fixture
def cpts():
    cpts = CptsFactory()
    services.ensure_steps(cpts)
    return cpts


def step(cpts, number) -> CreationStep:
    return CreationStep.objects.get(cpts=cpts, step=number)


def test_ensure_steps_creates_the_missing_rows_only(cpts):
    services.update_step(step(cpts, Step.LEGAL_STRUCTURE), by=None, done_on=LAST_MONTH)
    step(cpts, Step.MOBILISATION).delete()
    services.ensure_steps(cpts)
    assert CreationStep.objects.for_cpts(cpts).count() == 10
    assert step(cpts, Step.LEGAL_STRUCTURE).done_on == LAST_MONTH


def test_the_decided_steps_are_those_of_the_letter_the_validation_and_the_aci():
    assert set(DECIDED_STEPS) == {Step.LETTER, Step.VALIDATION, Step.ACI}


def test_a_decided_step_reads_its_date_from_the_lifecycle(cpts):
    LifecycleStepFactory(cpts=cpts, status=CptsStatus.LETTER_OF_INTENT, date=LAST_MONTH)
    LifecycleStepFactory(cpts=cpts, status=CptsStatus.PROJECT_VALIDATED, date=TODAY)
    # A date typed in the row itself (outside the services) is not what the checklist reads.
    CreationStep.objects.filter(cpts=cpts, step=Step.ACI).update(done_on=LAST_MONTH)
    rows = {row.number: row for row in selectors.checklist(cpts)}
    assert rows[Step.LETTER].done_on == LAST_MONTH
    assert rows[Step.VALIDATION].done_on == TODAY
    assert rows[Step.ACI].done_on is None
    assert rows[Step.LETTER].decided_by == DECIDED_STEPS[Step.LETTER]
    assert rows[Step.LEGAL_STRUCTURE].decided_by == ""


def test_the_checklist_has_ten_rows_even_before_they_are_created():
    rows = selectors.checklist(CptsFactory())
    assert [row.number for row in rows] == list(range(1, 11))
    assert all(row.step is None and not row.done for row in rows)


def test_a_decided_step_cannot_be_ticked_by_hand(cpts):
    for number in DECIDED_STEPS:
        with pytest.raises(ValidationError) as caught:
            services.update_step(step(cpts, number), by=None, done_on=LAST_MONTH)
        assert "done_on" in caught.value.message_dict
        assert step(cpts, number).done_on is None


def test_a_decided_step_may_be_planned_and_noted(cpts):
    services.update_step(step(cpts, Step.VALIDATION), by=None, planned_on=TODAY, note="  Dépôt en juin. ")
    row = step(cpts, Step.VALIDATION)
    assert (row.planned_on, row.done_on, row.note) == (TODAY, None, "Dépôt en juin.")


def test_a_step_is_ticked_with_its_date_and_unticked(cpts):
    services.update_step(step(cpts, Step.LEGAL_STRUCTURE), by=None, done_on=LAST_MONTH, note="Statuts déposés")
    assert step(cpts, Step.LEGAL_STRUCTURE).done_on == LAST_MONTH
    assert selectors.progress(cpts) == (1, 10)
    services.update_step(step(cpts, Step.LEGAL_STRUCTURE), by=None, done_on=None)
    assert step(cpts, Step.LEGAL_STRUCTURE).done_on is None


def test_a_step_cannot_be_done_in_the_future(cpts):
    with pytest.raises(ValidationError) as caught:
        services.update_step(step(cpts, Step.MOBILISATION), by=None, done_on=TODAY + datetime.timedelta(days=1))
    assert "done_on" in caught.value.message_dict
    assert step(cpts, Step.MOBILISATION).done_on is None


def test_a_step_may_be_planned_in_the_future(cpts):
    later = TODAY + datetime.timedelta(days=90)
    services.update_step(step(cpts, Step.DIAGNOSIS), by=None, planned_on=later)
    assert step(cpts, Step.DIAGNOSIS).planned_on == later
