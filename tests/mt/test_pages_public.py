"""The public journey of the médecin traitant desk: commune → CPTS → registration →
confirmation and e-mail → private link (status, withdrawal)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.mt import services
from maillon.mt.factories import PatientFactory
from maillon.mt.models import Channel, Patient, PatientStatus
from maillon.territories.factories import CommuneFactory
from maillon.territories.models import Commune

pytestmark = pytest.mark.django_db


def form_data(**fields):
    data = {
        "last_name": "Martin",
        "first_name": "Jeanne",
        "birth_date": "02/05/1948",
        "commune_query": "Versailles",
        "commune": "78646",
        "email": "jeanne.martin@example.org",
        "phone": "",
        "nir": "",
        "criteria": ["ald"],
        "consent": "on",
        "website": "",
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def register_url(cpts):
    return reverse("mt_register", args=[cpts.slug])


def test_the_commune_search_leads_to_the_form_of_its_cpts(client, cpts):
    response = client.get(reverse("mt_find"), {"q": "Versailles"})
    assert response.status_code == 200
    link = f"{register_url(cpts)}?commune=78646"
    assert link in response.content.decode()
    form = client.get(link)
    assert form.status_code == 200
    page = form.content.decode()
    chosen = re.search(r'<input[^>]*value="78646"[^>]*>', page).group(0)
    assert "checked" in chosen  # the commune chosen on the search page is already ticked
    assert "365 jours après la clôture" in page  # the consent says how long


def test_a_commune_without_cpts_points_to_the_cpam(client, cpts):
    CommuneFactory(code="78999", name="Villeblanche")
    response = client.get(reverse("mt_find"), {"q": "Villeblanche"})
    page = response.content.decode()
    assert "CPAM" in page and "36 46" in page
    assert "S&#x27;inscrire" not in page and "S'inscrire" not in page


def test_the_public_journey_with_an_acknowledgement_and_a_working_private_link(
    client, cpts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(cpts), form_data())
    assert response.status_code == 302
    assert response["Location"] == f"{register_url(cpts)}?envoyee=1"
    assert "Martin" not in response["Location"]
    patient = Patient.objects.get()
    assert (patient.channel, patient.ald, patient.status) == (Channel.SELF, True, PatientStatus.WAITING)
    assert client.get(response["Location"]).content.decode().count("Demande enregistrée") == 1

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jeanne.martin@example.org"]
    path = re.search(r"http://[^/]+(/medecin-traitant/suivi/\S+/)", mail.outbox[0].body).group(1)
    assert "Martin" not in path and "1948" not in path
    status = client.get(path)
    assert status.status_code == 200
    assert "En attente" in status.content.decode()
    assert JournalEntry.objects.filter(action="read", object_type="mt.Patient", object_id=str(patient.pk)).exists()


def test_a_duplicate_gets_the_same_answer_and_a_reminder_by_email(client, cpts, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(register_url(cpts), form_data())
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(register_url(cpts), form_data(first_name="JEANNE", criteria=[]))
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    assert Patient.objects.count() == 1
    assert len(mail.outbox) == 2 and "déjà enregistrée" in mail.outbox[1].subject


def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(client, cpts):
    response = client.post(
        register_url(cpts), form_data(birth_date="31/02/1948", nir="2 95 10 99 126 111 94", consent=None)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Date de naissance : saisissez une date valide" in page
    assert "NIR : le numéro de sécurité sociale n&#x27;est pas valide" in page
    assert "Consentement : cochez la case" in page
    response = client.post(register_url(cpts), form_data(email="", phone=""))
    assert "Courriel : indiquez un courriel ou un téléphone" in response.content.decode()
    assert not Patient.objects.exists()


def test_a_commune_outside_the_territory_is_refused(client, cpts):
    CommuneFactory(code="78123", name="Ailleurs")
    response = client.post(register_url(cpts), form_data(commune_query="Ailleurs", commune="78123"))
    assert "Commune : elle n&#x27;est pas dans le territoire de cette CPTS." in response.content.decode()
    assert not Patient.objects.exists()


def test_a_robot_filling_the_trap_gets_the_same_answer_and_nothing_is_written(client, cpts):
    response = client.post(register_url(cpts), form_data(website="http://spam.example"))
    assert response.status_code == 302 and response["Location"].endswith("?envoyee=1")
    assert not Patient.objects.exists()


def test_the_patient_withdraws_from_the_private_link_after_a_confirmation(client, cpts):
    patient = PatientFactory(cpts=cpts, commune=Commune.objects.get(code="78646"))
    url = reverse("mt_patient_status", args=[services.private_link_token(patient)])
    page = client.get(url, {"desinscription": "1"}).content.decode()
    assert "Confirmez-vous votre désinscription" in page
    patient.refresh_from_db()
    assert patient.status == PatientStatus.WAITING  # a GET changes nothing
    client.post(url, {})  # without the confirmation, nothing either
    patient.refresh_from_db()
    assert patient.status == PatientStatus.WAITING
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.status == PatientStatus.WITHDRAWN
    assert "Désinscrit" in client.get(url).content.decode()


def test_a_bad_or_revoked_link_gets_a_plain_404(client, cpts):
    patient = PatientFactory(cpts=cpts, commune=Commune.objects.get(code="78646"))
    token = services.private_link_token(patient)
    bad = client.get(reverse("mt_patient_status", args=[token[:-3] + "abc"]))
    assert bad.status_code == 404 and "Ce lien n'est pas valable" in bad.content.decode()
    patient.link_nonce = "renewed"
    patient.save()
    revoked = client.get(reverse("mt_patient_status", args=[token]))
    assert revoked.status_code == 404
    assert patient.last_name not in revoked.content.decode()
    assert client.post(reverse("mt_patient_status", args=[token]), {"confirm": "1"}).status_code == 404
