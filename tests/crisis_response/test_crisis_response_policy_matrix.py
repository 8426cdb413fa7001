"""Every policy of maillon/crisis_response/policies.py, asked for every role of the rights
matrix (tests/policy_matrix.py): who sees the crises of a CPTS and takes which step. The board
and the alert chain name members (answers, phones): a platform admin without a role sees
nothing; a member answers through their link, not as a role."""

import pytest

from maillon.crisis_response import policies
from tests.policy_matrix import TERRITORY_ROLES, assert_matrix, build_world

pytestmark = pytest.mark.django_db

COORDINATOR = {"coordinator"}

EXPECTED = {
    "can_see_crises": COORDINATOR | TERRITORY_ROLES,
    "can_declare_crisis": COORDINATOR | {"authority"},
    "can_run_exercise": COORDINATOR,
    "can_recognise_crisis": {"authority"},
    "can_write_log": COORDINATOR | {"authority"},
    "can_mobilise": COORDINATOR,
    "can_end_crisis": COORDINATOR,
    "can_write_retex": COORDINATOR,
    "can_manage_chain": COORDINATOR,
}


def test_every_crisis_response_policy_for_every_role():
    assert_matrix(policies, EXPECTED, {"cpts": lambda world: world.cpts}, build_world())
