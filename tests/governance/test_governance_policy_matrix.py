"""The rights matrix of governance: every policy of maillon/governance/policies.py asked for
every kind of user. Candidates, mandates and attendance name members: nobody without a role in
the CPTS reads them, a platform admin and the territory's officers included."""

import pytest

from maillon.governance import policies
from maillon.governance.factories import DocumentVersionFactory, ElectionFactory, GeneralAssemblyFactory
from maillon.members.factories import CollegeFactory
from tests.policy_matrix import CPTS_ROLES, assert_matrix, build_world

pytestmark = pytest.mark.django_db

COORDINATION = {"coordinator"}
THE_VOTER = {"member"}  # active adherent of the election's collège

EXPECTED = {
    "can_see_governance": CPTS_ROLES,
    "can_manage_governance": COORDINATION,
    "visible_elections": CPTS_ROLES,
    "can_see_election": CPTS_ROLES,
    "can_vote": THE_VOTER,
    "can_run_election": COORDINATION,
    "can_manage_mandates": COORDINATION,
    "can_see_assembly": CPTS_ROLES,
    "can_manage_assembly": COORDINATION,
    "can_download_version": CPTS_ROLES,
}


def election_of_the_member_s_college(world):
    if not hasattr(world, "election"):
        college = CollegeFactory(cpts=world.cpts, name="Médecins")
        adhesion = world.professional.memberships.get(cpts=world.cpts)
        adhesion.college = college
        adhesion.save(update_fields=["college"])
        world.election = ElectionFactory(cpts=world.cpts, college=college)
    return world.election


def cpts_with_an_election(world):
    """`visible_elections` answers whether it holds anything: the election is there."""
    election_of_the_member_s_college(world)
    return world.cpts


def test_every_governance_policy_allows_exactly_the_roles_of_the_matrix():
    world = build_world()
    targets = {
        "cpts": cpts_with_an_election,
        "election": election_of_the_member_s_college,
        "assembly": lambda w: GeneralAssemblyFactory(cpts=w.cpts),
        "version": lambda w: DocumentVersionFactory(document__cpts=w.cpts),
    }
    assert_matrix(policies, EXPECTED, targets, world)
