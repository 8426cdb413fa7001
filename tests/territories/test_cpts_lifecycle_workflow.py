"""The lifecycle of a CPTS is its workflow: forward through the national steps (skipping is
allowed), dissolution from any step, nothing after it. Each step writes one `LifecycleStep`
(the CPTS's transition log, with the date the step happened) and one « transition » entry."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from maillon.core.factories import CptsFactory, UserFactory
from maillon.core.models import LIFECYCLE_ORDER, Cpts, CptsStatus, JournalEntry, LifecycleStep
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.territories import services

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 3, 1)


def transitions(cpts):
    return JournalEntry.objects.filter(action="transition", object_type="core.Cpts", object_id=cpts.pk)


def logged(cpts):
    return list(cpts.steps.values_list("from_status", "to_status", "date", "by", "note"))


def test_the_workflow_declares_one_transition_per_step_and_dissolution_from_any_step():
    workflow = Cpts.workflow
    assert list(workflow.transitions) == [*LIFECYCLE_ORDER, CptsStatus.DISSOLVED]
    assert workflow.targets_from(CptsStatus.PROJECT_VALIDATED) == {
        CptsStatus.NEGOTIATION,
        CptsStatus.ACI_SIGNED,
        CptsStatus.DISSOLVED,
    }
    assert workflow.targets_from(CptsStatus.DISSOLVED) == set()


def test_the_first_step_of_a_new_cpts_is_logged_then_each_step_moves_once():
    cpts, recorder = CptsFactory(), UserFactory()

    services.record_step(cpts, status=CptsStatus.LETTER_OF_INTENT, on=datetime.date(2024, 5, 2), by=recorder)
    services.record_step(cpts, status=CptsStatus.PROJECT_VALIDATED, on=DAY, by=recorder)

    assert cpts.status == CptsStatus.PROJECT_VALIDATED
    assert logged(cpts) == [
        ("", CptsStatus.LETTER_OF_INTENT, datetime.date(2024, 5, 2), recorder.pk, ""),
        (CptsStatus.LETTER_OF_INTENT, CptsStatus.PROJECT_VALIDATED, DAY, recorder.pk, ""),
    ]
    assert list(transitions(cpts).order_by("pk").values_list("note", "actor_id")) == [
        ("∅ → letter_of_intent", recorder.pk),
        ("letter_of_intent → project_validated", recorder.pk),
    ]
    assert str(cpts.steps.last()) == "Projet de santé validé — 01/03/2025"


def test_going_back_is_refused_in_french_and_writes_nothing():
    cpts = CptsFactory(status=CptsStatus.NEGOTIATION)
    with pytest.raises(TransitionNotAllowed) as error:
        cpts.record_step(status=CptsStatus.PROJECT_SUBMITTED, on=DAY, by=None)
    assert error.value.message_dict == {
        "status": ["L'étape « Projet de santé déposé » ne suit pas l'étape actuelle « En négociation »."]
    }
    assert (error.value.status, error.value.status_label) == ("negotiation", "En négociation")
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.NEGOTIATION
    assert not LifecycleStep.objects.exists() and not transitions(cpts).exists()


def test_a_dissolved_cpts_moves_no_more():
    cpts = CptsFactory(status=CptsStatus.ACI_SIGNED)
    services.dissolve(cpts, on=DAY)
    for status in [CptsStatus.DISSOLVED, CptsStatus.LETTER_OF_INTENT, CptsStatus.ACI_SIGNED]:
        with pytest.raises(TransitionNotAllowed, match="Une CPTS dissoute ne change plus d'étape"):
            services.record_step(cpts, status=status, on=DAY)
    assert logged(cpts) == [(CptsStatus.ACI_SIGNED, CptsStatus.DISSOLVED, DAY, None, "")]
    assert transitions(cpts).count() == 1


def test_a_date_refusal_is_an_ordinary_validation_error_and_writes_nothing():
    cpts = CptsFactory()
    cpts.record_step(status=CptsStatus.PROJECT_SUBMITTED, on=DAY, by=None)
    with pytest.raises(ValidationError, match="ne peut pas précéder") as error:
        cpts.record_step(status=CptsStatus.NEGOTIATION, on=DAY - datetime.timedelta(days=1), by=None)
    assert not isinstance(error.value, TransitionNotAllowed)
    assert cpts.steps.count() == 1 and transitions(cpts).count() == 1


def test_a_stale_copy_is_judged_on_the_current_state_and_writes_nothing():
    cpts = CptsFactory()
    first, second = Cpts.objects.get(pk=cpts.pk), Cpts.objects.get(pk=cpts.pk)

    first.record_step(status=CptsStatus.DISSOLVED, on=DAY, by=None)
    with pytest.raises(TransitionNotAllowed, match="dissoute"):
        second.record_step(status=CptsStatus.PROJECT_SUBMITTED, on=DAY, by=None)
    with pytest.raises(TransitionNotAllowed, match="a changé entre-temps"):
        Cpts.workflow.run(second, CptsStatus.PROJECT_SUBMITTED, by=None, log={"date": DAY})

    assert logged(cpts) == [(CptsStatus.LETTER_OF_INTENT, CptsStatus.DISSOLVED, DAY, None, "")]
    assert transitions(cpts).count() == 1


def test_the_status_changes_only_through_the_workflow():
    cpts = CptsFactory()
    cpts.status = CptsStatus.ACI_SIGNED
    with pytest.raises(StateChangedOutsideWorkflow):
        cpts.save()
    cpts.refresh_from_db()
    cpts.record_step(status=CptsStatus.ACI_SIGNED, on=DAY, by=None)
    cpts.name = "Renommée"
    cpts.save()  # the copy that moved saves its other fields
    cpts.refresh_from_db()
    assert (cpts.name, cpts.status) == ("Renommée", CptsStatus.ACI_SIGNED)
