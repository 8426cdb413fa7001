"""The rights matrix of mission 5: every policy of maillon/quality/policies.py asked for every
kind of user — the coordinator, the member who asked for the conference and reported the event
(`member`), an adherent invited to the conference (`invited`), one in the patient's care team
(`care_team`), the owner of a decision and of an improvement action (`owner`), the referent of
the review (`referent`), the group's facilitator (`facilitator`), a member with no link
(`other_member`), another CPTS's coordinator (`outsider`), the territory's officers, a platform
admin and an anonymous visitor. Health data: nobody outside the CPTS, the admin included."""

import pytest

from maillon.core.factories import CptsRoleFactory
from maillon.core.models import Cpts, CptsStatus
from maillon.meetings.factories import InvitationFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.models import Membership, MembershipStatus
from maillon.pathways.factories import CareTeamMemberFactory, InclusionFactory
from maillon.quality import policies
from maillon.quality.factories import (
    CaseConferenceFactory,
    ConferenceDecisionFactory,
    GroupSessionFactory,
    ImprovementActionFactory,
    IncidentReviewFactory,
    PracticeGroupFactory,
)
from tests.policy_matrix import ROLES, allowed_roles, assert_matrix, build_world

pytestmark = pytest.mark.django_db

EXTRA_ROLES = ("invited", "care_team", "owner", "referent", "facilitator")
QUALITY_ROLES = (*(role for role in ROLES if role != "sas_regulator"), *EXTRA_ROLES)
CPTS = {"coordinator", "member", "other_member", *EXTRA_ROLES}
COORDINATION = {"coordinator"}
NOBODY: set[str] = set()

EXPECTED = {
    "can_use_quality": CPTS,
    "can_write_quality": CPTS,
    "can_manage_quality": COORDINATION,
    # Conferences (a scheduled one, on an included patient).
    "visible_conferences": COORDINATION | {"member", "invited", "care_team", "owner"},
    "can_see_conference": COORDINATION | {"member", "invited", "care_team"},
    "can_request_conference": CPTS,
    "can_request_for": COORDINATION | {"care_team"},
    "can_prepare_conference": NOBODY,  # scheduled already (see the requested one below)
    "can_record_conference": COORDINATION | {"member"},
    "can_cancel_conference": COORDINATION | {"member"},
    "can_run_conference": COORDINATION | {"member"},
    # Decisions (an open one of a held conference the member asked for).
    "can_complete_decision": COORDINATION | {"member", "owner"},
    "can_drop_decision": COORDINATION | {"member"},
    "visible_decisions": COORDINATION | {"member", "invited", "care_team", "owner"},
    # Reviews (one in analysis, reported by the member, not shared) and their actions.
    "can_report_event": CPTS,
    "visible_reviews": COORDINATION | {"member", "referent"},
    "can_see_review": COORDINATION | {"member", "referent"},
    "can_assign_referent": NOBODY,  # in analysis already
    "can_analyse_review": COORDINATION | {"referent"},
    "can_decide_review": COORDINATION | {"referent"},  # in analysis
    "can_close_review": NOBODY,  # not at its actions yet
    "can_dismiss_review": COORDINATION | {"referent"},
    "can_share_review": NOBODY,  # the analysis is not done
    "can_complete_action": COORDINATION | {"referent", "owner"},
    "can_drop_action": COORDINATION | {"referent"},
    "visible_improvement_actions": COORDINATION | {"member", "referent", "owner"},
    # Groups.
    "visible_groups": CPTS,
    "can_create_group": COORDINATION,
    "can_manage_group": COORDINATION | {"facilitator"},
    "visible_sessions": CPTS,
    # Pathway evaluation.
    "can_evaluate_pathway": COORDINATION | {"care_team"},
}


def adherent(world, role):
    """A member of the CPTS with an account, a card and an active adhesion."""
    user = CptsRoleFactory(cpts=world.cpts).user
    world.users[role] = user
    return MembershipFactory(cpts=world.cpts, professional=ProfessionalFactory(user=user))


