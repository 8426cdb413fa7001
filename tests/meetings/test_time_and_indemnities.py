"""Attendance becomes time entries (once); indemnity = validated hours × the year's rate;
the yearly cap warns and refuses validation unless the coordinator confirms."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillon.meetings import services
from maillon.meetings.factories import HourlyRateFactory, MeetingFactory, TimeEntryFactory
from maillon.meetings.models import Attendance, MeetingStatus, TimeEntry, TimeKind
from maillon.members.factories import MembershipFactory
from tests.conftest import verified_client

from .conftest import member_user, membership_of

pytestmark = pytest.mark.django_db


def held_meeting(cpts, *members):
    meeting = MeetingFactory(cpts=cpts, scheduled=True)
    for membership in members:
        meeting.invitations.create(membership=membership)
    return meeting


def test_attendance_creates_validated_time_entries_once(cpts, coordinator):
    present, absent = MembershipFactory(cpts=cpts), MembershipFactory(cpts=cpts)
    meeting = held_meeting(cpts, present, absent)
    first = services.record_attendance(meeting=meeting, present_ids=[present.pk], by=coordinator)
    again = services.record_attendance(meeting=meeting, present_ids=[present.pk], by=coordinator)
    assert (first.created, again.created) == (1, 0)
    entry = TimeEntry.objects.get()
    assert entry.membership == present and entry.kind == TimeKind.MEETING and entry.meeting == meeting
    assert entry.hours == Decimal("2.00") and entry.mission == meeting.mission and entry.is_validated
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.invitations.get(membership=absent).attendance == Attendance.ABSENT


def test_correcting_the_attendance_moves_the_time(cpts, coordinator):
    one, two = MembershipFactory(cpts=cpts), MembershipFactory(cpts=cpts)
    meeting = held_meeting(cpts, one, two)
    services.record_attendance(meeting=meeting, present_ids=[one.pk], by=coordinator)
    result = services.record_attendance(meeting=meeting, present_ids=[two.pk], by=coordinator)
    assert (result.created, result.removed) == (1, 1)
    assert list(TimeEntry.objects.values_list("membership", flat=True)) == [two.pk]


def test_attendance_through_the_page(cpts, coordinator):
    membership = MembershipFactory(cpts=cpts)
    meeting = held_meeting(cpts, membership)
    url = reverse("meetings_meeting_attendance", args=[cpts.slug, meeting.pk])
    client = verified_client(coordinator)
    for _ in range(2):
        assert client.post(url, {"present": [membership.pk]}).status_code == 302
    assert TimeEntry.objects.count() == 1


def test_no_attendance_before_the_meeting_nor_during_the_poll(cpts):
    poll = MeetingFactory(cpts=cpts)
    with pytest.raises(ValidationError):
        services.record_attendance(meeting=poll, present_ids=[], by=None)
    future = MeetingFactory(cpts=cpts, scheduled=True)
    future.starts_at += datetime.timedelta(days=3)
    future.ends_at += datetime.timedelta(days=3)
    with pytest.raises(ValidationError):
        services.record_attendance(meeting=future, present_ids=[], by=None)


def test_durations_round_to_the_quarter_hour(cpts):
    meeting = MeetingFactory(cpts=cpts, scheduled=True)
    meeting.ends_at = meeting.starts_at + datetime.timedelta(minutes=100)
    assert meeting.duration_hours == Decimal("1.75")


def test_the_indemnity_uses_the_rate_of_each_year(cpts):
    membership = MembershipFactory(cpts=cpts)
    HourlyRateFactory(cpts=cpts, year=2024, amount=Decimal("40.00"))
    HourlyRateFactory(cpts=cpts, year=2025, amount=Decimal("55.50"))
    TimeEntryFactory(cpts=cpts, membership=membership, date=datetime.date(2024, 5, 2), hours="2.5", validated=True)
    TimeEntryFactory(cpts=cpts, membership=membership, date=datetime.date(2025, 1, 8), hours="1.25", validated=True)
    TimeEntryFactory(cpts=cpts, membership=membership, date=datetime.date(2025, 2, 8), hours="3")  # not validated
    assert services.indemnity(membership, 2024).amount == Decimal("100.00")
    assert services.indemnity(membership, 2025).amount == Decimal("69.38")  # 69.375 rounded half up
    assert services.indemnity(membership, 2026).amount == Decimal("0.00")  # no rate, no time


def test_the_cap_comes_from_the_setting_and_falls_back_to_the_latest_year(settings):
    settings.MAILLON_ANNUAL_INDEMNITY_CAP = {2023: 43_992, "2024": 46_368}
    assert services.annual_cap(2023) == services.Cap(2023, Decimal("43992.00"), True)
    assert services.annual_cap(2024).amount == Decimal("46368.00")
    fallback = services.annual_cap(2027)
    assert fallback.amount == Decimal("46368.00") and not fallback.confirmed


def test_declared_time_is_in_quarter_hours_and_in_the_past(cpts):
    membership = MembershipFactory(cpts=cpts)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert services.declare_time(membership=membership, date=yesterday, hours="1.75").hours == Decimal("1.75")
    for hours in ("1.1", "0", "25"):
        with pytest.raises(ValidationError):
            services.declare_time(membership=membership, date=yesterday, hours=hours)
    with pytest.raises(ValidationError):
        services.declare_time(membership=membership, date=timezone.localdate() + datetime.timedelta(days=1), hours=1)


def test_a_member_declares_time_and_the_coordinator_validates_it(cpts, coordinator):
    user = member_user(cpts)
    url = reverse("meetings_time_declare", args=[cpts.slug])
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    response = verified_client(user).post(url, {"date": day, "hours": "1,5", "mission": "3"})
    assert response["Location"] == reverse("meetings_time", args=[cpts.slug])
    entry = TimeEntry.objects.get()
    assert entry.membership == membership_of(user) and not entry.is_validated
    # A member cannot validate, even their own time (they see it: 403).
    validate = reverse("meetings_time_validate", args=[cpts.slug, entry.pk])
    assert verified_client(user).post(validate).status_code == 403
    assert verified_client(coordinator).post(validate).status_code == 302
    entry.refresh_from_db()
    assert entry.is_validated and entry.validated_by == coordinator


def test_validation_past_the_cap_is_refused_unless_confirmed(cpts, coordinator, settings):
    year = timezone.localdate().year
    settings.MAILLON_ANNUAL_INDEMNITY_CAP = {year: 1000}
    membership = MembershipFactory(cpts=cpts)
    HourlyRateFactory(cpts=cpts, year=year, amount=Decimal("100.00"))
    day = datetime.date(year, 1, 1)
    TimeEntryFactory(cpts=cpts, membership=membership, date=day, hours="9", validated=True)
    entry = TimeEntryFactory(cpts=cpts, membership=membership, date=day, hours="2")
    url = reverse("meetings_time_validate", args=[cpts.slug, entry.pk])
    client = verified_client(coordinator)
    page = client.post(url)
    assert page.status_code == 200
    assert "atteindrait 1100.00 €, au-delà du plafond annuel de 1000.00 €" in page.content.decode()
    entry.refresh_from_db()
    assert not entry.is_validated
    assert client.post(url, {"confirm": "1"}).status_code == 302
    entry.refresh_from_db()
    assert entry.is_validated
    row = services.indemnity(membership, year)
    assert (row.amount, row.capped_amount, row.over_cap) == (Decimal("1100.00"), Decimal("1000.00"), True)


def test_attendance_past_the_cap_warns(cpts, coordinator, settings):
    membership = MembershipFactory(cpts=cpts)
    meeting = held_meeting(cpts, membership)
    year = timezone.localtime(meeting.starts_at).year
    settings.MAILLON_ANNUAL_INDEMNITY_CAP = {year - 5: 100}
    HourlyRateFactory(cpts=cpts, year=year, amount=Decimal("80.00"))
    result = services.record_attendance(meeting=meeting, present_ids=[membership.pk], by=coordinator)
    assert [row.membership for row in result.over_cap] == [membership]
    assert not result.over_cap[0].cap.confirmed


def test_the_coordinator_sets_the_hourly_rate(cpts, coordinator):
    url = reverse("meetings_time_rate", args=[cpts.slug])
    verified_client(coordinator).post(url, {"year": "2026", "amount": "42,50"})
    verified_client(coordinator).post(url, {"year": "2026", "amount": "45"})
    assert services.hourly_rate(cpts, 2026) == Decimal("45.00")
