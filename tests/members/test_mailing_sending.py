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


def refusing(address):
    """The mail server refuses every e-mail to `address` (and takes the others) while in force."""
    real_send = EmailBackend.send_messages

    def send_messages(self, messages):
        if messages[0].to == [address]:
            raise ConnectionError("refused")
        return real_send(self, messages)

    return mock.patch.object(EmailBackend, "send_messages", send_messages)


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

    with refusing(failing):
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


def test_a_failed_recipient_is_tried_again_until_its_attempts_run_out_then_left_alone(cpts, coordinator):
    """The scheduled retry re-runs the send task for a failed e-mail with attempts left: the
    task tries that recipient again (it used to skip it, so the retry came back forever)."""
    from maillon.core.notifications.models import Delivery
    from maillon.core.notifications.sending import MAX_ATTEMPTS
    from maillon.core.notifications.tasks import retry_stale, stale

    memberships = [MembershipFactory(cpts=cpts) for _ in range(2)]
    failing = memberships[1].professional.email

    with refusing(failing):
        result = send(cpts, coordinator)
        assert (result.sent, result.failed) == (1, 1)
        for _ in range(MAX_ATTEMPTS - 1):
            assert retry_stale.call() == 1
    row = Delivery.objects.get(recipient__startswith="mailing_recipient:", status="failed")
    assert row.attempts == MAX_ATTEMPTS
    assert not stale().exists(), "no retry left: the scheduler stops asking"
    assert MailingRecipient.objects.get(membership=memberships[1]).status == RecipientStatus.FAILED


def test_a_failed_recipient_is_sent_when_a_retry_succeeds(cpts, coordinator):
    from maillon.core.notifications.tasks import retry_stale

    memberships = [MembershipFactory(cpts=cpts) for _ in range(2)]
    failing = memberships[1].professional.email

    with refusing(failing):
        send(cpts, coordinator)
    assert retry_stale.call() == 1  # the server answers again
    assert MailingRecipient.objects.get(membership=memberships[1]).status == RecipientStatus.SENT
    assert [message.to[0] for message in mail.outbox].count(failing) == 1


def test_a_late_run_never_writes_a_failure_over_a_sent_recipient_nor_journals_nothing(cpts, coordinator):
    from maillon.members.mailing import send_mailing_task

    memberships = [MembershipFactory(cpts=cpts) for _ in range(2)]
    failing = memberships[1].professional.email

    with refusing(failing):
        result = send(cpts, coordinator)
    recipient = MailingRecipient.objects.get(membership=memberships[1])
    # Another run, racing this one, got it through (as its ledger row will say once it commits).
    MailingRecipient.objects.filter(pk=recipient.pk).update(status=RecipientStatus.SENT)
    entries = JournalEntry.objects.count()
    with refusing(failing):
        send_mailing_task.call(result.mailing.pk)
    recipient.refresh_from_db()
    assert recipient.status == RecipientStatus.SENT
    assert JournalEntry.objects.count() == entries, "nothing changed: nothing journaled"
