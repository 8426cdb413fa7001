"""An improvement action moves only through its workflow (open → integrated into a draft): one
row of its log (PlanImprovementEvent) and one « transition » journal entry; a second
integration, or a stale copy, is refused in French and writes nothing."""

import pytest
from django.core.exceptions import ValidationError

from maillon.core.models import JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.crisis import services
from maillon.crisis.models import ImprovementStatus, PlanImprovement, PlanImprovementEvent

from .conftest import validated_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def improvement(cpts, coordinator):
    (created,) = services.carry_improvements(cpts, items=["Prévoir un lieu de repli"], source="RETEX", by=coordinator)
    return created


@pytest.fixture
def draft(cpts, coordinator, authority):
    validated_version(cpts, coordinator, authority, year=2025)
    return services.start_version(cpts, by=coordinator)


def transitions_journaled(improvement):
    return JournalEntry.objects.filter(
        action="transition", object_type="crisis.PlanImprovement", object_id=str(improvement.pk)
    )


def test_integrating_writes_one_log_row_and_one_journal_entry(improvement, draft, coordinator):
    services.integrate_improvement(improvement, by=coordinator)

    stored = PlanImprovement.objects.get(pk=improvement.pk)
    assert stored.status == ImprovementStatus.INTEGRATED
    assert (stored.integrated_in, stored.integrated_by) == (draft, coordinator) and stored.integrated_at
    (event,) = PlanImprovementEvent.objects.filter(improvement=improvement)
    assert (event.from_status, event.to_status, event.by, event.note) == (
        "open",
        "integrated",
        coordinator,
        f"version {draft.year}",
    )
    assert event.get_to_status_display() == "Intégrée"
    (entry,) = transitions_journaled(improvement)
    assert entry.note == "open → integrated" and "status" in entry.fields


def test_a_second_integration_is_refused_in_french_and_writes_nothing(improvement, draft, coordinator):
    improvement.integrate(version=draft, by=coordinator)

    with pytest.raises(TransitionNotAllowed) as refused:
        improvement.integrate(version=draft, by=coordinator)

    assert refused.value.detail == "Action d'amélioration : elle est déjà intégrée."
    assert (refused.value.status, refused.value.status_label) == ("integrated", "Intégrée")
    assert PlanImprovementEvent.objects.filter(improvement=improvement).count() == 1
    assert transitions_journaled(improvement).count() == 1


def test_a_version_that_is_not_a_draft_of_the_plan_is_refused_and_nothing_is_written(improvement, draft, coordinator):
    draft_copy = type(draft).objects.get(pk=draft.pk)
    draft_copy.plan_id = 0  # another plan's draft
    with pytest.raises(ValidationError, match="version en brouillon du plan"):
        improvement.integrate(version=draft_copy, by=coordinator)
    assert PlanImprovement.objects.get(pk=improvement.pk).status == ImprovementStatus.OPEN
    assert not PlanImprovementEvent.objects.exists()


def test_a_stale_copy_loses_and_writes_nothing(improvement, draft, coordinator):
    first, second = PlanImprovement.objects.get(pk=improvement.pk), PlanImprovement.objects.get(pk=improvement.pk)
    first.integrate(version=draft, by=coordinator)

    with pytest.raises(TransitionNotAllowed, match="a changé entre-temps"):
        second.integrate(version=draft, by=coordinator)

    assert PlanImprovementEvent.objects.filter(improvement=improvement).count() == 1


def test_the_state_is_never_assigned_and_saved(improvement):
    improvement.status = ImprovementStatus.INTEGRATED
    with pytest.raises(StateChangedOutsideWorkflow):
        improvement.save()
    assert PlanImprovement.objects.get(pk=improvement.pk).status == ImprovementStatus.OPEN
