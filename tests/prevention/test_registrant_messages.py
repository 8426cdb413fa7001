"""What a registrant receives and does without an account: the confirmation with its .ics and
its cancellation link, the cancellation page of that link, the reminder the day before (once),
and the purge of their name after the session (their age band, sex and attendance stay)."""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.prevention import notifications, purge, services
from maillon.prevention.factories import PublicSessionFactory, RegistrationFactory
from maillon.prevention.models import PublicSession, Registration, RegistrationStatus, SessionStatus

pytestmark = pytest.mark.django_db


def register(session, name="Durand", email="lucie@example.org", **extra):
    return services.register(session, first_name="Lucie", last_name=name, email=email, **extra)


def cancel_link(message) -> str:
    """The path of the cancellation link of a message."""
    found = re.search(re.escape(settings.SITE_URL) + r"(/prevention/inscription/[^/\s]+/annuler/)", message.body)
    assert found, message.body
    return found.group(1)


def tomorrow_at(hour):
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# --- Confirmation and cancellation link ------------------------------------------------------


def test_the_confirmation_carries_the_ics_and_the_cancellation_link(django_capture_on_commit_callbacks):
    session = PublicSessionFactory(title="Atelier du souffle", online_url="https://visio.example.org/salle")
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(session)
    (message,) = mail.outbox
    assert message.to == ["lucie@example.org"]
    assert "confirmée" in message.subject
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("seance.ics", "text/calendar")
    assert "Atelier du souffle" in content
    assert cancel_link(message) == reverse("prevention_registration_cancel", args=[registration.token])
    # The online link is for the registrants: in their message.
    assert "https://visio.example.org/salle" in message.body


def test_the_cancellation_link_asks_then_cancels_and_hands_the_seat_on(client, django_capture_on_commit_callbacks):
    session = PublicSessionFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        seated = register(session)
        waiting = register(session, name="Martin", email="paul@example.org")
    link = cancel_link(mail.outbox[0])
    asked = client.get(link)
    assert asked.status_code == 200
    assert session.title in asked.content.decode()
    assert "Annuler mon inscription" in asked.content.decode()
    seated.refresh_from_db()
    assert seated.status == RegistrationStatus.CONFIRMED  # a GET changes nothing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link)
    assert done.status_code == 200
    assert "Inscription annulée" in done.content.decode()
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert (seated.status, waiting.status) == (RegistrationStatus.CANCELLED, RegistrationStatus.CONFIRMED)
    assert sorted(message.to[0] for message in mail.outbox) == ["lucie@example.org", "paul@example.org"]


def test_the_cancellation_page_is_journaled_and_names_nobody(client):
    registration = RegistrationFactory(first_name="Camille", last_name="Secret")
    html = client.get(reverse("prevention_registration_cancel", args=[registration.token])).content.decode()
    assert "Secret" not in html
    assert JournalEntry.objects.filter(object_id=str(registration.pk), action="read").exists()


def test_an_unknown_token_answers_not_found(client):
    response = client.get(reverse("prevention_registration_cancel", args=["jeton-inconnu"]))
    assert response.status_code == 404
    assert "Ce lien ne permet pas d'annuler une inscription" in response.content.decode()
    assert client.post(reverse("prevention_registration_cancel", args=["jeton-inconnu"])).status_code == 404


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: RegistrationFactory(status=RegistrationStatus.CANCELLED), "déjà annulée"),
        (lambda: RegistrationFactory(purged=True, first_name="", last_name="", email=""), "effacées"),
        (lambda: RegistrationFactory(session__status=SessionStatus.CANCELLED), "annulée par la CPTS"),
        (
            lambda: RegistrationFactory(session__starts_at=timezone.now() - datetime.timedelta(minutes=10)),
            "a commencé",
        ),
    ],
    ids=["already cancelled", "purged", "session cancelled", "session begun"],
)
def test_a_link_that_can_cancel_nothing_says_why_and_changes_nothing(client, make, words):
    registration = make()
    before = registration.status
    response = client.post(reverse("prevention_registration_cancel", args=[registration.token]))
    assert response.status_code == 200
    assert words in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == before


# --- The reminder the day before -------------------------------------------------------------


def test_the_confirmed_get_a_reminder_the_day_before_once(django_capture_on_commit_callbacks):
    session = PublicSessionFactory(capacity=1, starts_at=tomorrow_at(14), ends_at=tomorrow_at(16))
    later = PublicSessionFactory(capacity=5)
    confirmed = RegistrationFactory(session=session, email="lucie@example.org")
    RegistrationFactory(session=session, email="attente@example.org", status=RegistrationStatus.WAITING)
    RegistrationFactory(session=session, email="annule@example.org", status=RegistrationStatus.CANCELLED)
    RegistrationFactory(session=later, email="plus-tard@example.org")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.queue_reminders(now=now) == 1
        # The job run again (a second worker, a restart): the session is claimed already.
        assert notifications.queue_reminders(now=now) == 0
    (message,) = mail.outbox
    assert message.to == ["lucie@example.org"]
    assert message.subject.endswith("rappel : votre séance a lieu demain")
    assert message.attachments[0][0] == "seance.ics"
    assert cancel_link(message) == reverse("prevention_registration_cancel", args=[confirmed.token])
    confirmed.refresh_from_db()
    assert confirmed.reminded_at is not None
    assert PublicSession.objects.get(pk=session.pk).reminders_queued_at == now


def test_no_reminder_for_a_cancelled_session(django_capture_on_commit_callbacks):
    session = PublicSessionFactory(starts_at=tomorrow_at(10), ends_at=tomorrow_at(12), status=SessionStatus.CANCELLED)
    RegistrationFactory(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.queue_reminders(now=timezone.now()) == 0
    assert not mail.outbox


# --- The purge -------------------------------------------------------------------------------


def test_the_purge_erases_names_and_keeps_age_band_sex_and_attendance(settings):
    settings.MAILLON_PREVENTION_REGISTRANT_RETENTION_DAYS = 30
    long_ago = timezone.now() - datetime.timedelta(days=40)
    session = PublicSessionFactory(starts_at=long_ago, ends_at=long_ago + datetime.timedelta(hours=2))
    came = RegistrationFactory(session=session, age_band="50-74", sex="female", attended=True, phone="0612345678")
    absent = RegistrationFactory(session=session, age_band="75+", sex="male", attended=False)
    recent = PublicSessionFactory(
        starts_at=timezone.now() - datetime.timedelta(days=3), ends_at=timezone.now() - datetime.timedelta(days=3)
    )
    kept = RegistrationFactory(session=recent)
    assert purge.purge_past_sessions(now=timezone.now()) == 2
    came.refresh_from_db()
    absent.refresh_from_db()
    kept.refresh_from_db()
    for registration in (came, absent):
        assert (registration.first_name, registration.last_name, registration.email, registration.phone) == (
            "",
            "",
            "",
            "",
        )
        assert registration.purged
    assert (came.age_band, came.sex, came.attended) == ("50-74", "female", True)
    assert (absent.age_band, absent.sex, absent.attended) == ("75+", "male", False)
    assert kept.email and not kept.purged
    assert services.participants_by_band([session]) == {("50-74", "female"): 1}
    # Run again: nothing more to erase.
    assert purge.purge_past_sessions(now=timezone.now()) == 0


def test_no_message_reaches_a_purged_registrant(django_capture_on_commit_callbacks):
    registration = RegistrationFactory(purged=True, first_name="", last_name="", email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.tell(registration.pk, services.Event.REMINDER)
    assert not mail.outbox
    assert Registration.objects.get(pk=registration.pk).reminded_at is None
