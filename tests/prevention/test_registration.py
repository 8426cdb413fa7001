"""Registering for a public session: seats, the waiting list, cancellations, messages."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.prevention import services
from maillon.prevention.factories import PublicSessionFactory
from maillon.prevention.models import PublicSession, RegistrationStatus

pytestmark = pytest.mark.django_db


def register(session, n):
    return services.register(session, first_name="Ana", last_name=f"N{n}", email=f"p{n}@example.org")


def test_registrations_beyond_capacity_join_the_waiting_list_in_order(django_capture_on_commit_callbacks):
    session = PublicSessionFactory(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        first, second, third, fourth = (register(session, n) for n in range(4))
    assert [r.status for r in (first, second)] == [RegistrationStatus.CONFIRMED] * 2
    assert [r.status for r in (third, fourth)] == [RegistrationStatus.WAITING] * 2
    assert services.waiting_rank(fourth) == 2
    session.refresh_from_db()
    assert session.seats_taken == 2
    subjects = [message.subject for message in mail.outbox]
    assert sum("confirmée" in subject for subject in subjects) == 2
    assert sum("liste d'attente" in subject for subject in subjects) == 2
    assert mail.outbox[0].attachments[0][0] == "seance.ics"


def test_a_cancelled_seat_goes_to_the_first_person_waiting(django_capture_on_commit_callbacks):
    session = PublicSessionFactory(capacity=1)
    seated, waiting_first, waiting_second = (register(session, n) for n in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(seated)
    assert promoted == waiting_first
    waiting_first.refresh_from_db()
    assert waiting_first.status == RegistrationStatus.CONFIRMED
    waiting_second.refresh_from_db()
    assert waiting_second.status == RegistrationStatus.WAITING
    session.refresh_from_db()
    assert session.seats_taken == 1
    assert any("place s'est libérée" in message.subject for message in mail.outbox)


def test_a_cancelled_seat_with_nobody_waiting_is_free_again():
    session = PublicSessionFactory(capacity=1)
    services.cancel_registration(register(session, 1))
    session.refresh_from_db()
    assert session.seats_taken == 0
    assert register(session, 2).status == RegistrationStatus.CONFIRMED


def test_more_seats_go_to_the_waiting_list():
    session = PublicSessionFactory(capacity=1)
    register(session, 1)
    waiting = register(session, 2)
    session.capacity = 3
    services.save_session(session)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert PublicSession.objects.get(pk=session.pk).seats_taken == 2


def test_capacity_cannot_drop_below_the_seats_taken():
    session = PublicSessionFactory(capacity=2)
    register(session, 1), register(session, 2)
    session.capacity = 1
    with pytest.raises(ValidationError) as refused:
        services.save_session(session)
    assert "Places" in str(refused.value)


def test_editing_a_session_does_not_write_back_an_old_seat_count():
    session = PublicSessionFactory(capacity=5)
    stale = PublicSession.objects.get(pk=session.pk)
    register(session, 1)
    stale.title = "Nouveau titre"
    stale.save()
    assert PublicSession.objects.get(pk=session.pk).seats_taken == 1


def test_the_same_address_registers_once():
    session = PublicSessionFactory(capacity=5)
    first = register(session, 1)
    again = register(session, 1)
    assert again == first
    assert session.registrations.count() == 1


def test_no_registration_once_the_session_has_begun():
    session = PublicSessionFactory(capacity=5, starts_at=timezone.now() - datetime.timedelta(minutes=5))
    with pytest.raises(ValidationError):
        register(session, 1)


def test_cancelling_the_session_tells_everyone(django_capture_on_commit_callbacks):
    session = PublicSessionFactory(capacity=1)
    register(session, 1), register(session, 2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        told = services.cancel_session(session, by=None, note="Intervenant malade")
    assert told == 2
    assert [message.subject.endswith("la séance est annulée") for message in mail.outbox] == [True, True]


def test_the_cancellation_link_never_reaches_the_request_log():
    from django.urls import reverse

    from maillon.core.logs import clean_path

    session = PublicSessionFactory(capacity=50)
    for n in range(40):
        registration = register(session, n)
        path = reverse("prevention_registration_cancel", args=[registration.token])
        assert registration.token not in clean_path(path)
