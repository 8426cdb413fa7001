"""The rights matrix of mission 6: every policy of maillon/support/policies.py asked for every kind
of user — the coordinator, the member who supervises the placement, authored the ad, tutors, has an
installation project and borrowed the equipment (`member`), a member with no link to any of them
(`other_member`), another CPTS's coordinator (`outsider`), the territory's officers (who read
mission 6 through the ACI indicators only), a platform admin and an anonymous visitor."""

import datetime
import inspect

import pytest

from maillon.core.factories import CptsRoleFactory
from maillon.core.models import Cpts, CptsStatus
from maillon.members.models import Membership, MembershipStatus
from maillon.support import policies
from maillon.support.factories import (
    AdFactory,
    CrossTrainingFactory,
    EquipmentBookingFactory,
    EquipmentFactory,
    HousingBookingFactory,
    HousingFactory,
    InstallationProjectFactory,
    PlacementApplicationFactory,
    PlacementFactory,
    SupervisorFactory,
    TutoringFactory,
)
from tests.policy_matrix import CPTS_ROLES, NOBODY, ROLES, allowed_roles, assert_matrix, build_world

pytestmark = pytest.mark.django_db

COORDINATION = {"coordinator"}
OWN = COORDINATION | {"member"}  # the coordination and the member the target is about

EXPECTED = {
    "can_use_support": CPTS_ROLES,
    "can_write_support": CPTS_ROLES,
    "can_manage_support": COORDINATION,
    # Trainees: a placement the member supervises, an application to it.
    "visible_supervisors": CPTS_ROLES,
    "can_manage_supervisors": COORDINATION,
    "visible_placements": OWN,
    "can_see_placement": OWN,
    "can_offer_placement": COORDINATION,
    "can_fill_placement": COORDINATION,
    "can_cancel_placement": COORDINATION,
    "visible_applications": OWN,
    "can_decide_application": OWN,
    # Housing: every role reads it; the occupants' names are the coordination's.
    "visible_housing": CPTS_ROLES,
    "can_manage_housing": COORDINATION,
    "visible_housing_bookings": COORDINATION,
    "can_cancel_housing_booking": COORDINATION,
    # Installation: the project opened for the member's own adhesion.
    "visible_installations": OWN,
    "can_see_installation": OWN,
    "can_follow_installation": COORDINATION,
    "can_read_installation_notes": COORDINATION,  # not the professional whose project it is
    "can_start_installation": COORDINATION,
    # Ads: the member's ad waiting for moderation.
    "visible_ads": OWN,
    "can_see_ad": OWN,
    "can_submit_ad": CPTS_ROLES,
    "can_edit_ad": OWN,
    "can_moderate_ad": COORDINATION,
    "can_close_ad": OWN,
    # Peer help: the member tutors; they borrowed the equipment.
    "visible_tutoring": OWN,
    "can_manage_tutoring": COORDINATION,
    "can_end_tutoring": OWN,
    "visible_cross_trainings": CPTS_ROLES,
    "can_plan_cross_training": COORDINATION,
    "visible_equipment": CPTS_ROLES,
    "can_manage_equipment": COORDINATION,
    "visible_equipment_bookings": CPTS_ROLES,
    "can_book_equipment": CPTS_ROLES,  # the coordinator for others; both members for themselves
    "can_book_for_others": COORDINATION,
    "can_cancel_equipment_booking": OWN,
    "can_read_booking_purpose": OWN,  # the borrower and the coordination; the others read who, when
    # The public page.
    "can_edit_site": COORDINATION,
}


def adhesion_of(world, role):
    return Membership.objects.get(cpts=world.cpts, professional__user=world[role])


def support_world():
    world = build_world()
    cpts = world.cpts
    own = adhesion_of(world, "member")
    supervisor = SupervisorFactory(cpts=cpts, membership=own)
    placement = PlacementFactory(supervisor=supervisor)
    housing = HousingFactory(cpts=cpts)
    equipment = EquipmentFactory(cpts=cpts)
    world.made = {
        "own": own,
        "supervisor": supervisor,
        "placement": placement,
        "application": PlacementApplicationFactory(placement=placement),
        "housing": housing,
        "housing_booking": HousingBookingFactory(housing=housing, placement=placement),
        "project": InstallationProjectFactory(cpts=cpts, membership=own),
        "ad": AdFactory(cpts=cpts, author=world["member"], author_membership=own),
        "tutoring": TutoringFactory(cpts=cpts, tutor=own),
        "cross_training": CrossTrainingFactory(cpts=cpts, trainer=adhesion_of(world, "other_member")),
        "equipment": equipment,
        "equipment_booking": EquipmentBookingFactory(equipment=equipment, membership=own),
    }
    return world


