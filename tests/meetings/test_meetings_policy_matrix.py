"""The rights matrix of meetings, time and indemnities: every policy of
maillon/meetings/policies.py asked for every kind of user. Invitees, time, indemnities and
IBANs are personal data: the member themself and the coordination, nobody else — a platform
admin and the territory's officers included."""

import pytest

from maillon.meetings import policies
from maillon.meetings.factories import InvitationFactory, MeetingFactory, TimeEntryFactory
from tests.policy_matrix import CPTS_ROLES, assert_matrix, build_world

pytestmark = pytest.mark.django_db

COORDINATION = {"coordinator"}
THE_MEMBER = {"member"}  # invited to the meeting, owner of the time entry and of the adhesion
ADHERENTS = {"member", "other_member"}  # an active adhesion of their own (the coordinator has none)

EXPECTED = {
    "can_use_meetings": CPTS_ROLES,
    "can_manage_meetings": COORDINATION,
    "visible_meetings": COORDINATION | THE_MEMBER,
    "can_see_meeting": COORDINATION | THE_MEMBER,
    "can_answer_poll": THE_MEMBER,
    "can_see_invitees": COORDINATION,
    "can_run_meeting": COORDINATION,
    "can_declare_time": ADHERENTS,
    "can_see_all_time": COORDINATION,
    "can_set_hourly_rate": COORDINATION,
    "visible_time_entries": COORDINATION | THE_MEMBER,
    "can_see_time_entry": COORDINATION | THE_MEMBER,
    "can_edit_time_entry": THE_MEMBER,
    "can_review_time_entry": COORDINATION,
    "can_see_payments": COORDINATION,
    "can_see_statement": COORDINATION | THE_MEMBER,
    "can_edit_bank_details": THE_MEMBER,
    "can_manage_own_bank_details": CPTS_ROLES,
}


def the_member_s_adhesion(world):
    return world.professional.memberships.get(cpts=world.cpts)


def meeting_the_member_is_invited_to(world):
    if not hasattr(world, "meeting"):
        world.meeting = MeetingFactory(cpts=world.cpts)
        InvitationFactory(meeting=world.meeting, membership=the_member_s_adhesion(world))
    return world.meeting


def the_member_s_time(world):
    if not hasattr(world, "entry"):
        world.entry = TimeEntryFactory(cpts=world.cpts, membership=the_member_s_adhesion(world))
    return world.entry


def cpts_with_a_meeting_and_time(world):
    """The lists (`visible_…`) answer whether they hold anything: the member's meeting and time are there."""
    meeting_the_member_is_invited_to(world)
    the_member_s_time(world)
    return world.cpts


def test_every_meetings_policy_allows_exactly_the_roles_of_the_matrix():
    world = build_world()
    targets = {
        "cpts": cpts_with_a_meeting_and_time,
        "meeting": meeting_the_member_is_invited_to,
        "entry": the_member_s_time,
        "membership": the_member_s_adhesion,
    }
    assert_matrix(policies, EXPECTED, targets, world)
