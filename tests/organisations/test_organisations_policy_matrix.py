"""The rights matrix of organisations: every policy of maillon/organisations/policies.py asked
for every kind of user, plus a manager and a member of the organisation. Organisations (public
bodies) are listed to anyone signed in; their people are seen by their managers and the
platform admin; only the platform admin creates organisations and grants the manager role."""

import pytest

from maillon.core.factories import UserFactory
from maillon.organisations import policies
from maillon.organisations.factories import OrganisationFactory, OrganisationPersonFactory
from maillon.organisations.models import OrganisationKind
from tests.policy_matrix import ROLES, assert_matrix, build_world

pytestmark = pytest.mark.django_db

# Added to the world: the organisation's manager, a member of it (an enrolled officer), and the
# manager of another organisation.
ORGANISATION_ROLES = ("manager", "organisation_member", "other_manager")
EVERY_ROLE = (*ROLES, *ORGANISATION_ROLES)
SIGNED_IN = set(EVERY_ROLE) - {"anonymous"}

EXPECTED = {
    "visible_organisations": SIGNED_IN,
    "can_see_people": {"admin", "manager"},
    "can_manage_organisations": {"admin"},
}


def organisation_world():
    world = build_world()
    organisation = OrganisationFactory(name="URPS sages-femmes Île-de-France", kind=OrganisationKind.URPS)
    world.users["manager"] = OrganisationPersonFactory(organisation=organisation, manager=True).user
    world.users["organisation_member"] = OrganisationPersonFactory(organisation=organisation).user
    world.users["other_manager"] = OrganisationPersonFactory(manager=True).user
    # The ARS officer of the world is a member of their ARS: no right over the URPS.
    OrganisationPersonFactory(organisation=OrganisationFactory(name="ARS Île-de-France"), user=world["authority"])
    return world, organisation


def test_every_organisations_policy_allows_exactly_the_roles_of_the_matrix():
    world, organisation = organisation_world()
    assert_matrix(policies, EXPECTED, {"organisation": lambda w: organisation}, world, roles=EVERY_ROLE)


def test_a_manager_manages_their_organisations_only():
    world, organisation = organisation_world()
    assert policies.is_manager(world["manager"], organisation)
    assert policies.is_manager(world["manager"], organisation.pk)
    assert list(policies.managed_organisations(world["manager"])) == [organisation]
    for role in ("organisation_member", "other_manager", "admin", "coordinator", "anonymous"):
        assert not policies.is_manager(world[role], organisation), role
    assert not policies.managed_organisations(world["organisation_member"]).exists()
    assert not policies.managed_organisations(world["anonymous"]).exists()
    assert not policies.is_manager(world["manager"], None)


def test_an_organisation_is_listed_with_its_scope():
    national = OrganisationFactory(name="Fédération nationale", kind=OrganisationKind.FEDERATION, region=None)
    assert list(policies.visible_organisations(UserFactory())) == [national]
    assert national.scope_label == "France entière"
