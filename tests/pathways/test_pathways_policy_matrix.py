"""The rights matrix of the care pathways: every policy of maillon/pathways/policies.py asked
for every kind of user. Health data: an inclusion is seen by its lead, its care team of today
and the coordinators — nobody else, a platform admin and the regions' officers included."""

import pytest

from maillon.members.models import Membership
from maillon.pathways import policies
from maillon.pathways.factories import CareBreakFactory, CareTaskFactory, CareTeamMemberFactory, InclusionFactory
from tests.policy_matrix import CPTS_ROLES, assert_matrix, build_world

pytestmark = pytest.mark.django_db

COORDINATION = {"coordinator"}
THE_LEAD = {"member"}  # leads the inclusion
IN_THE_TEAM = {"other_member"}  # in its care team today

EXPECTED = {
    "can_see_programmes": CPTS_ROLES,
    "can_manage_programmes": COORDINATION,
    "visible_programmes": CPTS_ROLES,
    "can_include": CPTS_ROLES,
    "visible_inclusions": COORDINATION | THE_LEAD | IN_THE_TEAM,
    "can_see_inclusion": COORDINATION | THE_LEAD | IN_THE_TEAM,
    "can_edit_inclusion": COORDINATION | THE_LEAD,
    "visible_tasks": COORDINATION | THE_LEAD | IN_THE_TEAM,
    "visible_assigned_tasks": THE_LEAD,  # the task is given to the lead's adhesion
    "can_complete_task": COORDINATION | THE_LEAD | IN_THE_TEAM,
    "visible_breaks": COORDINATION | THE_LEAD,
    "can_resolve_break": COORDINATION | THE_LEAD,
}


def led_by_the_member(world):
    lead = Membership.objects.get(cpts=world.cpts, professional=world.professional)
    inclusion = InclusionFactory(cpts=world.cpts, lead=lead)
    other = Membership.objects.get(cpts=world.cpts, professional=world.other_professional)
    CareTeamMemberFactory(inclusion=inclusion, membership=other)
    return inclusion


def task_of_the_lead(world):
    inclusion = led_by_the_member(world)
    return CareTaskFactory(inclusion=inclusion, assignee=inclusion.lead)


def break_of_the_lead_s_patient(world):
    inclusion = led_by_the_member(world)
    CareTaskFactory(inclusion=inclusion, assignee=inclusion.lead)
    return CareBreakFactory(inclusion=inclusion)


def test_every_pathways_policy_allows_exactly_the_roles_of_the_matrix():
    world = build_world()
    targets = {
        "cpts": lambda w: w.cpts,
        "inclusion": led_by_the_member,
        "task": task_of_the_lead,
        "care_break": break_of_the_lead_s_patient,
    }
    assert_matrix(policies, EXPECTED, targets, world)
