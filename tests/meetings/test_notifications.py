"""E-mails to the invitees: the poll opens, the date is fixed (.ics), the meeting is cancelled."""

import datetime
import logging
import zoneinfo

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.meetings import notifications, services
from maillon.meetings.factories import MeetingFactory, MeetingSlotFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def at(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def people(cpts, other_cpts):
    """Two reachable invitees and the ones to skip."""
    reachable = [MembershipFactory(cpts=cpts), MembershipFactory(cpts=cpts)]
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(email=""))
    MembershipFactory(cpts=cpts, unsubscribed_at=timezone.now())
    MembershipFactory(cpts=other_cpts)
    return reachable


def addresses(messages):
    return sorted(address for message in messages for address in message.to)


def create(cpts, by=None, **fields):
    return services.create_meeting(
        cpts=cpts,
        by=by,
        slots=[(at(2027, 1, 12, 18, 30), at(2027, 1, 12, 20)), (at(2027, 1, 14, 12), at(2027, 1, 14, 13, 30))],
        title="Groupe parcours diabète",
        place="Salle du conseil, mairie",
        **fields,
    )


def test_the_poll_is_sent_to_the_reachable_invitees_after_the_commit(cpts, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        meeting = create(cpts)
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    assert meeting.invitations.count() == 4  # every active adhesion of the CPTS is invited…
    assert addresses(mail.outbox) == sorted(m.professional.email for m in people)  # …the reachable ones written to
    message = mail.outbox[0]
    assert len(message.to) == 1
    assert message.subject == "Sondage de dates : Groupe parcours diabète"
    assert "mardi 12 janvier 2027 à 18:30 – 20:00" in message.body
    assert "jeudi 14 janvier 2027 à 12:00 – 13:30" in message.body
    link = reverse("meetings_meeting", args=[cpts.slug, meeting.pk])
    assert link in message.body  # the meeting page: no token, no personal data
    assert link.endswith(f"/reunions/{meeting.pk}/")
    assert message.attachments == []
    assert "Pour ne plus recevoir les messages de la CPTS : http" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    entry = JournalEntry.objects.filter(object_type="meetings.Meeting", note__startswith="Courriel").get()
    assert entry.note == "Courriel « sondage de dates » : 2 envoyé(s), 0 échec(s)"
    assert "@" not in entry.note


def test_the_link_uses_the_site_url(cpts, people, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://maillon.example/"
    with django_capture_on_commit_callbacks(execute=True):
        meeting = create(cpts)
    url = "https://maillon.example" + reverse("meetings_meeting", args=[cpts.slug, meeting.pk])
    assert f"sur le site : {url}\n" in mail.outbox[0].body


def unfold(ics):
    assert "\n" not in ics.replace("\r\n", "")  # CRLF only
    lines = []
    for line in ics.split("\r\n"):
        if line.startswith(" "):
            lines[-1] += line[1:]
        elif line:
            lines.append(line)
    return lines


def test_the_chosen_date_is_sent_with_an_ics(cpts, coordinator, people, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(cpts=cpts, title="Parcours; diabète, suivi", place="Mairie, salle 2")
    slot = MeetingSlotFactory(meeting=meeting, starts_at=at(2027, 1, 12, 18, 30), ends_at=at(2027, 1, 12, 20))
    services.invite(meeting)
    url = reverse("meetings_meeting_choose", args=[cpts.slug, meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert verified_client(coordinator).post(url, {"slot": slot.pk}).status_code == 302
    assert addresses(mail.outbox) == sorted(m.professional.email for m in people)
    message = mail.outbox[0]
    assert message.subject == "Date fixée : Parcours; diabète, suivi"
    assert "mardi 12 janvier 2027 à 18:30 – 20:00" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert filename == "reunion.ics" and mimetype.startswith("text/calendar")
    lines = unfold(content)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    event = lines[lines.index("BEGIN:VEVENT") + 1 : lines.index("END:VEVENT")]
    fields = dict(line.split(":", 1) for line in event)
    assert fields["UID"].startswith(f"meeting-{meeting.pk}@")
    assert fields["DTSTART"] == "20270112T173000Z" and fields["DTEND"] == "20270112T190000Z"
    assert fields["SUMMARY"] == "Parcours\\; diabète\\, suivi"
    assert fields["LOCATION"] == "Mairie\\, salle 2"
    assert "DTSTAMP" in fields


def test_a_long_ics_line_is_folded():
    folded = notifications.ics_fold("SUMMARY:" + "é" * 100)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "é" * 100


def test_a_cancellation_is_sent(cpts, coordinator, people, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(cpts=cpts, title="Groupe prévention")
    MeetingSlotFactory(meeting=meeting)
    services.invite(meeting)
    url = reverse("meetings_meeting_cancel", args=[cpts.slug, meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert verified_client(coordinator).post(url).status_code == 302
    assert addresses(mail.outbox) == sorted(m.professional.email for m in people)
    assert mail.outbox[0].subject == "Réunion annulée : Groupe prévention"
    assert "« Groupe prévention » est annulée" in mail.outbox[0].body


def test_nothing_is_sent_when_the_transaction_rolls_back(cpts, people, django_capture_on_commit_callbacks):
    from django.db import transaction

    # The meeting is created (and its e-mail queued), then the surrounding transaction fails.
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.create_meeting(cpts=cpts, by=None, slots=[(at(2027, 1, 12, 18), at(2027, 1, 12, 19))], title="x")
        raise RuntimeError
    assert callbacks == [] and mail.outbox == []


def test_one_failing_recipient_does_not_stop_the_others(
    cpts, people, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    bad = people[0].professional.email
    original = EmailBackend.send_messages

    def send_messages(self, messages):
        if any(bad in message.to for message in messages):
            raise OSError(f"refused: {bad}")
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        create(cpts)
    assert addresses(mail.outbox) == [people[1].professional.email]
    assert "OSError" in caplog.text and bad not in caplog.text
    entry = JournalEntry.objects.filter(object_type="meetings.Meeting", note__startswith="Courriel").get()
    assert entry.note == "Courriel « sondage de dates » : 1 envoyé(s), 1 échec(s)"
