"""Every policy of maillon/members/policies.py, asked for every role of the rights matrix
(tests/policy_matrix.py): who may see the members of a CPTS and take which step on them."""

import pytest

from maillon.members import policies
from maillon.members.factories import MembershipFactory, StructureFactory
from tests.policy_matrix import CPTS_ROLES, ROLES, TERRITORY_ROLES, allowed_roles, assert_matrix, build_world

pytestmark = pytest.mark.django_db

COORDINATOR = {"coordinator"}
# Every territorial role sees the counts of its area (the SAS regulation included); admins too.
AREA_READERS = TERRITORY_ROLES | {"sas_regulator", "admin"}

EXPECTED = {
    "can_see_directory": CPTS_ROLES,
    "can_edit_own_card": CPTS_ROLES,
    "can_export_directory": COORDINATOR,
    # The structure's representative is the `member` user.
    "can_edit_structure_card": COORDINATOR | {"member"},
    "visible_memberships": CPTS_ROLES,
    # An active adhesion (the member's own): any role in the CPTS sees it; only the coordination decides.
    "can_see_membership": CPTS_ROLES,
    # Fees, leave reason, history: the coordination and the member themself (the target is `member`'s).
    "can_see_adhesion_history": COORDINATOR | {"member"},
    "can_manage_members": COORDINATOR,
    "can_import_members": COORDINATOR,
    "can_decide_membership": COORDINATOR,
    # Counts only: the platform admins keep them.
    "can_see_figures": CPTS_ROLES | {"admin"},
    "visible_areas": AREA_READERS,
    "can_see_observatory": AREA_READERS,
}


def represented_structure(world):
    """A member structure of the CPTS whose representative is the `member` user."""
    structure = StructureFactory(representative=world["member"])
    MembershipFactory(cpts=world.cpts, professional=None, structure=structure)
    return structure


def the_region(world):
    """The région of the CPTS's territory (the one a platform admin chooses in the observatory)."""
    return world.cpts.territory_rows.first().commune.departement.region_id


TARGETS = {
    "cpts": lambda world: world.cpts,
    "membership": lambda world: world.professional.memberships.get(cpts=world.cpts),
    "structure": represented_structure,
    "chosen_region": the_region,
}


def test_every_members_policy_for_every_role():
    world = build_world()
    assert_matrix(policies, EXPECTED, TARGETS, world, extra={"can_edit_structure_card": (world.cpts,)})


def test_an_adhesion_request_is_seen_and_decided_by_the_coordination_only():
    world = build_world()
    request = MembershipFactory(cpts=world.cpts, requested=True)
    assert allowed_roles(policies.can_see_membership, world, request) == COORDINATOR
    assert allowed_roles(policies.can_decide_membership, world, request) == COORDINATOR
    seen = {role: request in policies.visible_memberships(world[role], world.cpts) for role in ROLES}
    assert {role for role, yes in seen.items() if yes} == COORDINATOR


def test_a_platform_admin_chooses_the_region_and_a_territorial_role_sees_its_own_areas():
    world = build_world()
    region = the_region(world)
    assert policies.visible_areas(world["admin"], "") == []
    assert [code for _, code, _ in policies.visible_areas(world["admin"], region)] == [region]
    departement = world.cpts.territory_rows.first().commune.departement_id
    assert [(level, code) for level, code, _ in policies.visible_areas(world["observer"], region)] == [
        ("departement", departement)
    ]
