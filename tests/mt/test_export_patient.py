"""Export on request of what the desk holds on a person (issue 5, point 7): the coordinator from
the patient's page or the API, the patient from their private link; JSON and PDF; journaled."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from maillon.core.factories import UserFactory
from maillon.core.models import JournalEntry
from maillon.mt import services
from maillon.mt.factories import PatientFactory
from maillon.mt.models import Channel, ProposalStatus

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_of(cpts, coordinator, proposal):
    """A registration with a history: a read by the coordinator, a refusal, and the file's URLs."""
    coordinator.first_name, coordinator.last_name = "Camille", "Coordinatrice"
    coordinator.save()
    client = verified_client(coordinator)
    client.get(reverse("mt_patient", args=[cpts.slug, proposal.patient_id]))
    services.transition(proposal, ProposalStatus.REFUSED_BY_DOCTOR, by=proposal.offer.doctor.user, note="Complet")
    return proposal.patient


def exports_of(patient):
    return JournalEntry.objects.filter(action="export", object_type="mt.Patient", object_id=str(patient.pk))


def test_export_the_coordinator_downloads_everything_held_as_json_and_it_is_journaled(cpts, coordinator, file_of):
    patient = file_of
    response = verified_client(coordinator).get(reverse("mt_patient_export", args=[cpts.slug, patient.pk, "json"]))
    assert response.status_code == 200
    # Named by the registration's number, never by the name.
    assert response["Content-Disposition"] == f'attachment; filename="donnees-patient-{patient.pk}.json"'
    data = json.loads(response.content)
    assert data["registration"]["last_name"] == "Durand" and data["registration"]["email"] == patient.email
    assert data["registration"]["status"]["code"] == "waiting"
    assert [(event["from"], event["to"]) for event in data["events"]] == [("Médecin proposé", "En attente")]
    assert data["events"][0]["by"] == "Jeanne Médecin" and data["events"][0]["note"] == "Complet"
    [proposal] = data["proposals"]
    assert proposal["doctor"] == "Jeanne Médecin" and proposal["status"]["code"] == "refused_by_doctor"
    reads = [row for row in data["journal"] if row["action"] == "Consultation"]
    assert reads and reads[0]["by"] == "Camille Coordinatrice" and "NIR" in reads[0]["fields"]
    assert any(row["object"].startswith("proposition n°") for row in data["journal"])
    [entry] = exports_of(patient)
    assert entry.actor_id == coordinator.pk and "json" in entry.note
    assert "Durand" not in entry.note and "Durand" not in "".join(entry.fields)


def test_export_the_pdf_is_readable_and_holds_the_same_file(cpts, coordinator, file_of):
    response = verified_client(coordinator).get(reverse("mt_patient_export", args=[cpts.slug, file_of.pk, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="donnees-patient-{file_of.pk}.pdf"'
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("Durand", "Jeanne Médecin", "Refusé par le médecin", "Camille Coordinatrice", "Journal"):
        assert expected in text
    assert exports_of(file_of).get().note.endswith("pdf")


def test_export_is_for_the_coordinator_only_even_for_the_member_who_registered(cpts, member, versailles):
    patient = PatientFactory(cpts=cpts, commune=versailles, channel=Channel.MEMBER, registered_by=member)
    client = verified_client(member)
    assert client.get(reverse("mt_patient", args=[cpts.slug, patient.pk])).status_code == 200
    assert client.get(reverse("mt_patient_export", args=[cpts.slug, patient.pk, "json"])).status_code == 404
    assert not exports_of(patient).exists()


def test_export_of_an_unknown_format_or_another_cpts_patient_is_404(cpts, other_cpts, coordinator):
    other = PatientFactory(cpts=other_cpts)
    client = verified_client(coordinator)
    assert client.get(reverse("mt_patient_export", args=[cpts.slug, other.pk, "json"])).status_code == 404
    mine = PatientFactory(cpts=cpts, commune=other.commune)
    assert client.get(reverse("mt_patient_export", args=[cpts.slug, mine.pk, "xlsx"])).status_code == 404


def test_export_the_patient_downloads_their_data_from_the_private_link_with_roles_not_names(client, cpts, file_of):
    token = services.private_link_token(file_of)
    page = client.get(reverse("mt_patient_status", args=[token])).content.decode()
    json_url = reverse("mt_patient_status_export", args=[token, "json"])
    assert json_url in page and reverse("mt_patient_status_export", args=[token, "pdf"]) in page
    response = client.get(json_url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="donnees-patient-{file_of.pk}.json"'
    data = json.loads(response.content)
    assert data["registration"]["id"] == file_of.pk and data["proposals"][0]["doctor"] == "Jeanne Médecin"
    who = {row["by"] for row in data["journal"]}
    assert "Coordination de la CPTS" in who and "Médecin proposé" in who
    assert "Camille Coordinatrice" not in response.content.decode()
    [entry] = exports_of(file_of)
    assert entry.actor_id is None and "lien personnel" in entry.note
    assert client.get(reverse("mt_patient_status_export", args=[token, "pdf"])).status_code == 200


def test_export_from_a_bad_link_is_404_and_journals_nothing(client, cpts, versailles):
    patient = PatientFactory(cpts=cpts, commune=versailles)
    token = services.private_link_token(patient)
    assert client.get(reverse("mt_patient_status_export", args=[token + "x", "json"])).status_code == 404
    patient.link_nonce = "revoked"
    patient.save()
    assert client.get(reverse("mt_patient_status_export", args=[token, "json"])).status_code == 404
    assert not exports_of(patient).exists()


def test_export_api_is_for_the_coordinator_and_journaled(api_client, cpts, coordinator, member, file_of, token_headers):
    url = f"/api/v1/cpts/{cpts.pk}/mt/patients/{file_of.pk}/export"
    response = api_client.get(url, **token_headers(coordinator))
    assert response.status_code == 200, response.content
    data = response.json()
    assert (
        data["registration"]["last_name"] == "Durand" and data["proposals"][0]["status"]["code"] == "refused_by_doctor"
    )
    assert exports_of(file_of).get().actor_id == coordinator.pk
    assert api_client.get(url, **token_headers(member)).status_code == 403
    assert api_client.get(url, **token_headers(UserFactory())).status_code == 404
