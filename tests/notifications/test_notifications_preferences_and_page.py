"""Per-person preferences filter the channels (a crisis alert is never switched off); the
header shows the unread count; the page lists the notifications and marks them read."""

import pytest
from django.core import mail
from django.urls import reverse

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.notifications import kinds
from maillon.core.notifications.factories import NotificationFactory, NotificationPreferenceFactory
from maillon.core.notifications.models import Channel, Notification, NotificationPreference
from maillon.core.notifications.sending import Recipient, channels_for
from maillon.crisis_response import dispatch
from maillon.members.factories import ProfessionalFactory
from maillon.snp import notifications as snp_notifications
from maillon.snp.factories import DutyCallFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def test_without_a_choice_every_channel_the_person_can_be_reached_on(cpts):
    professional = ProfessionalFactory(user=UserFactory())
    call = DutyCallFactory(request__cpts=cpts, professional=professional)
    snp_notifications.send_duty_call.call(call.pk)
    assert [message.to for message in mail.outbox] == [[professional.email]]
    assert Notification.objects.get().user == professional.user


def test_a_person_who_switched_email_off_is_told_on_the_site_only(cpts):
    professional = ProfessionalFactory(user=UserFactory())
    NotificationPreferenceFactory(user=professional.user, kind=kinds.SNP_DUTY_CALL, email=False)
    call = DutyCallFactory(request__cpts=cpts, professional=professional)
    snp_notifications.send_duty_call.call(call.pk)
    assert mail.outbox == []
    notification = Notification.objects.get(user=professional.user)
    assert notification.url == reverse("snp_request_duty", args=[cpts.slug])


def test_a_kind_switched_off_entirely_sends_nothing(cpts):
    professional = ProfessionalFactory(user=UserFactory())
    NotificationPreferenceFactory(user=professional.user, kind=kinds.SNP_DUTY_CALL, email=False, in_app=False)
    call = DutyCallFactory(request__cpts=cpts, professional=professional)
    assert snp_notifications.send_duty_call.call(call.pk) is False
    assert mail.outbox == [] and not Notification.objects.exists()


def test_a_crisis_alert_cannot_be_switched_off():
    user = UserFactory()
    preference = NotificationPreferenceFactory(user=user, kind=kinds.CRISIS_ALERT, email=False, sms=False)
    recipient = Recipient(key="professional:1", user_id=user.pk, email="a@example.org", phone="06 12 34 56 78")
    assert channels_for(recipient, kinds.CRISIS_ALERT, preference) == [Channel.EMAIL, Channel.SMS]
    preference.sms = True
    assert channels_for(recipient, kinds.CRISIS_ALERT, preference) == [Channel.SMS]


def test_the_crisis_outbox_follows_the_members_own_channel_choice():
    user = UserFactory()
    professional = ProfessionalFactory(user=user, phone="06 12 34 56 78")
    personal = NotificationPreferenceFactory(user=user, kind=kinds.CRISIS_ALERT, email=False, sms=True)
    assert dispatch.channels_for(professional, None, personal) == [Channel.SMS]
    personal.sms, personal.email = False, False  # off everywhere: not possible, both kept
    assert sorted(dispatch.channels_for(professional, None, personal)) == [Channel.EMAIL, Channel.SMS]


def test_the_header_shows_the_unread_count(cpts, coordinator):
    NotificationFactory.create_batch(3, user=coordinator)
    NotificationFactory(user=coordinator, read_at="2026-01-01T00:00:00Z")
    NotificationFactory()  # someone else's
    page = verified_client(coordinator).get(reverse("account")).content.decode()
    assert 'data-unread="3"' in page
    assert reverse("account_notifications") in page


def test_the_header_count_of_a_user_without_a_role(cpts):
    user = UserFactory(with_totp=True)
    NotificationFactory.create_batch(2, user=user)
    page = verified_client(user).get(reverse("account")).content.decode()
    assert 'data-unread="2"' in page


