"""The public pages of the prevention sessions: a session's page and its registration form, its
.ics, the public materials, and the coming sessions on the CPTS's public page (no login)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsFactory
from maillon.core.models import CptsStatus, ThrottleAttempt
from maillon.prevention.factories import (
    MaterialFactory,
    MaterialVersionFactory,
    PublicSessionFactory,
    RegistrationFactory,
)
from maillon.prevention.models import Registration, RegistrationStatus, SessionKind, SessionStatus
from maillon.prevention.policies import public_sessions

pytestmark = pytest.mark.django_db

PERSON = {
    "first_name": "Lucie",
    "last_name": "Durand",
    "email": "lucie.durand@example.org",
    "phone": "",
    "age_band": "50-74",
    "sex": "female",
    "consent": "on",
}


def page_url(session):
    return reverse("prevention_session_public", args=[session.cpts.slug, session.pk])


def test_the_public_page_shows_the_session_without_login(client):
    session = PublicSessionFactory(
        title="Atelier dépistage colorectal",
        capacity=20,
        action__partners="la Ligue contre le cancer",
        online_url="https://visio.example.org/secret-room",
    )
    RegistrationFactory(session=session)
    session.refresh_from_db()
    response = client.get(page_url(session))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Atelier dépistage colorectal" in html
    assert session.cpts.name in html
    assert "la Ligue contre le cancer" in html
    assert "Salle des fêtes" in html
    assert "Prénom" in html and "Tranche d&#x27;âge" in html
    # The online link goes to the registrants' messages only.
    assert "secret-room" not in html
    assert reverse("prevention_session_ics", args=[session.cpts.slug, session.pk]) in html


def test_registering_redirects_to_check_your_email_with_nothing_personal_in_the_url(
    client, django_capture_on_commit_callbacks
):
    session = PublicSessionFactory(capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(session), PERSON)
    assert response.status_code == 302
    assert response["Location"] == page_url(session) + "?inscrit=1"
    registration = Registration.objects.get(session=session)
    assert (registration.first_name, registration.age_band, registration.sex) == ("Lucie", "50-74", "female")
    assert registration.status == RegistrationStatus.CONFIRMED
    assert [message.to for message in mail.outbox] == [["lucie.durand@example.org"]]
    answer = client.get(response["Location"]).content.decode()
    assert "vérifiez votre messagerie" in answer
    assert "Lucie" not in answer


def test_the_page_answers_the_same_for_a_seat_the_waiting_list_and_an_address_already_registered(client):
    session = PublicSessionFactory(capacity=1)
    first = client.post(page_url(session), PERSON)
    waiting = client.post(page_url(session), {**PERSON, "email": "autre@example.org"})
    again = client.post(page_url(session), PERSON)
    assert first["Location"] == waiting["Location"] == again["Location"] == page_url(session) + "?inscrit=1"
    assert list(session.registrations.order_by("pk").values_list("status", flat=True)) == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
    ]


def test_age_band_and_sex_left_empty_are_not_stated(client):
    session = PublicSessionFactory(capacity=5)
    client.post(page_url(session), {**PERSON, "age_band": "", "sex": ""})
    registration = Registration.objects.get(session=session)
    assert (registration.age_band, registration.sex) == ("unknown", "unknown")


def test_consent_is_required_and_the_error_names_it(client):
    session = PublicSessionFactory(capacity=5)
    response = client.post(page_url(session), {**PERSON, "consent": ""})
    assert response.status_code == 200
    assert "Consentement : cochez la case" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_robot_gets_the_answer_people_get_and_nothing_is_written(client):
    session = PublicSessionFactory(capacity=5)
    response = client.post(page_url(session), {**PERSON, "website": "http://spam.example"})
    assert response["Location"] == page_url(session) + "?inscrit=1"
    assert not Registration.objects.exists()
    assert not mail.outbox


def test_registrations_from_one_address_are_throttled(client, settings):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 2
    session = PublicSessionFactory(capacity=50)
    for n in range(2):
        assert client.post(page_url(session), {**PERSON, "email": f"p{n}@example.org"}).status_code == 302
    refused = client.post(page_url(session), {**PERSON, "email": "p9@example.org"})
    assert refused.status_code == 429
    assert "Réessayez dans une heure" in refused.content.decode()
    assert session.registrations.count() == 2
    assert not session.registrations.filter(email="p9@example.org").exists()
    # Another address is not held back.
    other = client.post(page_url(session), {**PERSON, "email": "p8@example.org"}, REMOTE_ADDR="198.51.100.4")
    assert other.status_code == 302
    assert ThrottleAttempt.objects.count() == 3


def test_a_full_session_offers_the_waiting_list(client):
    session = PublicSessionFactory(capacity=1)
    RegistrationFactory(session=session)
    type(session).objects.filter(pk=session.pk).update(seats_taken=1)
    html = client.get(page_url(session)).content.decode()
    assert "Complet : liste d'attente" in html
    assert "M'inscrire sur la liste d'attente" in html


def test_a_session_held_or_begun_shows_it_is_over_without_a_form(client):
    past = timezone.now() - datetime.timedelta(days=2)
    held = PublicSessionFactory(starts_at=past, status=SessionStatus.HELD)
    begun = PublicSessionFactory(starts_at=timezone.now() - datetime.timedelta(minutes=30))
    html = client.get(page_url(held)).content.decode()
    assert "Cette séance a eu lieu" in html
    assert '<form method="post"' not in html
    response = client.post(page_url(begun), PERSON)
    assert response.status_code == 200
    assert "Cette séance a commencé" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_session_without_seats_is_open_to_all_without_registration(client):
    stand = PublicSessionFactory(capacity=None, kind=SessionKind.STAND)
    html = client.get(page_url(stand)).content.decode()
    assert "Entrée libre" in html
    assert "M'inscrire" not in html


@pytest.mark.parametrize(
    "make",
    [
        lambda: PublicSessionFactory(status=SessionStatus.CANCELLED),
        lambda: PublicSessionFactory(public=False),
        lambda: PublicSessionFactory(cpts=CptsFactory(status=CptsStatus.DISSOLVED)),
    ],
    ids=["cancelled", "not public", "dissolved CPTS"],
)
def test_a_cancelled_unpublished_or_dissolved_session_is_not_found(client, make):
    session = make()
    assert client.get(page_url(session)).status_code == 404
    assert client.post(page_url(session), PERSON).status_code == 404
    assert client.get(reverse("prevention_session_ics", args=[session.cpts.slug, session.pk])).status_code == 404
    assert not Registration.objects.exists()


def test_a_session_is_not_found_under_another_cpts(client, other_cpts):
    session = PublicSessionFactory()
    assert client.get(reverse("prevention_session_public", args=[other_cpts.slug, session.pk])).status_code == 404


def test_the_ics_is_the_session_as_a_calendar_event(client):
    session = PublicSessionFactory(title="Conférence vaccination")
    response = client.get(reverse("prevention_session_ics", args=[session.cpts.slug, session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and "Conférence vaccination" in body


def test_the_public_materials_of_the_action_are_listed_and_served_at_their_latest_version(client):
    session = PublicSessionFactory()
    flyer = MaterialFactory(action=session.action, title="Flyer colorectal", public=True)
    MaterialVersionFactory(material=flyer, number=1, file__data=b"%PDF-1.4 first")
    MaterialVersionFactory(material=flyer, number=2, file__data=b"%PDF-1.4 second")
    internal = MaterialFactory(action=session.action, title="Diaporama interne", public=False)
    MaterialVersionFactory(material=internal, number=1)
    MaterialFactory(action=session.action, title="Affiche sans fichier", public=True)
    html = client.get(page_url(session)).content.decode()
    assert "Flyer colorectal" in html
    assert "Diaporama interne" not in html
    assert "Affiche sans fichier" not in html
    response = client.get(reverse("prevention_material_public", args=[session.cpts.slug, flyer.pk]))
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 second"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Flyer colorectal - version 2.pdf"'


def test_a_material_not_public_or_of_another_cpts_or_without_file_is_not_found(client, other_cpts):
    internal = MaterialFactory(public=False)
    MaterialVersionFactory(material=internal)
    public = MaterialFactory(public=True)
    MaterialVersionFactory(material=public)
    empty = MaterialFactory(public=True)
    for material, slug in ((internal, internal.cpts.slug), (public, other_cpts.slug), (empty, empty.cpts.slug)):
        url = reverse("prevention_material_public", args=[slug, material.pk])
        assert client.get(url).status_code == 404


def test_the_cpts_page_lists_its_coming_public_sessions(client, cpts):
    coming = PublicSessionFactory(cpts=cpts, action__cpts=cpts, title="Atelier nutrition")
    PublicSessionFactory(cpts=cpts, action__cpts=cpts, title="Séance privée", public=False)
    PublicSessionFactory(cpts=cpts, action__cpts=cpts, title="Séance annulée", status=SessionStatus.CANCELLED)
    PublicSessionFactory(
        cpts=cpts, action__cpts=cpts, title="Séance passée", starts_at=timezone.now() - datetime.timedelta(days=3)
    )
    html = client.get(reverse("cpts_detail", args=[cpts.slug])).content.decode()
    assert "Prochaines séances de prévention" in html
    assert "Atelier nutrition" in html and page_url(coming) in html
    for hidden in ("Séance privée", "Séance annulée", "Séance passée"):
        assert hidden not in html
    assert list(public_sessions(cpts).upcoming()) == [coming]
