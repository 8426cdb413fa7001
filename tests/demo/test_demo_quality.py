"""The demo's quality (mission 5), without the commune import: a conference held on an included
patient whose decisions went into the PPCS (one done on time, one late, one to come), one
asked for and one being polled; a review in analysis with its referent, one with its actions
decided (one done, one late) and its summary shared; a group with members and two sessions,
one held with its attendance (time counted), one to come — and no text naming a patient."""

import pytest
from django.utils import timezone

from maillon.contracts.factories import ContractFactory, MissionCommitmentFactory
from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.core.models import CptsStatus
from maillon.demo import pathways, quality
from maillon.meetings.models import Attendance, MeetingStatus, TimeEntry
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.quality.models import (
    CaseConference,
    ConferenceStatus,
    FollowUpStatus,
    IncidentReview,
    PracticeGroup,
    ReviewStatus,
    refuse_identifying_text,
)
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory

pytestmark = pytest.mark.django_db
SEED = 7


@pytest.fixture
def member():
    return UserFactory()


@pytest.fixture
def demo_cpts(member):
    cpts = CptsFactory(slug="demo-qualite", status=CptsStatus.ACI_SIGNED)
    for _ in range(3):
        TerritoryCommuneFactory(cpts=cpts, commune=CommuneFactory())
    MissionCommitmentFactory(contract=ContractFactory(cpts=cpts), mission=5)
    CptsRoleFactory(cpts=cpts, user=member)
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=member))
    for _ in range(3):
        MembershipFactory(cpts=cpts, professional=ProfessionalFactory())
    for trait in ("nurse", "nurse", "pharmacist", "pharmacist"):
        MembershipFactory(cpts=cpts, professional=ProfessionalFactory(**{trait: True}))
    return cpts


@pytest.fixture
def loaded(demo_cpts, member):
    coordinator = CptsRoleFactory(cpts=demo_cpts, coordinator=True).user
    today = timezone.localdate()
    pathways.ensure_pathways(demo_cpts, coordinator, seed=SEED, today=today, member=member)
    result = quality.ensure_quality(demo_cpts, coordinator, seed=SEED, today=today, member=member)
    assert result is not None
    return coordinator


def test_the_held_conference_carried_its_decisions_into_the_patient_s_plan(demo_cpts, member, loaded):
    today = timezone.localdate()
    held = CaseConference.objects.for_cpts(demo_cpts).get(status=ConferenceStatus.HELD)
    assert held.inclusion is not None and held.inclusion.lead.professional.user == member
    assert held.requested_by == member
    assert held.plan is not None and held.plan.inclusion == held.inclusion
    decisions = list(held.decisions.order_by("pk"))
    assert len(decisions) == 3 and all(row.plan_action_id for row in decisions)
    assert [row.status for row in decisions].count(FollowUpStatus.DONE) == 1
    assert next(row for row in decisions if row.status == FollowUpStatus.DONE).on_time
    assert sum(row.is_late_on(today) for row in decisions) == 1
    assert any(row.status == FollowUpStatus.OPEN and row.due_on > today for row in decisions)
    meeting = held.meeting
    assert meeting.status == MeetingStatus.HELD and meeting.mission == 5
    assert not meeting.invitations.filter(attendance=Attendance.UNKNOWN).exists()
    present = meeting.invitations.filter(attendance=Attendance.PRESENT).count()
    assert present and TimeEntry.objects.filter(meeting=meeting).count() == present


def test_one_conference_waits_to_be_prepared_and_one_is_being_polled(demo_cpts, loaded):
    conferences = CaseConference.objects.for_cpts(demo_cpts)
    assert conferences.filter(status=ConferenceStatus.REQUESTED, meeting=None).count() == 1
    polled = conferences.get(status=ConferenceStatus.SCHEDULED)
    assert polled.meeting.status == MeetingStatus.POLL
    assert all(slot.starts_at > timezone.now() for slot in polled.meeting.slots.all())


def test_no_text_of_a_conference_names_its_patient(demo_cpts, loaded):
    for conference in CaseConference.objects.for_cpts(demo_cpts).exclude(inclusion=None):
        inclusion = conference.inclusion
        names = (inclusion.birth_name, inclusion.used_name, *inclusion.given_names.split())
        texts = [conference.context, conference.question, conference.conclusions]
        texts += list(conference.decisions.values_list("description", flat=True))
        refuse_identifying_text({f"text{n}": ("Texte", text) for n, text in enumerate(texts)}, names=names)


def test_a_review_is_in_analysis_and_another_has_its_actions_and_its_summary_shared(demo_cpts, member, loaded):
    today = timezone.localdate()
    reviews = IncidentReview.objects.for_cpts(demo_cpts)
    analysing = reviews.get(status=ReviewStatus.ANALYSIS)
    assert analysing.referent == member and analysing.facts and not analysing.is_shared
    shared = reviews.get(status=ReviewStatus.ACTIONS)
    assert shared.is_shared and shared.summary and shared.lessons
    actions = list(shared.actions.all())
    assert [action.status for action in actions].count(FollowUpStatus.DONE) == 1
    assert sum(action.is_late_on(today) for action in actions) == 1


def test_the_group_has_members_a_held_session_with_attendance_and_one_to_come(demo_cpts, member, loaded):
    group = PracticeGroup.objects.for_cpts(demo_cpts).get()
    assert group.members.count() == quality.GROUP_SIZE
    assert group.facilitator.professional.user == member
    assert group.members.filter(pk=group.facilitator_id).exists()
    held, coming = group.sessions.order_by("pk")
    assert held.meeting.status == MeetingStatus.HELD and held.conference.status == ConferenceStatus.HELD
    assert held.meeting.invitations.count() == quality.GROUP_SIZE
    assert TimeEntry.objects.filter(meeting=held.meeting).count() == quality.GROUP_SIZE - 2
    assert coming.meeting.status == MeetingStatus.POLL and coming.review.is_shared


def test_loading_again_leaves_everything_as_it_was(demo_cpts, member, loaded):
    counts = (CaseConference.objects.count(), IncidentReview.objects.count(), PracticeGroup.objects.count())
    assert quality.ensure_quality(demo_cpts, loaded, seed=SEED, today=timezone.localdate(), member=member) is None
    assert (CaseConference.objects.count(), IncidentReview.objects.count(), PracticeGroup.objects.count()) == counts
