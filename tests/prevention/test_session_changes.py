"""What happens around a session once people are registered: it moves, it is cancelled with its
action, a copy read before a cancellation, a second click, a stale message, a departed owner,
and what the public calendar file and the public API let through."""

import datetime
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillon.members.models import Membership
from maillon.prevention import policies, services
from maillon.prevention.factories import PreventionActionFactory, PublicSessionFactory, RegistrationFactory
from maillon.prevention.models import ActionStatus, PublicSession, RegistrationStatus, SessionStatus
from maillon.prevention.notifications import send_registration_message
from maillon.prevention.services import Event

pytestmark = pytest.mark.django_db


def register(session, n=1):
    return services.register(session, first_name="Ana", last_name=f"N{n}", email=f"p{n}@example.org")


def test_moving_a_session_tells_its_registrants_and_reminds_them_again(django_capture_on_commit_callbacks):
    session = PublicSessionFactory(capacity=1)
    seated, waiting = register(session, 1), register(session, 2)
    PublicSession.objects.filter(pk=session.pk).update(reminders_queued_at=timezone.now())
    session.refresh_from_db()
    mail.outbox.clear()
    session.starts_at += datetime.timedelta(days=7)
    session.ends_at += datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        services.save_session(session)
    session.refresh_from_db()
    assert session.reminders_queued_at is None and session.sequence == 1
    assert sorted(message.to[0] for message in mail.outbox) == [seated.email, waiting.email]
    assert all("change de date ou de lieu" in message.subject for message in mail.outbox)
    assert "SEQUENCE:1" in mail.outbox[0].attachments[0][1]


def test_a_title_change_tells_nobody(django_capture_on_commit_callbacks):
    session = PublicSessionFactory(capacity=3)
    register(session)
    mail.outbox.clear()
    session.title = "Atelier renommé"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_session(session)
    assert mail.outbox == []


def test_seats_cannot_be_removed_while_people_are_registered():
    session = PublicSessionFactory(capacity=3)
    register(session)
    session.capacity = None
    with pytest.raises(ValidationError) as refused:
        services.save_session(session)
    assert "Places" in str(refused.value)


def test_cancelling_an_action_cancels_its_coming_sessions_and_takes_them_off_the_public_page():
    session = PublicSessionFactory(capacity=3)
    registration = register(session)
    told = services.cancel_action(session.action, by=None, note="Financement retiré")
    assert told == 1
    session.refresh_from_db()
    registration.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert registration.status == RegistrationStatus.CANCELLED
    assert session.action.status == ActionStatus.CANCELLED
    assert not policies.public_sessions(session.cpts).exists()


def test_a_copy_read_before_the_session_was_cancelled_registers_nobody():
    session = PublicSessionFactory(capacity=3)
    page_copy = PublicSession.objects.get(pk=session.pk)
    services.cancel_session(session, by=None)
    with pytest.raises(ValidationError):
        register(page_copy)
    assert PublicSession.objects.get(pk=session.pk).seats_taken == 0


def test_a_second_click_keeps_one_registration_and_sends_its_message_once_an_hour(django_capture_on_commit_callbacks):
    session = PublicSessionFactory(capacity=3)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            register(session)
    assert session.registrations.count() == 1
    assert PublicSession.objects.get(pk=session.pk).seats_taken == 1
    assert len(mail.outbox) == 2  # the confirmation, sent again once


def test_a_message_no_longer_true_is_not_sent():
    registration = RegistrationFactory(status=RegistrationStatus.CANCELLED)
    assert send_registration_message.call(registration.pk, Event.REMINDER) is False
    assert mail.outbox == []


def test_an_adherent_who_left_no_longer_sees_the_registrants_of_their_action():
    action = PreventionActionFactory()
    from maillon.core.factories import CptsRoleFactory
    from maillon.members.factories import MembershipFactory, ProfessionalFactory

    user = CptsRoleFactory(cpts=action.cpts).user
    owner = MembershipFactory(cpts=action.cpts, professional=ProfessionalFactory(user=user))
    action.owner = owner
    action.save()
    session = PublicSessionFactory(action=action)
    assert policies.can_see_registrants(user, session)
    Membership.objects.filter(pk=owner.pk).update(status="left")
    session = PublicSession.objects.select_related("action__owner__professional").get(pk=session.pk)
    assert not policies.can_see_registrants(user, session)


def test_the_public_calendar_file_never_carries_the_online_link():
    session = PublicSessionFactory(place="", online_url="https://visio.example.org/secret-room")
    response = Client().get(reverse("prevention_session_ics", args=[session.cpts.slug, session.pk]))
    assert response.status_code == 200
    assert b"secret-room" not in response.content


def test_the_public_registration_api_takes_json_only():
    session = PublicSessionFactory(capacity=3)
    url = f"/api/v1/cpts/{session.cpts_id}/prevention/public-sessions/{session.pk}/registrations"
    body = json.dumps({"first_name": "Ana", "last_name": "N", "email": "a@example.org"})
    response = Client().post(url, body, content_type="text/plain")
    assert response.status_code == 415
    assert not session.registrations.exists()