@pytest.fixture
def world():
    return support_world()


def targets():
    return {
        "cpts": lambda w: w.cpts,
        "placement": lambda w: w.made["placement"],
        "application": lambda w: w.made["application"],
        # `booking` names the housing booking and the equipment booking alike: the matrix builds
        # one target per parameter name, so it asks both with the equipment booking (the housing
        # policy reads only its state and CPTS); the housing booking is asked below.
        "booking": lambda w: w.made["equipment_booking"],
        "project": lambda w: w.made["project"],
        "ad": lambda w: w.made["ad"],
        "tutoring": lambda w: w.made["tutoring"],
    }


def allowed(policy, world, target):
    return allowed_roles(policy, world, target)


def fresh(row):
    return type(row).objects.select_related("cpts").get(pk=row.pk)


def test_every_support_policy_allows_exactly_the_roles_of_the_matrix(world):
    assert_matrix(policies, EXPECTED, targets(), world)


def test_a_housing_booking_is_cancelled_by_the_coordination_only_while_booked(world):
    booking = world.made["housing_booking"]
    assert allowed(policies.can_cancel_housing_booking, world, booking) == COORDINATION
    booking.cancel(by=world["coordinator"])
    assert allowed(policies.can_cancel_housing_booking, world, fresh(booking)) == NOBODY


def test_the_occupants_names_stay_with_the_coordination():
    world = build_world()
    HousingFactory(cpts=world.cpts)  # housing without any booking
    assert allowed(policies.visible_housing, world, world.cpts) == CPTS_ROLES
    assert allowed(policies.visible_housing_bookings, world, world.cpts) == NOBODY  # nothing to read yet


def test_a_published_ad_is_read_by_every_member_and_changed_by_the_coordination_only(world):
    ad = world.made["ad"]
    ad.publish(by=world["coordinator"])
    ad = fresh(ad)
    assert allowed(policies.can_see_ad, world, ad) == CPTS_ROLES
    assert allowed(policies.can_edit_ad, world, ad) == COORDINATION  # its author no more
    assert allowed(policies.can_moderate_ad, world, ad) == NOBODY
    assert allowed(policies.can_close_ad, world, ad) == OWN
    assert allowed(policies.visible_ads, world, world.cpts) == CPTS_ROLES


@pytest.mark.parametrize("move", ["fill", "refuse", "withdraw"])
def test_a_closed_ad_moves_no_more_and_is_read_by_its_people(world, move):
    ad = world.made["ad"]
    coordinator = world["coordinator"]
    if move == "fill":
        ad.publish(by=coordinator)
        ad.fill(by=world["member"])
    elif move == "refuse":
        ad.refuse(by=coordinator, note="Annonce en double")
    else:
        ad.withdraw(by=world["member"])
    ad = fresh(ad)
    for policy in (policies.can_edit_ad, policies.can_moderate_ad, policies.can_close_ad):
        assert allowed(policy, world, ad) == NOBODY, policy.__name__
    assert allowed(policies.can_see_ad, world, ad) == OWN


def test_another_members_ad_waiting_for_moderation_is_hidden_from_a_member(world):
    hidden = AdFactory(cpts=world.cpts, author=world["other_member"])
    assert allowed(policies.can_see_ad, world, hidden) == COORDINATION | {"other_member"}
    assert allowed(policies.can_close_ad, world, hidden) == COORDINATION | {"other_member"}


def test_a_spontaneous_application_is_decided_by_the_coordination_only(world):
    spontaneous = PlacementApplicationFactory(spontaneous=True, cpts=world.cpts)
    assert allowed(policies.can_decide_application, world, spontaneous) == COORDINATION


def test_a_decided_application_and_a_cancelled_placement_move_no_more(world):
    application = world.made["application"]
    application.decline(by=world["member"], note="Période ne convient pas")
    assert allowed(policies.can_decide_application, world, fresh(application)) == NOBODY
    placement = world.made["placement"]
    placement.cancel(by=world["coordinator"])
    placement = fresh(placement)
    assert allowed(policies.can_cancel_placement, world, placement) == NOBODY
    # Still asked by the coordination: the workflow refuses it, saying why.
    assert allowed(policies.can_fill_placement, world, placement) == COORDINATION
    assert allowed(policies.can_see_placement, world, placement) == OWN


