"""The rights matrix of the CPTS itself (maillon/core/cpts_policies.py): its members' space,
its territory, its lifecycle and its invitations, asked for every kind of user. The platform
admins keep what a new CPTS without a coordinator needs (no personal data); the territory's
officers have none of it. (Here rather than in tests/core/: these rules serve the CPTS pages.)"""

import pytest
from django.urls import reverse

from maillon.core import cpts_policies
from maillon.core.factories import UserFactory
from tests.conftest import verified_client
from tests.policy_matrix import CPTS_ROLES, assert_matrix, build_world

pytestmark = pytest.mark.django_db

COORDINATION = {"coordinator"}
ADMIN = {"admin"}

EXPECTED = {
    "can_see_dashboard": CPTS_ROLES | ADMIN,
    "can_edit_territory": COORDINATION | ADMIN,
    "can_record_step": COORDINATION | ADMIN,
    "can_invite": COORDINATION | ADMIN,
    "can_coordinate": COORDINATION,
}


def test_every_cpts_policy_allows_exactly_the_roles_of_the_matrix():
    world = build_world()
    assert_matrix(cpts_policies, EXPECTED, {"cpts": lambda w: w.cpts}, world)


def test_a_platform_admin_sees_the_space_with_the_set_up_links_only(cpts):
    admin = UserFactory(is_superuser=True, is_staff=True, with_totp=True)
    html = verified_client(admin).get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode()
    assert reverse("cpts_territory_edit", args=[cpts.slug]) in html
    assert reverse("cpts_lifecycle", args=[cpts.slug]) in html
    assert reverse("cpts_invite", args=[cpts.slug]) in html
    # The members' pages are closed to them without a role: no link to them.
    for route in ("members_list", "members_directory", "meetings_list"):
        assert f'href="{reverse(route, args=[cpts.slug])}"' not in html
