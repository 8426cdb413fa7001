"""The attendance sheet: it opens the day of the session; the coordination or the adherent in
charge ticks who came among the confirmed and counts the walk-ins by age band and sex; the
participants are then counted by age band and sex."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.prevention.factories import PublicSessionFactory, RegistrationFactory
from maillon.prevention.models import WalkInCount

from ..conftest import verified_client
from .test_pages_access import action_fixture, owner_fixture, session_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture(name="today")
def today_fixture(action):
    session = PublicSessionFactory(action=action, title="Stand du marché", starts_at=timezone.now())
    RegistrationFactory(session=session, first_name="Anne", last_name="Martin", age_band="50-74", sex="female")
    RegistrationFactory(session=session, first_name="Paul", last_name="Durand", age_band="75+", sex="male")
    RegistrationFactory(session=session, first_name="Zoé", last_name="Attente", status="waiting")
    return session


def test_the_sheet_is_closed_before_the_day_of_the_session(cpts, coordinator, session):
    client = verified_client(coordinator)
    url = reverse("prevention_session_attendance", args=[cpts.slug, session.pk])
    page = client.get(url).content.decode()
    assert "La feuille de présence s'ouvre le jour de la séance" in page
    assert "Enregistrer les présences" not in page
    assert client.post(url, {}).status_code == 403


def test_the_adherent_in_charge_records_who_came_and_the_walk_ins(cpts, owner, today):
    client = verified_client(owner.professional.user)
    url = reverse("prevention_session_attendance", args=[cpts.slug, today.pk])
    page = client.get(url).content.decode()
    assert "MARTIN Anne" in page and "DURAND Paul" in page and "Zoé" not in page  # the confirmed only
    anne = today.registrations.get(first_name="Anne")
    response = client.post(url, {"present": [str(anne.pk)], "walk_in_50_74_female": "4", "walk_in_0_17_male": "2"})
    assert response.status_code == 302
    anne.refresh_from_db()
    assert anne.attended is True
    assert today.registrations.get(first_name="Paul").attended is False
    assert WalkInCount.objects.get(session=today, age_band="50-74", sex="female").count == 4
    page = client.get(url).content.decode()
    assert "Participants par tranche d'âge et par sexe : 7" in page
    band = page[page.index('<th scope="row">50 à 74 ans</th>') :]
    assert band.startswith('<th scope="row">50 à 74 ans</th><td>5</td><td>0</td><td>0</td><td>5</td>')


def test_a_negative_walk_in_count_is_refused_naming_its_field(cpts, coordinator, today):
    client = verified_client(coordinator)
    url = reverse("prevention_session_attendance", args=[cpts.slug, today.pk])
    response = client.post(url, {"walk_in_18_24_female": "-1"})
    assert response.status_code == 400
    assert "18 à 24 ans, femme : le nombre doit être au moins 0." in response.content.decode()
    assert not WalkInCount.objects.exists()


def test_a_session_ended_yesterday_keeps_its_sheet_open(cpts, coordinator, action):
    past = PublicSessionFactory(action=action, starts_at=timezone.now() - datetime.timedelta(days=1))
    page = verified_client(coordinator).get(reverse("prevention_session_attendance", args=[cpts.slug, past.pk]))
    assert "Enregistrer les présences" in page.content.decode()
