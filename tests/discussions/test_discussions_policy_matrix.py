"""The rights matrix of the discussion spaces: every policy of maillon/discussions/policies.py
asked for every kind of user, in the three kinds of space — the CPTS's space of all members,
a working group, a regional group hosted by an organisation.

Besides the world's roles, the world holds the people of a regional group: its organisation's
manager, a pilot, a moderator, a participant, a muted and a removed participant. The ARS officer
of the world is a member of the hosting organisation (an enrolled officer), which gives them
nothing: threads are read by their participants only."""

import pytest

from maillon.discussions import policies, services
from maillon.discussions.factories import DiscussionSpaceFactory, MessageFactory, ParticipantFactory, TopicFactory
from maillon.discussions.models import DiscussionSpace, ParticipantRole, ParticipantStatus, SpaceKind
from maillon.organisations.factories import OrganisationFactory, OrganisationPersonFactory
from tests.policy_matrix import CPTS_ROLES, NOBODY, ROLES, assert_matrix, build_world

pytestmark = pytest.mark.django_db

GROUP_ROLES = ("manager", "pilot", "moderator", "participant", "muted", "removed")
EVERY_ROLE = (*ROLES, *GROUP_ROLES)
COORDINATION = {"coordinator"}
MANAGER = {"manager"}
LEADS = {"manager", "pilot", "moderator"}  # moderate a regional group

MEMBERS_SPACE = {
    "can_read": CPTS_ROLES,
    "can_post": CPTS_ROLES,
    "can_moderate": COORDINATION,
    "can_review_signups": NOBODY,
    "can_manage_space": COORDINATION,
    "can_see_moderation": COORDINATION,
    "can_create_working_group": COORDINATION,
    "can_create_regional_group": MANAGER,
    "can_edit_message": {"member"},  # its author
    "can_delete_message": {"member"},
    "can_hide_message": COORDINATION,
    "can_read_message_content": CPTS_ROLES,  # a visible message: its readers
    "can_pin_topic": COORDINATION,
    "can_moderate_participant": COORDINATION,  # other_member's row
}

WORKING_GROUP = {
    **MEMBERS_SPACE,
    # Its participants (the member) and the CPTS's coordinators; not the other members.
    "can_read": {"coordinator", "member"},
    "can_post": {"coordinator", "member"},
    "can_read_message_content": {"coordinator", "member"},
}

REGIONAL_GROUP = {
    "can_read": LEADS | {"participant", "muted"},
    "can_post": LEADS | {"participant"},
    "can_moderate": LEADS,
    "can_review_signups": {"manager", "pilot"},
    "can_manage_space": MANAGER,
    "can_see_moderation": LEADS,
    "can_create_working_group": COORDINATION,
    "can_create_regional_group": MANAGER,
    "can_edit_message": {"participant"},  # its author
    "can_delete_message": {"participant"},
    "can_hide_message": LEADS,
    "can_read_message_content": LEADS | {"participant", "muted"},
    "can_pin_topic": LEADS,
    "can_moderate_participant": LEADS,  # the participant's row
}


def discussion_world():
    """The world, plus a regional group hosted by an organisation with its people."""
    world = build_world()
    organisation = OrganisationFactory(name="URPS sages-femmes Île-de-France")
    world.users["manager"] = OrganisationPersonFactory(organisation=organisation, manager=True).user
    OrganisationPersonFactory(organisation=organisation, user=world["authority"])
    group = DiscussionSpaceFactory(regional=True, organisation=organisation)
    roles = {
        "pilot": (ParticipantRole.PILOT, ParticipantStatus.ACTIVE),
        "moderator": (ParticipantRole.MODERATOR, ParticipantStatus.ACTIVE),
        "participant": (ParticipantRole.PARTICIPANT, ParticipantStatus.ACTIVE),
        "muted": (ParticipantRole.PARTICIPANT, ParticipantStatus.MUTED),
        "removed": (ParticipantRole.PARTICIPANT, ParticipantStatus.REMOVED),
    }
    for name, (role, status) in roles.items():
        world.users[name] = ParticipantFactory(space=group, role=role, status=status).user
    world.group = group
    world.organisation = organisation
    return world


def targets_in(space, author, moderated):
    topic = TopicFactory(space=space)
    message = MessageFactory(topic=topic, author=author)
    participant = services.join(space, moderated)
    return {
        "space": lambda w: space,
        "cpts": lambda w: w.cpts,
        "organisation": lambda w: w.organisation,
        "message": lambda w: message,
        "topic": lambda w: topic,
        "participant": lambda w: participant,
    }


def test_in_the_space_of_all_members_every_policy_allows_exactly_the_roles_of_the_matrix():
    world = discussion_world()
    services.ensure_cpts_spaces(world.cpts)
    space = DiscussionSpace.objects.get(cpts=world.cpts, kind=SpaceKind.MEMBERS)
    targets = targets_in(space, world["member"], world["other_member"])
    assert_matrix(policies, MEMBERS_SPACE, targets, world, roles=EVERY_ROLE)


def test_in_a_mission_space_the_rights_are_those_of_the_space_of_all_members():
    world = discussion_world()
    services.ensure_cpts_spaces(world.cpts)
    space = DiscussionSpace.objects.filter(cpts=world.cpts, kind=SpaceKind.MISSION).first()
    targets = targets_in(space, world["member"], world["other_member"])
    assert_matrix(policies, MEMBERS_SPACE, targets, world, roles=EVERY_ROLE)


def test_in_a_working_group_every_policy_allows_exactly_the_roles_of_the_matrix():
    world = discussion_world()
    space = services.create_working_group(
        world.cpts, name="Soins non programmés", users=[world["member"]], by=world["coordinator"]
    )
    targets = targets_in(space, world["member"], world["member"])
    # The row moderated is the member's: other_member has none in the group.
    expected = {**WORKING_GROUP, "can_moderate_participant": COORDINATION}
    assert_matrix(policies, expected, targets, world, roles=EVERY_ROLE)


def test_in_a_regional_group_every_policy_allows_exactly_the_roles_of_the_matrix():
    world = discussion_world()
    place = world.group.participants.get(user=world["participant"])
    targets = targets_in(world.group, world["participant"], world["participant"])
    assert targets["participant"](world) == place
    assert_matrix(policies, REGIONAL_GROUP, targets, world, roles=EVERY_ROLE)


def test_readable_spaces_lists_the_spaces_each_person_reads():
    world = discussion_world()
    services.ensure_cpts_spaces(world.cpts)
    group = services.create_working_group(world.cpts, name="Pilotage", users=[world["member"]], by=world["coordinator"])
    cpts_wide = set(DiscussionSpace.objects.filter(cpts=world.cpts, kind__in=[SpaceKind.MEMBERS, SpaceKind.MISSION]))
    expected = {
        "coordinator": cpts_wide | {group},
        "member": cpts_wide | {group},
        "other_member": cpts_wide,
        "manager": {world.group},
        "pilot": {world.group},
        "moderator": {world.group},
        "participant": {world.group},
        "muted": {world.group},
    }
    for role in EVERY_ROLE:
        readable = set(policies.readable_spaces(world[role]))
        assert readable == expected.get(role, set()), role
        for space in readable:
            assert policies.can_read(world[role], space), (role, space)