def quality_world():
    world = build_world()
    memberships = {role: adherent(world, role) for role in EXTRA_ROLES}
    requester = world["member"]
    inclusion = InclusionFactory(cpts=world.cpts)  # its lead has no account
    CareTeamMemberFactory(inclusion=inclusion, membership=memberships["care_team"])
    conference = CaseConferenceFactory(cpts=world.cpts, inclusion=inclusion, requested_by=requester, scheduled=True)
    InvitationFactory(meeting=conference.meeting, membership=memberships["invited"])
    held = CaseConferenceFactory(cpts=world.cpts, inclusion=inclusion, requested_by=requester, held=True)
    InvitationFactory(meeting=held.meeting, membership=memberships["invited"])
    decision = ConferenceDecisionFactory(conference=held, owner=memberships["owner"])
    review = IncidentReviewFactory(cpts=world.cpts, reported_by=requester, analysis=True, referent=world["referent"])
    action = ImprovementActionFactory(review=review, owner=memberships["owner"])
    group = PracticeGroupFactory(cpts=world.cpts, facilitator=memberships["facilitator"])
    GroupSessionFactory(group=group)
    world.made = {
        "memberships": memberships,
        "inclusion": inclusion,
        "conference": conference,
        "held": held,
        "decision": decision,
        "review": review,
        "action": action,
        "group": group,
    }
    return world


@pytest.fixture
def world():
    return quality_world()


def targets():
    return {
        "cpts": lambda w: w.cpts,
        "inclusion": lambda w: w.made["inclusion"],
        "conference": lambda w: w.made["conference"],
        "decision": lambda w: w.made["decision"],
        "review": lambda w: w.made["review"],
        "action": lambda w: w.made["action"],
        "group": lambda w: w.made["group"],
    }


def allowed(policy, world, target):
    return allowed_roles(policy, world, target, roles=QUALITY_ROLES)


def test_every_quality_policy_allows_exactly_the_roles_of_the_matrix(world):
    assert_matrix(policies, EXPECTED, targets(), world, roles=QUALITY_ROLES)


def test_a_requested_conference_is_prepared_by_the_coordination_and_cancelled_by_its_requester(world):
    conference = CaseConferenceFactory(cpts=world.cpts, requested_by=world["member"])
    assert allowed(policies.can_prepare_conference, world, conference) == COORDINATION
    assert allowed(policies.can_cancel_conference, world, conference) == COORDINATION | {"member"}
    assert allowed(policies.can_record_conference, world, conference) == NOBODY  # not scheduled
    assert allowed(policies.can_see_conference, world, conference) == COORDINATION | {"member"}


def test_a_held_conference_is_seen_by_its_decision_owner_and_closed_to_any_move(world):
    held = world.made["held"]
    assert allowed(policies.can_see_conference, world, held) == COORDINATION | {
        "member",
        "invited",
        "care_team",
        "owner",
    }
    for policy in (policies.can_prepare_conference, policies.can_record_conference, policies.can_cancel_conference):
        assert allowed(policy, world, held) == NOBODY


def test_only_who_sees_the_patient_reads_the_link_to_the_inclusion(world):
    conference = world.made["conference"]
    sees = {role for role in QUALITY_ROLES if policies.sees_patient(world[role], conference)}
    assert sees == COORDINATION | {"care_team"}
    # The requester and the invited adherent read « Cas n° … » only.
    assert not policies.sees_patient(world["member"], conference)
    assert not policies.sees_patient(world["invited"], conference)


def test_a_done_or_dropped_follow_up_moves_no_more(world):
    done = ConferenceDecisionFactory(conference=world.made["held"], owner=world.made["memberships"]["owner"], done=True)
    assert allowed(policies.can_complete_decision, world, done) == NOBODY
    assert allowed(policies.can_drop_decision, world, done) == NOBODY
    action = ImprovementActionFactory(review=world.made["review"], owner=world.made["memberships"]["owner"], done=True)
    assert allowed(policies.can_complete_action, world, action) == NOBODY
    assert allowed(policies.can_drop_action, world, action) == NOBODY