def test_no_badge_when_everything_is_read(cpts, coordinator):
    page = verified_client(coordinator).get(reverse("account")).content.decode()
    assert "data-unread" not in page and "Notifications" in page


def test_the_page_lists_my_notifications_and_marks_them_read(cpts, coordinator):
    mine = NotificationFactory(user=coordinator, title="Réunion fixée")
    other = NotificationFactory(title="Pas pour moi")
    client = verified_client(coordinator)
    page = client.get(reverse("account_notifications")).content.decode()
    assert "Réunion fixée" in page and "Pas pour moi" not in page
    assert "ne peuvent pas être désactivées" in page  # the crisis alerts, said on the page
    client.post(reverse("account_notifications_read"), {"notification": other.pk})
    other.refresh_from_db()
    assert other.read_at is None  # not mine: untouched
    client.post(reverse("account_notifications_read"), {"notification": mine.pk})
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'data-unread="' not in client.get(reverse("account")).content.decode()


def test_marking_all_read(cpts, coordinator):
    NotificationFactory.create_batch(2, user=coordinator)
    verified_client(coordinator).post(reverse("account_notifications_read"))
    assert not Notification.objects.filter(user=coordinator, read_at__isnull=True).exists()


def test_saving_preferences(cpts, coordinator):
    client = verified_client(coordinator)
    data = {kind.name: list(kind.channels) for kind in kinds.listed()}
    data[kinds.MEETINGS_INVITATION] = [Channel.IN_APP]
    data[kinds.CRISIS_ALERT] = [Channel.SMS]
    assert client.post(reverse("account_notification_preferences"), data).status_code == 302
    saved = NotificationPreference.objects.get(user=coordinator, kind=kinds.MEETINGS_INVITATION)
    assert (saved.in_app, saved.email) == (True, False)
    page = client.get(reverse("account_notifications")).content.decode()
    assert 'value="email" id="pref-' in page


def test_a_crisis_alert_without_any_channel_is_refused(cpts, coordinator):
    client = verified_client(coordinator)
    data = {kind.name: list(kind.channels) for kind in kinds.listed()}
    data[kinds.CRISIS_ALERT] = []
    response = client.post(reverse("account_notification_preferences"), data)
    assert response.status_code == 400
    assert "ne peuvent pas être désactivées" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=coordinator).exists()


def test_a_member_who_switched_mailings_off_is_not_selected(cpts, coordinator):
    from maillon.members.factories import MembershipFactory
    from maillon.members.mailing import select_recipients

    kept = MembershipFactory(cpts=cpts)
    quiet = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=UserFactory()))
    NotificationPreferenceFactory(user=quiet.professional.user, kind=kinds.MEMBERS_MAILING, email=False)
    assert list(select_recipients(cpts, {})) == [kept]


def test_email_switched_off_for_another_kind_does_not_drop_a_member_from_mailings(cpts, coordinator):
    from maillon.members.factories import MembershipFactory
    from maillon.members.mailing import select_recipients

    member = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=UserFactory()))
    user = member.professional.user
    NotificationPreferenceFactory(user=user, kind=kinds.MEETINGS_INVITATION, email=False)
    NotificationPreferenceFactory(user=user, kind=kinds.MEMBERS_MAILING, email=True)
    assert list(select_recipients(cpts, {})) == [member]


def test_the_pages_need_a_login(client):
    response = client.get(reverse("account_notifications"))
    assert response.status_code == 302


def test_escalation_reaches_each_coordinator_on_their_channels(cpts, coordinator):
    from maillon.snp.factories import CareRequestFactory

    second = CptsRoleFactory(cpts=cpts, coordinator=True).user
    NotificationPreferenceFactory(user=second, kind=kinds.SNP_ESCALATION, email=False)
    request = CareRequestFactory(cpts=cpts)
    assert snp_notifications.send_escalation.call(request.pk) is True
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert set(Notification.objects.values_list("user", flat=True)) == {coordinator.pk, second.pk}
