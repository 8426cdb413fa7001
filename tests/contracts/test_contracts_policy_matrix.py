"""Every policy of maillon/contracts/policies.py, asked for every role of the rights matrix
(tests/policy_matrix.py): who may read the ACI of a CPTS and take which step on it."""

import pytest

from maillon.contracts import policies, services
from maillon.contracts.factories import ContractFactory
from maillon.territories.factories import TerritoryRoleFactory
from tests.policy_matrix import TERRITORY_ROLES, assert_matrix, build_world

pytestmark = pytest.mark.django_db

COORDINATOR = {"coordinator"}
# The ACI names nobody: its coordinators, the ARS/CPAM of the territory and the platform admins read it.
READERS = COORDINATOR | TERRITORY_ROLES | {"admin"}

EXPECTED = {
    "can_read_contract": READERS,
    "can_edit_contract": COORDINATOR,
    "can_send_report": COORDINATOR,
    "can_see_report": READERS,
    # The ARS and the CPAM only: neither the coordination, nor an observer, nor a platform admin.
    "can_decide_report": {"authority"},
}


def sent_report(world):
    contract = ContractFactory(cpts=world.cpts)
    return services.freeze_report(contract=contract, contract_year=1, data={}, by=None)


TARGETS = {"cpts": lambda world: world.cpts, "report": sent_report}


def test_every_contracts_policy_for_every_role():
    assert_matrix(policies, EXPECTED, TARGETS, build_world())


def test_the_roles_on_the_aci():
    world = build_world()
    roles = {role: policies.reader_role(world[role], world.cpts) for role in ("coordinator", "authority", "observer")}
    assert roles == {"coordinator": "coordinator", "authority": "authority", "observer": "observer"}
    assert policies.contract_role(world["admin"], world.cpts) is None
    assert policies.reader_role(world["admin"], world.cpts) == "admin"
    for role in ("member", "sas_regulator", "outsider", "anonymous"):
        assert policies.reader_role(world[role], world.cpts) is None


def test_the_territorial_roles_are_read_once_per_user_object(django_assert_num_queries):
    """`territories.policies.territory_roles` is cached on the user, as `core.policies.cpts_role` is."""
    world = build_world()
    authority = type(world["authority"]).objects.get(pk=world["authority"].pk)
    with django_assert_num_queries(2):  # its role in the CPTS (none), its territorial roles
        assert policies.can_read_contract(authority, world.cpts)
        assert not policies.can_edit_contract(authority, world.cpts)
        assert policies.is_authority(authority, world.cpts)
        assert policies.reader_role(authority, world.cpts) == "authority"


def test_a_coordinator_who_is_also_an_authority_never_decides_on_their_own_report():
    world = build_world()
    report = sent_report(world)
    both = world["coordinator"]
    TerritoryRoleFactory(user=both, role="authority", departement=world.cpts.territory_rows.first().commune.departement)
    both = type(both).objects.get(pk=both.pk)  # a fresh user object: no cached roles

    assert policies.can_send_report(both, world.cpts)
    assert not policies.can_decide_report(both, report)
    assert policies.can_decide_report(world["authority"], report)
