"""Public sessions from the coordination's side: created and changed through
`services.save_session` (its refusals shown on their field), the registrants and the waiting
list in order on the management page, a registration cancelled by the staff hands its seat to
the first person waiting, a session cancelled tells everyone, a session held once begun."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.prevention.factories import PublicSessionFactory
from maillon.prevention.models import PublicSession, RegistrationStatus, SessionStatus

from ..conftest import verified_client
from .test_pages_access import action_fixture, owner_fixture, session_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def filled(**changes):
    start = timezone.now() + datetime.timedelta(days=20)
    data = {
        "kind": "workshop",
        "title": "Atelier nutrition",
        "description": "Manger mieux.",
        "starts_at": local(start),
        "ends_at": local(start + datetime.timedelta(hours=2)),
        "place": "Maison des associations",
        "commune": "",
        "online_url": "",
        "capacity": "12",
        "public": "on",
    }
    return data | changes


def test_the_coordination_creates_a_session_of_an_action(cpts, coordinator, action):
    client = verified_client(coordinator)
    response = client.post(reverse("prevention_session_new", args=[cpts.slug, action.pk]), filled())
    session = PublicSession.objects.get(action=action)
    assert response.status_code == 302
    assert response["Location"] == reverse("prevention_session", args=[cpts.slug, session.pk])
    assert session.capacity == 12 and session.public and session.cpts == cpts
    page = client.get(response["Location"]).content.decode()
    assert reverse("prevention_session_public", args=[cpts.slug, session.pk]) in page
    assert reverse("prevention_session_attendance", args=[cpts.slug, session.pk]) in page


def test_refusals_name_their_field(cpts, coordinator, action):
    client = verified_client(coordinator)
    start = timezone.now() + datetime.timedelta(days=3)
    response = client.post(
        reverse("prevention_session_new", args=[cpts.slug, action.pk]),
        filled(
            title="", starts_at=local(start), ends_at=local(start - datetime.timedelta(hours=1)), place="", capacity="0"
        ),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Titre : indiquez le titre de la séance." in page
    assert "Lieu : indiquez un lieu ou un lien de connexion." in page
    assert "Places : le nombre doit être au moins 1." in page
    assert not PublicSession.objects.exists()
    response = client.post(
        reverse("prevention_session_new", args=[cpts.slug, action.pk]),
        filled(starts_at=local(start), ends_at=local(start - datetime.timedelta(hours=1))),
    )
    assert "Fin : la séance doit finir après son début." in response.content.decode()


def test_a_capacity_below_the_seats_taken_is_refused_on_the_field(cpts, coordinator, session):
    client = verified_client(coordinator)
    response = client.post(
        reverse("prevention_session_edit", args=[cpts.slug, session.pk]),
        filled(starts_at=local(session.starts_at), ends_at=local(session.ends_at), capacity="1"),
    )
    assert response.status_code == 400
    assert "Places : 2 personnes sont déjà inscrites" in response.content.decode()


def test_more_seats_go_to_the_waiting_list(cpts, coordinator, session):
    client = verified_client(coordinator)
    response = client.post(
        reverse("prevention_session_edit", args=[cpts.slug, session.pk]),
        filled(starts_at=local(session.starts_at), ends_at=local(session.ends_at), capacity="3"),
    )
    assert response.status_code == 302
    assert not session.registrations.filter(status=RegistrationStatus.WAITING).exists()


def test_the_management_page_lists_registrants_and_the_waiting_list_in_order(cpts, coordinator, session):
    page = (
        verified_client(coordinator).get(reverse("prevention_session", args=[cpts.slug, session.pk])).content.decode()
    )
    registered = page[page.index('id="inscrits"') : page.index('id="attente"')]
    waiting = page[page.index('id="attente"') :]
    assert "Alice Premier" in registered and "Bruno Second" in registered and "Chloé" not in registered
    assert "Chloé Attente" in waiting and "chloe@example.org" in waiting
    assert "2 prises sur 2" in page and "liste d'attente : 1" in page


def test_a_registration_cancelled_by_the_staff_hands_its_seat_to_the_first_waiting(cpts, coordinator, session):
    first = session.registrations.get(first_name="Alice")
    client = verified_client(coordinator)
    response = client.post(reverse("prevention_registration_cancel_by_staff", args=[cpts.slug, first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED
    assert session.registrations.get(first_name="Chloé").status == RegistrationStatus.CONFIRMED
    response = client.post(reverse("prevention_registration_cancel_by_staff", args=[cpts.slug, first.pk]))
    assert response.status_code == 400
    assert "Cette inscription" in response.content.decode()


def test_cancelling_a_session_cancels_every_registration(cpts, coordinator, session):
    client = verified_client(coordinator)
    response = client.post(reverse("prevention_session_cancel", args=[cpts.slug, session.pk]), {"note": "Salle fermée"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert not session.registrations.exclude(status=RegistrationStatus.CANCELLED).exists()
    again = client.post(reverse("prevention_session_cancel", args=[cpts.slug, session.pk]))
    assert again.status_code == 400


def test_a_session_is_marked_held_once_begun(cpts, coordinator, session, action):
    client = verified_client(coordinator)
    response = client.post(reverse("prevention_session_held", args=[cpts.slug, session.pk]))
    assert response.status_code == 400
    assert "Cette séance n&#x27;a pas encore commencé." in response.content.decode()
    begun = PublicSessionFactory(action=action, starts_at=timezone.now() - datetime.timedelta(hours=3))
    response = client.post(reverse("prevention_session_held", args=[cpts.slug, begun.pk]))
    assert response.status_code == 302
    begun.refresh_from_db()
    assert begun.status == SessionStatus.HELD
