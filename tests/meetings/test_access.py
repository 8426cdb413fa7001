"""Who reaches what: the coordinator manages, members answer and declare, another CPTS gets 404;
list pages have a fixed query budget."""

import pytest
from django.urls import reverse

from maillon.core.factories import UserFactory
from maillon.meetings import services
from maillon.meetings.factories import MeetingFactory, MeetingSlotFactory, TimeEntryFactory
from maillon.members.factories import MembershipFactory
from tests.conftest import verified_client

from .conftest import member_user

pytestmark = pytest.mark.django_db

COORDINATOR_ONLY = [("meetings_payments", {}), ("meetings_payments_export", {"fmt": "csv"})]
MEMBER_PAGES = ["meetings_list", "meetings_time", "meetings_bank_details"]


@pytest.mark.parametrize(("name", "kwargs"), COORDINATOR_ONLY)
def test_payments_are_for_the_coordinator_only(cpts, member, coordinator, name, kwargs):
    url = reverse(name, kwargs={"cpts_slug": cpts.slug, **kwargs})
    assert verified_client(member).get(url).status_code == 404
    assert verified_client(coordinator).get(url).status_code == 200


@pytest.mark.parametrize("name", MEMBER_PAGES)
@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_members_and_coordinators_read_the_member_pages(cpts, name, role, request):
    assert verified_client(request.getfixturevalue(role)).get(reverse(name, args=[cpts.slug])).status_code == 200


def test_a_member_posting_the_meeting_form_gets_403(cpts, member):
    # The member sees the list of meetings, but may not create one.
    url = reverse("meetings_list", args=[cpts.slug])
    assert (
        verified_client(member).post(url, {"title": "x", "slots": "12/01/2027 18:00", "duration": 60}).status_code
        == 403
    )
    assert not cpts.meetings.exists()


def test_a_member_sees_only_the_meetings_they_are_invited_to(cpts):
    user = member_user(cpts)
    invited, other = MeetingFactory(cpts=cpts, title="Invité ici"), MeetingFactory(cpts=cpts, title="Pas pour moi")
    services.invite(invited)
    page = verified_client(user).get(reverse("meetings_list", args=[cpts.slug])).content.decode()
    assert invited.title in page and other.title not in page


def test_objects_of_another_cpts_answer_404_even_to_its_coordinator(cpts, other_cpts, coordinator):
    meeting = MeetingFactory(cpts=other_cpts)
    slot = MeetingSlotFactory(meeting=meeting)
    foreign = MembershipFactory(cpts=other_cpts)
    entry = TimeEntryFactory(cpts=other_cpts, membership=foreign)
    client = verified_client(coordinator)
    assert client.get(reverse("meetings_meeting", args=[cpts.slug, meeting.pk])).status_code == 404
    choose = reverse("meetings_meeting_choose", args=[cpts.slug, meeting.pk])
    assert client.post(choose, {"slot": slot.pk}).status_code == 404
    assert client.get(reverse("meetings_statement", args=[cpts.slug, foreign.pk])).status_code == 404
    response = client.post(reverse("meetings_time_validate", args=[cpts.slug, entry.pk]))
    assert response.status_code == 404
    entry.refresh_from_db()
    assert not entry.is_validated


def fill(cpts, count):
    for _ in range(count):
        meeting = MeetingFactory(cpts=cpts)
        MeetingSlotFactory(meeting=meeting)
        membership = MembershipFactory(cpts=cpts)
        meeting.invitations.create(membership=membership)
        TimeEntryFactory(cpts=cpts, membership=membership)
        TimeEntryFactory(cpts=cpts, membership=membership, validated=True)


# Session, user, TOTP device, CPTS, role (5), then each page's own queries.
BUDGETS = {
    # my adhesion, meetings with their counts; menu
    "meetings_list": 9,
    # my adhesion, pending entries with members, validated project time of the year, rates; menu
    "meetings_time": 10,
    # hours per adhesion, rate, adhesions with IBAN, journal read (savepoint + insert); menu
    "meetings_payments": 11,
}


@pytest.mark.parametrize("name", sorted(BUDGETS))
@pytest.mark.parametrize("count", [1, 4])
def test_list_pages_have_a_fixed_query_budget(cpts, coordinator, name, count, django_assert_num_queries):
    fill(cpts, count)
    client = verified_client(coordinator)
    url = reverse(name, args=[cpts.slug])
    with django_assert_num_queries(BUDGETS[name]):
        assert client.get(url).status_code == 200


def test_a_platform_admin_without_a_role_reaches_no_meetings_page(cpts):
    """Invitees, time, indemnities and IBANs are personal data: 404, as for a CPTS that does not exist."""
    admin = UserFactory(is_superuser=True, is_staff=True, with_totp=True)
    membership = MembershipFactory(cpts=cpts)
    meeting = MeetingFactory(cpts=cpts)
    urls = [reverse(name, args=[cpts.slug]) for name in MEMBER_PAGES] + [
        reverse(name, kwargs={"cpts_slug": cpts.slug, **kwargs}) for name, kwargs in COORDINATOR_ONLY
    ]
    urls += [
        reverse("meetings_meeting", args=[cpts.slug, meeting.pk]),
        reverse("meetings_statement", args=[cpts.slug, membership.pk]),
    ]
    client = verified_client(admin)
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_an_invited_member_sees_the_meeting_but_may_not_edit_it(cpts):
    user = member_user(cpts)
    meeting = MeetingFactory(cpts=cpts)
    services.invite(meeting)
    client = verified_client(user)
    assert client.get(reverse("meetings_meeting", args=[cpts.slug, meeting.pk])).status_code == 200
    assert client.get(reverse("meetings_meeting_edit", args=[cpts.slug, meeting.pk])).status_code == 403
    assert client.post(reverse("meetings_meeting_delete", args=[cpts.slug, meeting.pk])).status_code == 403
    assert cpts.meetings.filter(pk=meeting.pk).exists()
