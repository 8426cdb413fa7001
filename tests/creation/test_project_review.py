"""The ARS and the Assurance Maladie each decide on a submitted version: returned by either, it
goes back to the promoters; validated by both, the CPTS moves to « Projet de santé validé »."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.factories import CptsFactory, UserFactory
from maillon.core.models import CptsStatus
from maillon.core.workflows import TransitionNotAllowed
from maillon.creation import selectors, services
from maillon.creation.models import Funder, ProjectReview, ProjectStatus, ReviewDecision, Step
from tests.creation.helpers import submitted_project, write_project

pytestmark = pytest.mark.django_db

VALIDATED, RETURNED = ReviewDecision.VALIDATED, ReviewDecision.RETURNED


@pytest.fixture
def cpts():
    cpts = CptsFactory()
    cpts.record_step(status=CptsStatus.LETTER_OF_INTENT, on=timezone.localdate(), by=None)
    services.ensure_steps(cpts)
    return cpts


@pytest.fixture
def version(cpts):
    return submitted_project(cpts)


@pytest.fixture
def ars():
    return UserFactory()


@pytest.fixture
def cpam():
    return UserFactory()


def test_returned_by_one_funder_the_version_is_returned_and_the_cpts_unchanged(cpts, version, ars):
    review = services.review_project(version, by=ars, funder=Funder.ARS, decision=RETURNED, comments="Le budget ?")
    assert (review.funder, review.decision, review.comments, review.by) == (Funder.ARS, RETURNED, "Le budget ?", ars)
    version.refresh_from_db()
    cpts.refresh_from_db()
    assert version.status == ProjectStatus.RETURNED
    assert version.decided_at is not None
    assert cpts.status == CptsStatus.PROJECT_SUBMITTED
    assert services.working_version(cpts) is None
    assert services.validated_version(cpts) is None


def test_returned_after_the_other_funder_validated_it_is_still_returned(cpts, version, ars, cpam):
    services.review_project(version, by=ars, funder=Funder.ARS, decision=VALIDATED)
    services.review_project(version, by=cpam, funder=Funder.ASSURANCE_MALADIE, decision=RETURNED, comments="Non.")
    version.refresh_from_db()
    cpts.refresh_from_db()
    assert version.status == ProjectStatus.RETURNED
    assert cpts.status == CptsStatus.PROJECT_SUBMITTED


def test_validated_by_one_funder_the_version_waits_for_the_other(cpts, version, ars):
    services.review_project(version, by=ars, funder=Funder.ARS, decision=VALIDATED)
    version.refresh_from_db()
    cpts.refresh_from_db()
    assert version.status == ProjectStatus.SUBMITTED
    assert cpts.status == CptsStatus.PROJECT_SUBMITTED


def test_validated_by_both_the_cpts_moves_to_project_validated_and_step_9_is_done(cpts, version, ars, cpam):
    services.review_project(version, by=cpam, funder=Funder.ASSURANCE_MALADIE, decision=VALIDATED)
    services.review_project(version, by=ars, funder=Funder.ARS, decision=VALIDATED)
    version.refresh_from_db()
    cpts.refresh_from_db()
    assert version.status == ProjectStatus.VALIDATED
    assert cpts.status == CptsStatus.PROJECT_VALIDATED
    assert services.validated_version(cpts) == version
    row = next(row for row in selectors.checklist(cpts) if row.number == Step.VALIDATION)
    assert row.done_on == timezone.localdate()


def test_a_funder_decides_once_per_version(version, ars):
    services.review_project(version, by=ars, funder=Funder.ARS, decision=VALIDATED)
    with pytest.raises(ValidationError) as caught:
        services.review_project(version, by=UserFactory(), funder=Funder.ARS, decision=VALIDATED)
    assert "funder" in caught.value.message_dict
    assert ProjectReview.objects.filter(version=version).count() == 1


def test_returning_needs_comments(version, ars):
    with pytest.raises(ValidationError) as caught:
        services.review_project(version, by=ars, funder=Funder.ARS, decision=RETURNED, comments="  ")
    assert "comments" in caught.value.message_dict
    version.refresh_from_db()
    assert version.status == ProjectStatus.SUBMITTED
    assert not ProjectReview.objects.exists()


def test_an_unknown_funder_or_decision_is_refused(version, ars):
    with pytest.raises(ValidationError) as caught:
        services.review_project(version, by=ars, funder="prefecture", decision=VALIDATED)
    assert "funder" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.review_project(version, by=ars, funder=Funder.ARS, decision="maybe")
    assert "decision" in caught.value.message_dict


def test_only_a_submitted_version_is_decided(cpts, version, ars, cpam):
    draft_cpts = CptsFactory()
    draft = write_project(services.start_version(draft_cpts, by=None))
    with pytest.raises(TransitionNotAllowed):
        services.review_project(draft, by=ars, funder=Funder.ARS, decision=VALIDATED)
    services.review_project(version, by=ars, funder=Funder.ARS, decision=RETURNED, comments="À reprendre.")
    with pytest.raises(TransitionNotAllowed):
        services.review_project(version, by=cpam, funder=Funder.ASSURANCE_MALADIE, decision=VALIDATED)


def test_the_version_after_a_return_is_examined_again_by_both(cpts, version, ars, cpam):
    services.review_project(version, by=ars, funder=Funder.ARS, decision=RETURNED, comments="Le budget ?")
    second = services.start_version(cpts, by=None)
    services.submit_project(second, by=None)
    services.review_project(second, by=ars, funder=Funder.ARS, decision=VALIDATED)
    services.review_project(second, by=cpam, funder=Funder.ASSURANCE_MALADIE, decision=VALIDATED)
    second.refresh_from_db()
    cpts.refresh_from_db()
    assert (second.number, second.status) == (2, ProjectStatus.VALIDATED)
    assert cpts.status == CptsStatus.PROJECT_VALIDATED
