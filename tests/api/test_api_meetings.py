"""/cpts/{id}/meetings and /cpts/{id}/time-entries: who reads what, declaring, validating
(with the yearly cap) and rejecting; reads of names are journaled."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.core.models import JournalEntry
from maillon.meetings import services
from maillon.meetings.factories import HourlyRateFactory, MeetingFactory, MeetingSlotFactory, TimeEntryFactory
from maillon.meetings.models import TimeEntry
from maillon.members.factories import MembershipFactory
from tests.meetings.conftest import member_user, membership_of

pytestmark = pytest.mark.django_db


def base(cpts):
    return f"/api/v1/cpts/{cpts.pk}"


@pytest.fixture
def adherent(cpts):
    return member_user(cpts)


@pytest.fixture
def meetings(cpts, adherent):
    invited = MeetingFactory(cpts=cpts, title="Groupe parcours")
    slot = MeetingSlotFactory(meeting=invited)
    services.invite(invited)
    services.answer_poll(meeting=invited, user=adherent, answers={slot.pk: "yes"})
    MembershipFactory(cpts=cpts)  # invited later to the second one only
    other = MeetingFactory(cpts=cpts, title="Bureau")
    other.invitations.create(membership=MembershipFactory(cpts=cpts))
    return invited, other, slot


def test_a_member_lists_and_reads_the_meetings_they_are_invited_to(api_client, cpts, adherent, token_headers, meetings):
    invited, other, slot = meetings
    headers = token_headers(adherent)
    body = api_client.get(f"{base(cpts)}/meetings", **headers).json()
    assert body["count"] == 1 and body["items"][0]["title"] == "Groupe parcours"
    assert body["items"][0]["invited_count"] == 1
    detail = api_client.get(f"{base(cpts)}/meetings/{invited.pk}", **headers).json()
    assert detail["slots"][0]["id"] == slot.pk
    [me] = detail["invitees"]
    assert me["membership_id"] == membership_of(adherent).pk and me["answers"] == [
        {"slot_id": slot.pk, "answer": "yes"}
    ]
    assert api_client.get(f"{base(cpts)}/meetings/{other.pk}", **headers).status_code == 404


def test_the_coordinator_reads_every_meeting_and_invitee_journaled(
    api_client, cpts, coordinator, token_headers, meetings
):
    invited, _, _ = meetings
    headers = token_headers(coordinator)
    assert api_client.get(f"{base(cpts)}/meetings", **headers).json()["count"] == 2
    assert api_client.get(f"{base(cpts)}/meetings?status=held", **headers).json()["count"] == 0
    detail = api_client.get(f"{base(cpts)}/meetings/{invited.pk}", **headers).json()
    assert len(detail["invitees"]) == 1
    entry = JournalEntry.objects.filter(action="read", object_type="meetings.Meeting").latest("pk")
    assert entry.note == "API : 1 invité(s)" and entry.actor_id == coordinator.pk


def test_a_member_declares_and_lists_their_own_time(api_client, cpts, adherent, token_headers):
    headers = token_headers(adherent)
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    response = api_client.post(
        f"{base(cpts)}/time-entries",
        {"date": day, "hours": "1.75", "mission": 3, "note": "Atelier"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    assert response.json()["state"] == "declared" and response.json()["hours"] == "1.75"
    TimeEntryFactory(cpts=cpts)  # someone else's
    body = api_client.get(f"{base(cpts)}/time-entries", **headers).json()
    assert body["count"] == 1 and body["items"][0]["note"] == "Atelier"
    # Everyone's time is not theirs to see: 404, as for a CPTS that does not exist.
    everyone = api_client.get(f"{base(cpts)}/time-entries?scope=all", **headers)
    assert everyone.status_code == 404 and everyone.json() == {"detail": "CPTS introuvable."}


def test_bad_declarations_answer_422_in_french(api_client, cpts, adherent, token_headers):
    headers = token_headers(adherent)
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    url = f"{base(cpts)}/time-entries"
    odd = api_client.post(url, {"date": day, "hours": "1.1"}, content_type="application/json", **headers)
    assert odd.status_code == 422 and "quarts d'heure" in odd.json()["detail"][0]["msg"]
    future = api_client.post(url, {"date": tomorrow, "hours": "1"}, content_type="application/json", **headers)
    assert future.status_code == 422 and future.json()["detail"][0]["loc"][-1] == "date"
    assert not TimeEntry.objects.exists()


def test_a_coordinator_without_an_adhesion_cannot_declare(api_client, cpts, coordinator, token_headers):
    response = api_client.post(
        f"{base(cpts)}/time-entries",
        {"date": "2025-03-04", "hours": "1"},
        content_type="application/json",
        **token_headers(coordinator),
    )
    assert response.status_code == 403


def test_validation_past_the_cap_needs_a_confirmation(api_client, cpts, coordinator, token_headers, settings):
    year = timezone.localdate().year
    settings.MAILLON_ANNUAL_INDEMNITY_CAP = {year: 100}
    HourlyRateFactory(cpts=cpts, year=year, amount=Decimal("60.00"))
    entry = TimeEntryFactory(cpts=cpts, date=datetime.date(year, 1, 1), hours=Decimal("2"))
    headers = token_headers(coordinator)
    url = f"{base(cpts)}/time-entries/{entry.pk}/validate"
    refused = api_client.post(url, {}, content_type="application/json", **headers)
    assert refused.status_code == 409 and "plafond annuel" in refused.json()["detail"]
    done = api_client.post(url, {"confirm_over_cap": True}, content_type="application/json", **headers)
    assert done.status_code == 200 and done.json()["state"] == "validated"
    again = api_client.post(url, {}, content_type="application/json", **headers)
    assert again.status_code == 409 and again.json()["detail"] == "Ce temps est déjà validé."


def test_rejection_with_a_reason_and_the_lists_by_state(api_client, cpts, coordinator, adherent, token_headers):
    entry = TimeEntryFactory(cpts=cpts, membership=membership_of(adherent))
    headers = token_headers(coordinator)
    url = f"{base(cpts)}/time-entries/{entry.pk}/reject"
    empty = api_client.post(url, {"reason": ""}, content_type="application/json", **headers)
    assert empty.status_code == 422
    assert (
        api_client.post(url, {"reason": "x"}, content_type="application/json", **token_headers(adherent)).status_code
        == 403
    )
    rejected = api_client.post(url, {"reason": "Hors mission"}, content_type="application/json", **headers).json()
    assert rejected["state"] == "rejected" and rejected["rejection_reason"] == "Hors mission"
    listed = api_client.get(f"{base(cpts)}/time-entries?scope=all&state=rejected", **headers).json()
    assert [item["id"] for item in listed["items"]] == [entry.pk]
    assert api_client.get(f"{base(cpts)}/time-entries?scope=all&state=declared", **headers).json()["count"] == 0
    validate = api_client.post(
        f"{base(cpts)}/time-entries/{entry.pk}/validate", {}, content_type="application/json", **headers
    )
    assert validate.status_code == 409
    read = JournalEntry.objects.filter(action="read", object_type="meetings.TimeEntry").latest("pk")
    assert read.actor_id == coordinator.pk and "Hors mission" not in read.note


def test_another_cpts_entry_is_404_even_for_a_coordinator(api_client, cpts, other_cpts, coordinator, token_headers):
    foreign = TimeEntryFactory(cpts=other_cpts)
    response = api_client.post(
        f"{base(cpts)}/time-entries/{foreign.pk}/validate",
        {},
        content_type="application/json",
        **token_headers(coordinator),
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert not foreign.is_validated


def test_a_member_reviewing_time_gets_403_on_their_own_and_404_on_another(api_client, cpts, adherent, token_headers):
    own = TimeEntryFactory(cpts=cpts, membership=membership_of(adherent))
    others = TimeEntryFactory(cpts=cpts)
    headers = token_headers(adherent)
    mine = api_client.post(
        f"{base(cpts)}/time-entries/{own.pk}/validate", {}, content_type="application/json", **headers
    )
    assert mine.status_code == 403
    hidden = api_client.post(
        f"{base(cpts)}/time-entries/{others.pk}/validate", {}, content_type="application/json", **headers
    )
    missing = api_client.post(f"{base(cpts)}/time-entries/0/validate", {}, content_type="application/json", **headers)
    assert hidden.status_code == missing.status_code == 404 and hidden.json() == missing.json()


def test_a_platform_admin_without_a_role_reads_no_meeting_and_no_time(api_client, cpts, meetings, token_headers):
    headers = token_headers(UserFactory(is_superuser=True, is_staff=True))
    for path in ("meetings", f"meetings/{meetings[0].pk}", "time-entries", "time-entries?scope=all"):
        response = api_client.get(f"{base(cpts)}/{path}", **headers)
        assert response.status_code == 404 and response.json() == {"detail": "CPTS introuvable."}
