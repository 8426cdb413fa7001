"""The rights matrix of the creation of a CPTS: every policy of maillon/creation/policies.py asked
for every kind of user of the world (tests/policy_matrix.py), whose authority and observer are
officers of an ARS (« ARS Île-de-France ») over the CPTS's département.

The projet de santé is asked about twice: a submitted version (the funders decide, nobody starts
anything from it) and a validated one (the coordination starts the fiches-actions' objects)."""

import pytest
from django.utils import timezone

from maillon.core.models import CptsStatus
from maillon.creation import policies
from maillon.creation.factories import CreationStepFactory, LetterOfIntentFactory, ProjectVersionFactory
from maillon.creation.models import ProjectStatus, Step
from maillon.territories.factories import RegionFactory
from tests.policy_matrix import CPTS_ROLES, NOBODY, TERRITORY_ROLES, assert_matrix, build_world

pytestmark = pytest.mark.django_db

COORDINATION = {"coordinator"}
ARS_OFFICERS = TERRITORY_ROLES  # an authority or an observer of an ARS over the région
ARS_AUTHORITY = {"authority"}

MATRIX = {
    # Letters: the ARS officers of their région, nobody else (not the admin, not the CPTS).
    "visible_letters": ARS_OFFICERS,
    "can_see_letters": ARS_OFFICERS,
    "can_see_letter": ARS_OFFICERS,
    "can_decide_letter": ARS_AUTHORITY,
    # The checklist and the projet: the CPTS's people and the territory's officers read them.
    "can_see_creation": CPTS_ROLES | TERRITORY_ROLES,
    "can_edit_steps": COORDINATION,
    "can_tick_step": COORDINATION,
    "can_write_project": COORDINATION,
    "can_open_negotiation": ARS_AUTHORITY,
    # The grant: the coordination and the officers; the ARS decides it, the coordination spends it.
    "can_see_grant": COORDINATION | TERRITORY_ROLES,
    "can_record_grant": ARS_AUTHORITY,
    "can_record_spending": COORDINATION,
}

SUBMITTED = MATRIX | {
    "can_review_project": ARS_AUTHORITY,
    "visible_projects_to_review": ARS_AUTHORITY,
    "can_start_from_sheet": NOBODY,
}

VALIDATED = MATRIX | {
    "can_review_project": NOBODY,
    "visible_projects_to_review": NOBODY,
    "can_start_from_sheet": COORDINATION,
}


def targets(status):
    return {
        "letter": lambda w: LetterOfIntentFactory(region=RegionFactory()),
        "cpts": lambda w: w.cpts,
        "step": lambda w: CreationStepFactory(cpts=w.cpts, step=Step.LEGAL_STRUCTURE),
        "version": lambda w: ProjectVersionFactory(cpts=w.cpts, status=status),
    }


def world_with_a_letter():
    world = build_world()
    LetterOfIntentFactory(region=RegionFactory())  # what `visible_letters` lists
    return world


def test_with_a_submitted_project_every_policy_allows_exactly_the_roles_of_the_matrix():
    world = world_with_a_letter()
    ProjectVersionFactory(cpts=world.cpts, number=99, status=ProjectStatus.RETURNED)
    assert_matrix(policies, SUBMITTED, targets(ProjectStatus.SUBMITTED), world)


def test_with_a_validated_project_every_policy_allows_exactly_the_roles_of_the_matrix():
    world = world_with_a_letter()
    assert_matrix(policies, VALIDATED, targets(ProjectStatus.VALIDATED), world)


def test_a_decided_step_is_ticked_by_nobody():
    world = build_world()
    step = CreationStepFactory(cpts=world.cpts, step=Step.VALIDATION)
    assert not any(policies.can_tick_step(user, step) for user in world.users.values())


def test_a_dissolved_cpts_writes_neither_its_steps_nor_its_project():
    world = build_world()
    world.cpts.record_step(status=CptsStatus.DISSOLVED, on=timezone.localdate(), by=None)
    coordinator = world["coordinator"]
    assert policies.can_see_creation(coordinator, world.cpts)
    assert not policies.can_edit_steps(coordinator, world.cpts)
    assert not policies.can_write_project(coordinator, world.cpts)
