"""The rights matrix of prevention: every policy of maillon/prevention/policies.py asked for
every kind of user. Actions, measures, sessions and materials are read by the CPTS's roles and
by the regions' officers over it; registrants (names, contacts) only by the coordination and
the adherent in charge of the action."""

import pytest

from maillon.members.models import Membership
from maillon.prevention import policies
from maillon.prevention.factories import (
    MaterialFactory,
    MeasureFactory,
    PreventionActionFactory,
    PublicSessionFactory,
    RegistrationFactory,
)
from tests.policy_matrix import CPTS_ROLES, TERRITORY_ROLES, assert_matrix, build_world

pytestmark = pytest.mark.django_db

COORDINATION = {"coordinator"}
IN_CHARGE = {"member"}  # the adherent in charge of the action

EXPECTED = {
    "can_see_prevention": CPTS_ROLES | TERRITORY_ROLES,
    "can_manage_prevention": COORDINATION,
    "visible_actions": CPTS_ROLES | TERRITORY_ROLES,
    "visible_measures": CPTS_ROLES | TERRITORY_ROLES,
    "visible_sessions": CPTS_ROLES | TERRITORY_ROLES,
    "visible_materials": CPTS_ROLES | TERRITORY_ROLES,
    "can_see_registrants": COORDINATION | IN_CHARGE,
    "can_keep_attendance": COORDINATION | IN_CHARGE,
    "can_change_session": COORDINATION,
    "visible_registrations": COORDINATION | IN_CHARGE,
}


def prevention_world(world):
    owner = Membership.objects.get(cpts=world.cpts, professional=world.professional)
    action = PreventionActionFactory(cpts=world.cpts, owner=owner)
    MeasureFactory(action=action)
    MaterialFactory(action=action)
    return world.cpts


def session_of_the_member_s_action(world):
    owner = Membership.objects.get(cpts=world.cpts, professional=world.professional)
    session = PublicSessionFactory(action=PreventionActionFactory(cpts=world.cpts, owner=owner))
    RegistrationFactory(session=session)
    return session


def test_every_prevention_policy_allows_exactly_the_roles_of_the_matrix():
    world = build_world()
    session = session_of_the_member_s_action(world)
    targets = {"cpts": prevention_world, "session": lambda w: session}
    assert_matrix(policies, EXPECTED, targets, world)


def test_public_sessions_are_those_published_of_a_living_cpts():
    world = build_world()
    published = PublicSessionFactory(cpts=world.cpts, action=PreventionActionFactory(cpts=world.cpts))
    PublicSessionFactory(cpts=world.cpts, action=published.action, public=False)
    assert list(policies.public_sessions(world.cpts)) == [published]