def test_a_filled_placement_can_still_be_cancelled_by_the_coordination(world):
    filled = PlacementFactory(supervisor=world.made["supervisor"], filled=True)
    assert allowed(policies.can_cancel_placement, world, filled) == COORDINATION
    assert allowed(policies.can_fill_placement, world, filled) == COORDINATION


def test_an_installation_project_closed_is_read_not_followed(world):
    project = world.made["project"]
    project.settle(by=world["coordinator"])
    project = fresh(project)
    assert allowed(policies.can_follow_installation, world, project) == NOBODY
    assert allowed(policies.can_see_installation, world, project) == OWN


def test_an_installation_project_of_someone_not_member_yet_is_the_coordinations(world):
    project = InstallationProjectFactory(cpts=world.cpts)
    assert allowed(policies.can_see_installation, world, project) == COORDINATION


def test_a_tutee_adherent_reads_the_pair_but_only_the_tutor_or_the_coordination_ends_it(world):
    pair = TutoringFactory(
        cpts=world.cpts, tutor=adhesion_of(world, "other_member"), tutee_membership=world.made["own"]
    )
    assert allowed(policies.can_end_tutoring, world, pair) == COORDINATION | {"other_member"}
    visible = {role for role in ROLES if policies.visible_tutoring(world[role], world.cpts).filter(pk=pair.pk).exists()}
    assert visible == COORDINATION | {"member", "other_member"}
    pair.end(by=world["coordinator"])
    assert allowed(policies.can_end_tutoring, world, fresh(pair)) == NOBODY


def test_a_member_without_an_active_professional_adhesion_books_nothing(world):
    bare = CptsRoleFactory(cpts=world.cpts).user  # a role, no professional card
    assert policies.booking_membership(bare, world.cpts) is None
    assert not policies.can_book_equipment(bare, world.cpts)
    own = world.made["own"]
    assert policies.booking_membership(world["member"], world.cpts) == own
    Membership.objects.filter(pk=own.pk).update(status=MembershipStatus.LEFT)
    member = type(world["member"]).objects.get(pk=world["member"].pk)  # a new request
    assert policies.booking_membership(member, world.cpts) is None
    assert not policies.can_book_equipment(member, world.cpts)
    assert not policies.can_cancel_equipment_booking(member, world.made["equipment_booking"])


def test_a_cancelled_equipment_booking_is_cancelled_by_nobody(world):
    booking = world.made["equipment_booking"]
    booking.cancel(by=world["member"])
    assert allowed(policies.can_cancel_equipment_booking, world, fresh(booking)) == NOBODY


def test_another_members_equipment_booking_is_cancelled_by_them_and_the_coordination(world):
    theirs = EquipmentBookingFactory(
        equipment=world.made["equipment"],
        membership=adhesion_of(world, "other_member"),
        starts_at=world.made["equipment_booking"].ends_at,
    )
    assert allowed(policies.can_cancel_equipment_booking, world, theirs) == COORDINATION | {"other_member"}


def test_a_dissolved_cpts_is_read_not_written(world):
    Cpts.objects.filter(pk=world.cpts.pk).update(status=CptsStatus.DISSOLVED)
    cpts = Cpts.objects.get(pk=world.cpts.pk)
    made = {name: fresh(row) for name, row in targets_of(world).items()}
    reads = {name for name in EXPECTED if name.startswith(("visible_", "can_see_", "can_read_"))}
    reads.add("can_use_support")
    for name, roles in EXPECTED.items():
        policy = getattr(policies, name)
        parameter = list(inspect.signature(policy).parameters)[1]
        target = cpts if parameter == "cpts" else made[parameter]
        expected = roles if name in reads else NOBODY
        assert allowed(policy, world, target) == expected, name


def targets_of(world):
    return {name: build(world) for name, build in targets().items() if name != "cpts"}


def test_a_past_equipment_booking_is_history_nobody_cancels(world):
    booking = world.made["equipment_booking"]
    booking.starts_at -= datetime.timedelta(days=3)
    booking.ends_at = booking.starts_at + datetime.timedelta(hours=2)
    booking.save()
    assert allowed(policies.can_cancel_equipment_booking, world, fresh(booking)) == NOBODY
    assert allowed(policies.can_read_booking_purpose, world, fresh(booking)) == OWN
