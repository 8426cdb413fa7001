"""One view per action of the meeting and time pages: each answers a POST only, refuses an
invitee who is not the coordination (403, they see the meeting), someone who does not see the
object (404), and comes back to its page once done."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.meetings import services
from maillon.meetings.factories import MeetingFactory, MeetingSlotFactory, TimeEntryFactory
from maillon.meetings.models import HourlyRate, MeetingStatus, TimeEntry
from tests.conftest import verified_client

from .conftest import member_user, membership_of

pytestmark = pytest.mark.django_db

MEETING_ACTIONS = ["answer", "choose", "cancel", "invite", "search", "invite_picked", "attendance"]
COORDINATION_ACTIONS = [action for action in MEETING_ACTIONS if action != "answer"]
TIME_REVIEWS = ["validate", "reject", "unvalidate"]


@pytest.fixture
def meeting(cpts, invitee):
    meeting = MeetingFactory(cpts=cpts)
    MeetingSlotFactory(meeting=meeting)
    services.invite(meeting)
    return meeting


def meeting_url(meeting, action=None):
    name = f"meetings_meeting_{action}" if action else "meetings_meeting"
    return reverse(name, args=[meeting.cpts.slug, meeting.pk])


@pytest.mark.parametrize("action", MEETING_ACTIONS)
def test_a_meeting_action_answers_only_a_post(meeting, coordinator, action):
    assert verified_client(coordinator).get(meeting_url(meeting, action)).status_code == 405


def test_the_meeting_page_answers_only_a_get(meeting, coordinator):
    assert verified_client(coordinator).post(meeting_url(meeting)).status_code == 405


@pytest.mark.parametrize("action", COORDINATION_ACTIONS)
def test_an_invitee_may_not_run_the_meeting(meeting, invitee, action):
    assert verified_client(invitee).post(meeting_url(meeting, action)).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.POLL


@pytest.mark.parametrize("action", MEETING_ACTIONS)
def test_a_member_not_invited_does_not_see_the_meeting(cpts, meeting, action):
    assert verified_client(member_user(cpts)).post(meeting_url(meeting, action)).status_code == 404


def test_the_coordinator_cancels_the_meeting(meeting, coordinator):
    response = verified_client(coordinator).post(meeting_url(meeting, "cancel"))
    assert response["Location"] == meeting_url(meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


def test_a_refused_action_shows_the_page_with_the_reason(meeting, coordinator):
    meeting.cancel(by=coordinator)
    response = verified_client(coordinator).post(meeting_url(meeting, "cancel"))
    assert response.status_code == 200
    assert "fr-alert--error" in response.content.decode()


def test_the_invitee_answers_the_poll(meeting, invitee):
    slot = meeting.slots.get()
    response = verified_client(invitee).post(meeting_url(meeting, "answer"), {f"slot_{slot.pk}": "yes"})
    assert response["Location"] == meeting_url(meeting)
    assert meeting.invitations.get().answers.get().answer == "yes"


def test_the_search_shows_the_page_with_the_names_found(cpts, meeting, coordinator):
    from maillon.members.factories import MembershipFactory, ProfessionalFactory

    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(last_name="Quéméner"))
    response = verified_client(coordinator).post(meeting_url(meeting, "search"), {"q": "quemener"})
    assert response.status_code == 200
    assert "Quéméner" in response.content.decode()


def test_the_attendance_is_recorded(cpts, coordinator):
    present = member_user(cpts)
    meeting = MeetingFactory(cpts=cpts, scheduled=True)
    meeting.invitations.create(membership=membership_of(present))
    response = verified_client(coordinator).post(
        meeting_url(meeting, "attendance"), {"present": [membership_of(present).pk]}
    )
    assert response["Location"] == meeting_url(meeting)
    assert TimeEntry.objects.get().membership == membership_of(present)


# --- Time ------------------------------------------------------------------------------------


def time_url(cpts, action=None, entry=None):
    name = f"meetings_time_{action}" if action else "meetings_time"
    return reverse(name, args=[cpts.slug] + ([entry.pk] if entry else []))


@pytest.mark.parametrize("action", ["declare", "rate"])
def test_a_time_action_answers_only_a_post(cpts, coordinator, action):
    assert verified_client(coordinator).get(time_url(cpts, action)).status_code == 405


@pytest.mark.parametrize("action", TIME_REVIEWS)
def test_a_review_answers_only_a_post(cpts, coordinator, action):
    entry = TimeEntryFactory(cpts=cpts)
    assert verified_client(coordinator).get(time_url(cpts, action, entry)).status_code == 405


def test_a_member_may_not_set_the_hourly_rate(cpts, invitee):
    response = verified_client(invitee).post(time_url(cpts, "rate"), {"year": "2026", "amount": "40"})
    assert response.status_code == 403
    assert not HourlyRate.objects.exists()


def test_the_coordinator_without_adhesion_may_not_declare_time(cpts, coordinator):
    response = verified_client(coordinator).post(time_url(cpts, "declare"), {"date": "2026-01-05", "hours": "1"})
    assert response.status_code == 403


def test_a_refused_declaration_shows_the_page_with_the_bound_form(cpts, invitee):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = verified_client(invitee).post(time_url(cpts, "declare"), {"date": tomorrow, "hours": "1"})
    assert response.status_code == 200
    assert f'value="{tomorrow}"' in response.content.decode()
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize("action", TIME_REVIEWS)
def test_a_member_may_not_review_their_own_time(cpts, invitee, action):
    entry = TimeEntryFactory(cpts=cpts, membership=membership_of(invitee))
    assert verified_client(invitee).post(time_url(cpts, action, entry), {"reason": "x"}).status_code == 403


@pytest.mark.parametrize("action", TIME_REVIEWS)
def test_another_members_time_is_not_seen(cpts, invitee, action):
    entry = TimeEntryFactory(cpts=cpts)
    assert verified_client(invitee).post(time_url(cpts, action, entry), {"reason": "x"}).status_code == 404


def test_the_coordinator_validates_then_withdraws(cpts, coordinator):
    entry = TimeEntryFactory(cpts=cpts)
    client = verified_client(coordinator)
    assert client.post(time_url(cpts, "validate", entry))["Location"] == time_url(cpts)
    entry.refresh_from_db()
    assert entry.is_validated
    assert client.post(time_url(cpts, "unvalidate", entry))["Location"] == time_url(cpts)
    entry.refresh_from_db()
    assert not entry.is_validated
