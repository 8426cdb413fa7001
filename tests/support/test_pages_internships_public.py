"""« Faire son stage ici », the public page of a CPTS for students (no login): the open placements
with the supervisor's profession and commune of practice (never their name or contact), the
housing with its free rooms, and an application without an account — sent once valid, refused
naming the field, the same « sent » answer to a robot while nothing is written, throttled per
address."""

import html

import pytest
from django.urls import reverse

from maillon.members.factories import PracticePlaceFactory
from maillon.support.factories import HousingBookingFactory, HousingFactory, PlacementFactory, SupervisorFactory
from maillon.support.models import ApplicationStatus, PlacementApplication, TraineeLevel
from maillon.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def page_url(cpts) -> str:
    return reverse("internships_public", args=[cpts.slug])


@pytest.fixture
def placement(cpts):
    supervisor = SupervisorFactory(
        cpts=cpts,
        membership__professional__last_name="Secretnom",
        membership__professional__email="prive@example.org",
        membership__professional__phone="06 12 34 56 78",
    )
    PracticePlaceFactory(professional=supervisor.professional, commune=CommuneFactory(name="Buc", code="78117"))
    return PlacementFactory(supervisor=supervisor, cpts=cpts)


def application(to, **changes) -> dict:
    return {
        "placement": to.pk,
        "last_name": "Martin",
        "first_name": "Inès",
        "email": "ines.martin@example.org",
        "phone": "",
        "school": "UFR Simone Veil",
        "level": TraineeLevel.INTERN,
        "wished_period": "",
        "message": "",
        "consent": "on",
        "website": "",
        **changes,
    }


def test_anyone_reads_the_open_placements_without_the_supervisors_contact(client, cpts, placement):
    PlacementFactory(cpts=cpts, supervisor=placement.supervisor, cancelled=True, description="Stage annulé ici")
    page = text(client.get(page_url(cpts)))
    assert "Interne" in page and "Médecin" in page and "Buc" in page and placement.description in page
    assert "Secretnom" not in page and "prive@example.org" not in page and "06 12 34 56 78" not in page
    assert "Interne — Médecin à Buc, du " in page  # the form's choice of placement
    assert "Stage annulé ici" not in page


def test_the_housing_shows_its_free_rooms_but_not_its_address(client, cpts):
    housing = HousingFactory(cpts=cpts, name="Studio des internes", rooms=2, address="7 rue Secrète")
    HousingBookingFactory(housing=housing)
    page = text(client.get(page_url(cpts)))
    assert "Studio des internes" in page and "2 chambres libres tout le mois" in page
    assert "de 1 à 2 chambres libres selon les nuits" in page
    assert "7 rue Secrète" not in page and housing.contact not in page


def test_an_application_is_sent_without_an_account(client, cpts, placement):
    response = client.post(page_url(cpts), application(placement))
    assert response.status_code == 302 and response["Location"] == f"{page_url(cpts)}?envoyee=1"
    sent = PlacementApplication.objects.get()
    assert sent.placement == placement and sent.cpts == cpts and sent.status == ApplicationStatus.RECEIVED
    assert "Candidature envoyée" in text(client.get(response["Location"]))


def test_a_spontaneous_application_has_no_placement(client, cpts, placement):
    response = client.post(page_url(cpts), application(placement, placement="spontanee", wished_period="mai 2027"))
    assert response.status_code == 302
    assert PlacementApplication.objects.get().placement is None


def test_a_wrong_application_names_its_fields_and_writes_nothing(client, cpts, placement):
    response = client.post(page_url(cpts), application(placement, email="pas-une-adresse", school="", consent=""))
    page = text(response)
    assert "Courriel : saisissez une adresse électronique valide" in page
    assert "Faculté ou école : indiquez votre faculté ou votre école." in page
    assert "Consentement : cochez la case" in page
    closed = PlacementFactory(cpts=cpts, supervisor=placement.supervisor, filled=True)
    page = text(client.post(page_url(cpts), application(closed)))
    assert "Stage demandé : ce stage n'est plus ouvert" in page
    assert not PlacementApplication.objects.exists()


def test_a_robot_gets_the_same_answer_and_nothing_is_written(client, cpts, placement):
    response = client.post(page_url(cpts), application(placement, website="http://spam.example"))
    assert response.status_code == 302 and response["Location"].endswith("?envoyee=1")
    assert not PlacementApplication.objects.exists()


def test_applications_are_throttled_per_address(client, cpts, placement, settings):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 1
    assert client.post(page_url(cpts), application(placement)).status_code == 302
    response = client.post(page_url(cpts), application(placement, email="autre@example.org"))
    assert response.status_code == 429 and "Trop de demandes" in text(response)
    assert PlacementApplication.objects.count() == 1
