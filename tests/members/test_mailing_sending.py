"""Sending a message: one e-mail each with an unsubscribe link, failures recorded, all kept.

The sending is queued on commit (the queue runs inline in tests): `send` runs it."""

from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import TestCase

from maillon.core.models import JournalEntry
from maillon.members.factories import MembershipFactory
from maillon.members.mailing import SendResult, send_mailing
from maillon.members.models import Mailing, MailingRecipient, RecipientStatus

pytestmark = pytest.mark.django_db


def send(cpts, by, **criteria):
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = send_mailing(cpts, subject="Réunion plénière", body="Bonjour,\nà jeudi.", criteria=criteria, by=by)
    statuses = list(result.mailing.recipients.values_list("status", flat=True))
    return SendResult(result.mailing, statuses.count(RecipientStatus.SENT), statuses.count(RecipientStatus.FAILED))


def test_each_recipient_gets_one_email_with_the_unsubscribe_header_and_footer(cpts, coordinator, settings):
    settings.SITE_URL = "https://maillon.example"
    first, second = MembershipFactory(cpts=cpts), MembershipFactory(cpts=cpts)

    result = send(cpts, coordinator)

    assert (result.sent, result.failed) == (2, 0)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [first.professional.email, second.professional.email]
    )
    for message in mail.outbox:
        assert len(message.to) == 1
        assert message.subject == "Réunion plénière"
        assert message.from_email == settings.DEFAULT_FROM_EMAIL
        link = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert link.startswith(f"https://maillon.example/cpts/{cpts.slug}/desinscription/")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.body.startswith("Bonjour,\nà jeudi.")
        assert link in message.body
        assert message.to[0] not in link


def test_the_connection_is_opened_once_for_all_recipients(cpts, coordinator):
    for _ in range(3):
        MembershipFactory(cpts=cpts)

    with mock.patch("maillon.core.notifications.sending.get_connection", wraps=mail.get_connection) as get_connection:
        send(cpts, coordinator)

    assert get_connection.call_count == 1
    assert len(mail.outbox) == 3


def test_the_message_is_kept_with_its_recipients_and_criteria(cpts, coordinator):
    membership = MembershipFactory(cpts=cpts)

    mailing = send(cpts, coordinator, involvements=["mailing_list"]).mailing

    mailing = Mailing.objects.get(pk=mailing.pk)
    assert (mailing.subject, mailing.sent_by, mailing.recipient_count) == ("Réunion plénière", coordinator, 1)
    assert mailing.criteria["involvements"] == ["mailing_list"]
    recipient = mailing.recipients.get()
    assert (recipient.membership, recipient.email, recipient.status) == (
        membership,
        membership.professional.email,
        RecipientStatus.SENT,
    )


def test_a_failing_recipient_does_not_stop_the_others(cpts, coordinator):
    memberships = [MembershipFactory(cpts=cpts) for _ in range(3)]
    failing = memberships[1].professional.email
    real_send = EmailBackend.send_messages

    def send_messages(self, messages):
        if messages[0].to == [failing]:
            raise ConnectionError("refused")
        return real_send(self, messages)

    with mock.patch.object(EmailBackend, "send_messages", send_messages):
        result = send(cpts, coordinator)

    assert (result.sent, result.failed) == (2, 1)
    assert failing not in [message.to[0] for message in mail.outbox]
    statuses = dict(MailingRecipient.objects.values_list("membership", "status"))
    assert statuses == {
        memberships[0].pk: RecipientStatus.SENT,
        memberships[1].pk: RecipientStatus.FAILED,
        memberships[2].pk: RecipientStatus.SENT,
    }


def test_the_journal_holds_no_email_address(cpts, coordinator):
    memberships = [MembershipFactory(cpts=cpts) for _ in range(2)]

    send(cpts, coordinator)

    addresses = [membership.professional.email for membership in memberships]
    for entry in JournalEntry.objects.all():
        text = f"{entry.object_id} {entry.note} {entry.fields}"
        assert "@" not in text
        assert not any(address in text for address in addresses)
    assert JournalEntry.objects.filter(object_type="members.Mailing", action="create").count() == 1
    assert JournalEntry.objects.filter(object_type="members.MailingRecipient").count() == 2
