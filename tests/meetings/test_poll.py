"""The date poll: invitations by criteria, answers, the coordinator's choice."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillon.meetings import services
from maillon.meetings.factories import MeetingFactory, MeetingSlotFactory
from maillon.meetings.models import Answer, MeetingStatus, PollAnswer
from maillon.members.factories import CollegeFactory, MembershipFactory, ProfessionalFactory
from maillon.members.models import Involvement
from tests.conftest import verified_client

from .conftest import member_user, membership_of

pytestmark = pytest.mark.django_db


def test_invitations_follow_the_college_profession_and_involvement(cpts, other_cpts):
    doctors = CollegeFactory(cpts=cpts, name="Médecins")
    nurses = CollegeFactory(cpts=cpts, name="Paramédicaux")
    doctor = MembershipFactory(cpts=cpts, college=doctors, involvement=Involvement.MISSION)
    lead = MembershipFactory(cpts=cpts, college=doctors, involvement=Involvement.PROJECT_LEAD)
    nurse = MembershipFactory(cpts=cpts, college=nurses, professional=ProfessionalFactory(nurse=True))
    MembershipFactory(cpts=cpts, college=doctors, requested=True)  # not active yet
    MembershipFactory(cpts=other_cpts)

    def invited(**criteria):
        meeting = MeetingFactory(cpts=cpts)
        services.invite(meeting, **criteria)
        return set(meeting.invitations.values_list("membership", flat=True))

    assert invited() == {doctor.pk, lead.pk, nurse.pk}
    assert invited(colleges=[doctors]) == {doctor.pk, lead.pk}
    assert invited(professions=["60"]) == {nurse.pk}
    assert invited(colleges=[doctors], involvements=[Involvement.PROJECT_LEAD]) == {lead.pk}


def test_inviting_twice_invites_once(cpts):
    MembershipFactory(cpts=cpts)
    meeting = MeetingFactory(cpts=cpts)
    assert services.invite(meeting) == 1
    assert services.invite(meeting) == 0
    assert meeting.invitations.count() == 1


def test_the_coordinator_creates_a_meeting_with_its_slots_and_invitees(cpts, coordinator, invitee):
    response = verified_client(coordinator).post(
        reverse("meetings_list", args=[cpts.slug]),
        {
            "title": "Groupe parcours diabète",
            "mission": "2",
            "slots": "12/01/2027 18:30\n14/01/2027 12:00",
            "duration": "90",
        },
    )
    assert response.status_code == 302
    meeting = cpts.meetings.get()
    assert meeting.status == MeetingStatus.POLL and meeting.mission == 2
    assert next(slot.ends_at - slot.starts_at for slot in meeting.slots.all()).total_seconds() == 90 * 60
    assert list(meeting.invitations.values_list("membership", flat=True)) == [membership_of(invitee).pk]


def test_a_bad_slot_line_is_refused_in_french(cpts, coordinator):
    response = verified_client(coordinator).post(
        reverse("meetings_list", args=[cpts.slug]), {"title": "Réunion", "slots": "demain soir", "duration": "60"}
    )
    assert response.status_code == 200
    assert "Dates proposées : une date par ligne" in response.content.decode()
    assert not cpts.meetings.exists()


def test_an_invitee_answers_through_the_site_and_can_change_the_answer(cpts, invitee):
    meeting = MeetingFactory(cpts=cpts)
    first, second = MeetingSlotFactory(meeting=meeting), MeetingSlotFactory(meeting=meeting)
    services.invite(meeting)
    client = verified_client(invitee)
    url = reverse("meetings_meeting_answer", args=[cpts.slug, meeting.pk])
    client.post(url, {f"slot_{first.pk}": "yes", f"slot_{second.pk}": "no"})
    client.post(url, {f"slot_{first.pk}": "if_needed", f"slot_{second.pk}": "no"})
    answers = dict(PollAnswer.objects.values_list("slot", "answer"))
    assert answers == {first.pk: Answer.IF_NEEDED, second.pk: Answer.NO}


def test_someone_not_invited_cannot_answer_nor_see_the_meeting(cpts, member):
    meeting = MeetingFactory(cpts=cpts)
    slot = MeetingSlotFactory(meeting=meeting)
    outsider = member_user(cpts)
    url = reverse("meetings_meeting", args=[cpts.slug, meeting.pk])
    assert verified_client(outsider).get(url).status_code == 404
    answer = reverse("meetings_meeting_answer", args=[cpts.slug, meeting.pk])
    assert verified_client(outsider).post(answer, {f"slot_{slot.pk}": "yes"}).status_code == 404
    with pytest.raises(ValidationError):
        services.answer_poll(meeting=meeting, user=outsider, answers={slot.pk: "yes"})
    assert not PollAnswer.objects.exists()


def test_the_coordinator_sees_the_table_and_picks_a_slot(cpts, coordinator, invitee):
    meeting = MeetingFactory(cpts=cpts)
    first, second = MeetingSlotFactory(meeting=meeting), MeetingSlotFactory(meeting=meeting)
    services.invite(meeting)
    services.answer_poll(meeting=meeting, user=invitee, answers={first.pk: "no", second.pk: "yes"})
    client = verified_client(coordinator)
    url = reverse("meetings_meeting", args=[cpts.slug, meeting.pk])
    page = client.get(url).content.decode()
    assert str(invitee.professional) in page and "1 (0)" in page
    choose = reverse("meetings_meeting_choose", args=[cpts.slug, meeting.pk])
    assert client.post(choose, {"slot": second.pk})["Location"] == url
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    assert (meeting.starts_at, meeting.ends_at) == (second.starts_at, second.ends_at)
    # The poll is closed: answers are refused.
    with pytest.raises(ValidationError):
        services.answer_poll(meeting=meeting, user=invitee, answers={first.pk: "yes"})


def test_a_slot_of_another_meeting_cannot_be_chosen(cpts):
    meeting, other = MeetingFactory(cpts=cpts), MeetingSlotFactory(meeting__cpts=cpts)
    with pytest.raises(ValidationError):
        meeting.choose_slot(other, by=None)


def test_a_member_cannot_pick_the_slot(cpts, invitee):
    meeting = MeetingFactory(cpts=cpts)
    slot = MeetingSlotFactory(meeting=meeting)
    services.invite(meeting)
    url = reverse("meetings_meeting_choose", args=[cpts.slug, meeting.pk])
    assert verified_client(invitee).post(url, {"slot": slot.pk}).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.POLL
