"""Submitting the projet de santé: what keeps a draft from it, and what it moves (the CPTS to
« Projet de santé déposé », step 8 ticked)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.factories import CptsFactory
from maillon.core.missions import Mission
from maillon.core.models import CptsStatus
from maillon.core.workflows import TransitionNotAllowed
from maillon.creation import services
from maillon.creation.models import CreationStep, ProjectStatus, Step
from tests.creation.helpers import sheet_fields, write_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def cpts():
    cpts = CptsFactory()
    cpts.record_step(status=CptsStatus.LETTER_OF_INTENT, on=timezone.localdate(), by=None)
    services.ensure_steps(cpts)
    return cpts


def test_an_empty_draft_names_everything_missing(cpts):
    version = services.start_version(cpts, by=None)
    problems = services.submission_problems(version)
    assert problems[0] == "La synthèse du diagnostic territorial est vide."
    assert len(problems) == 5  # the diagnosis and the four socle missions
    assert any("Accès aux soins" in problem and "mission socle" in problem for problem in problems)


def test_a_socle_mission_without_sheet_keeps_the_draft_from_submission(cpts):
    version = services.start_version(cpts, by=None)
    write_project(version)
    version.sections.get(mission=Mission.CRISIS).sheets.all().delete()
    assert services.submission_problems(version) == [
        "La mission 4 — Crises sanitaires graves n'a aucune fiche-action (mission socle)."
    ]


def test_an_optional_mission_chosen_needs_a_sheet(cpts):
    version = services.start_version(cpts, by=None)
    write_project(version)
    services.save_diagnosis(version, by=None, diagnosis=version.diagnosis, missions=[Mission.QUALITY])
    assert services.submission_problems(version) == [
        "La mission 5 — Qualité et pertinence des soins est choisie sans fiche-action."
    ]
    services.save_sheet(version.sections.get(mission=Mission.QUALITY), by=None, **sheet_fields())
    assert services.submission_problems(version) == []


def test_a_draft_with_problems_is_not_submitted(cpts):
    version = services.start_version(cpts, by=None)
    with pytest.raises(ValidationError) as caught:
        services.submit_project(version, by=None)
    assert "status" in caught.value.message_dict
    version.refresh_from_db()
    cpts.refresh_from_db()
    assert version.status == ProjectStatus.DRAFT
    assert cpts.status == CptsStatus.LETTER_OF_INTENT


def test_submitting_moves_the_cpts_to_project_submitted_and_ticks_step_8(cpts):
    version = write_project(services.start_version(cpts, by=None))
    services.submit_project(version, by=None)
    version.refresh_from_db()
    cpts.refresh_from_db()
    assert version.status == ProjectStatus.SUBMITTED
    assert version.submitted_at is not None
    assert cpts.status == CptsStatus.PROJECT_SUBMITTED
    assert cpts.steps.order_by("-pk").first().date == timezone.localdate()
    assert CreationStep.objects.get(cpts=cpts, step=Step.HEALTH_PROJECT).done_on == timezone.localdate()


def test_a_step_8_ticked_by_hand_keeps_its_date(cpts):
    earlier = timezone.localdate().replace(day=1)
    step = CreationStep.objects.get(cpts=cpts, step=Step.HEALTH_PROJECT)
    services.update_step(step, by=None, done_on=earlier)
    services.submit_project(write_project(services.start_version(cpts, by=None)), by=None)
    step.refresh_from_db()
    assert step.done_on == earlier


def test_a_version_is_submitted_once(cpts):
    version = write_project(services.start_version(cpts, by=None))
    services.submit_project(version, by=None)
    with pytest.raises(TransitionNotAllowed):
        services.submit_project(version, by=None)


def test_a_second_version_submitted_leaves_a_later_lifecycle_as_it_is(cpts):
    """A new version after validation does not move the CPTS back."""
    cpts.record_step(status=CptsStatus.NEGOTIATION, on=timezone.localdate(), by=None)
    services.submit_project(write_project(services.start_version(cpts, by=None)), by=None)
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.NEGOTIATION
