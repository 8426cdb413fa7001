"""Every policy of maillon/crisis/policies.py, asked for every role of the rights matrix
(tests/policy_matrix.py): who reads the crisis plan of a CPTS, writes it, reviews it. The plan
names the mobilisable professionals: a platform admin without a role reads nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from maillon.crisis import policies, services
from tests.policy_matrix import CPTS_ROLES, TERRITORY_ROLES, assert_matrix, build_world

pytestmark = pytest.mark.django_db

EXPECTED = {
    "can_read_plan": CPTS_ROLES | TERRITORY_ROLES,
    "can_edit_plan": {"coordinator"},
    "can_review_plan": {"authority"},
}


def test_every_crisis_plan_policy_for_every_role():
    assert_matrix(policies, EXPECTED, {"cpts": lambda world: world.cpts}, build_world())


def test_the_roles_on_the_plan():
    world = build_world()
    roles = {role: policies.plan_role(world[role], world.cpts) for role in ("coordinator", "member", "authority")}
    assert roles == {"coordinator": "coordinator", "member": "member", "authority": "authority"}
    for role in ("admin", "sas_regulator", "outsider", "anonymous"):
        assert policies.plan_role(world[role], world.cpts) is None


def test_the_review_service_asks_the_policy():
    world = build_world()
    version = services.start_version(world.cpts, by=world["coordinator"])
    for role in ("coordinator", "admin", "observer"):
        with pytest.raises(PermissionDenied):
            services.validate_version(version, by=world[role])