def test_an_owner_whose_adhesion_ended_no_longer_completes_it(world):
    owner = world.made["memberships"]["owner"]
    Membership.objects.filter(pk=owner.pk).update(status=MembershipStatus.LEFT)
    decision = type(world.made["decision"]).objects.get(pk=world.made["decision"].pk)
    assert allowed(policies.can_complete_decision, world, decision) == COORDINATION | {"member"}


def test_the_review_moves_through_its_stages_in_the_hands_of_the_coordination_and_the_referent(world):
    reported = IncidentReviewFactory(cpts=world.cpts, reported_by=world["member"])
    assert allowed(policies.can_assign_referent, world, reported) == COORDINATION
    assert allowed(policies.can_dismiss_review, world, reported) == COORDINATION  # no referent yet
    assert allowed(policies.can_see_review, world, reported) == COORDINATION | {"member"}
    actions = IncidentReviewFactory(
        cpts=world.cpts, reported_by=world["member"], actions=True, referent=world["referent"]
    )
    assert allowed(policies.can_close_review, world, actions) == COORDINATION | {"referent"}
    assert allowed(policies.can_share_review, world, actions) == COORDINATION | {"referent"}
    assert allowed(policies.can_dismiss_review, world, actions) == NOBODY
    assert allowed(policies.can_analyse_review, world, actions) == COORDINATION | {"referent"}
    closed = IncidentReviewFactory(
        cpts=world.cpts, reported_by=world["member"], closed=True, referent=world["referent"]
    )
    assert allowed(policies.can_share_review, world, closed) == COORDINATION | {"referent"}
    for policy in (policies.can_analyse_review, policies.can_close_review, policies.can_dismiss_review):
        assert allowed(policy, world, closed) == NOBODY


def test_a_shared_review_is_read_by_every_member_but_whole_only_by_its_people(world):
    shared = IncidentReviewFactory(
        cpts=world.cpts, reported_by=world["member"], actions=True, referent=world["referent"], shared=True
    )
    assert allowed(policies.can_see_review, world, shared) == CPTS
    whole = {role for role in QUALITY_ROLES if policies.reads_review_whole(world[role], shared)}
    assert whole == COORDINATION | {"member", "referent"}


def test_a_closed_group_is_changed_by_nobody(world):
    import datetime

    group = PracticeGroupFactory(
        cpts=world.cpts, facilitator=world.made["memberships"]["facilitator"], closed_on=datetime.date(2026, 1, 1)
    )
    assert allowed(policies.can_manage_group, world, group) == NOBODY


def test_a_dissolved_cpts_is_read_not_written(world):
    Cpts.objects.filter(pk=world.cpts.pk).update(status=CptsStatus.DISSOLVED)
    cpts = Cpts.objects.get(pk=world.cpts.pk)
    assert allowed(policies.can_use_quality, world, cpts) == CPTS
    for policy in (policies.can_write_quality, policies.can_request_conference, policies.can_report_event):
        assert allowed(policy, world, cpts) == NOBODY
    conference = type(world.made["conference"]).objects.select_related("cpts").get(pk=world.made["conference"].pk)
    assert allowed(policies.can_record_conference, world, conference) == NOBODY
    assert allowed(policies.can_see_conference, world, conference) == COORDINATION | {"member", "invited", "care_team"}


def test_a_closed_inclusion_takes_no_new_conference_but_is_still_evaluated(world):
    inclusion = world.made["inclusion"]
    inclusion.close(by=world["coordinator"], reason="completed")
    assert allowed(policies.can_request_for, world, inclusion) == NOBODY
    assert allowed(policies.can_evaluate_pathway, world, inclusion) == COORDINATION | {"care_team"}
