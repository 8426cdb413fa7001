"""Every write of the plan goes to the audit journal (who, what, which fields — never values)."""

import pytest

from maillon.core.models import JournalEntry
from maillon.crisis import services

from .conftest import complete_draft

pytestmark = pytest.mark.django_db


def entries(object_type):
    return JournalEntry.objects.filter(object_type=object_type)


def test_drafting_picking_submitting_and_validating_are_journaled(cpts, coordinator, authority):
    version = complete_draft(cpts, coordinator)
    services.submit_version(version, by=coordinator)
    services.validate_version(version, by=authority)
    services.carry_improvements(cpts, items=["Action"], source="RETEX", by=coordinator)

    assert entries("crisis.PlanVersion").filter(action="create", object_id=str(version.pk)).exists()
    updates = entries("crisis.PlanVersion").filter(action="update", object_id=str(version.pk))
    assert any("content" in entry.fields for entry in updates)
    transitions = entries("crisis.PlanVersion").filter(action="transition", object_id=str(version.pk))
    assert [entry.note for entry in transitions.order_by("pk")] == ["draft → submitted", "submitted → validated"]
    assert all("status" in entry.fields for entry in transitions)
    assert entries("crisis.PlanProfessional").filter(action="create").exists()
    assert entries("crisis.PlanImprovement").filter(action="create").exists()
    assert not any("Vaccinateur" in str(entry.fields) + entry.note for entry in JournalEntry.objects.all())


def test_removing_a_professional_is_journaled(cpts, coordinator):
    version = complete_draft(cpts, coordinator)
    row = version.professionals.get()
    row_id = str(row.pk)

    services.remove_professional(row, by=coordinator)

    assert entries("crisis.PlanProfessional").filter(action="delete", object_id=row_id).exists()
