"""Export on request of what the desk holds on a person (issue 5, point 7): the coordinator from
the patient's page or the API, the patient from their private link; JSON and PDF; journaled."""

import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from maillon.core.factories import UserFactory
from maillon.core.models import JournalEntry
from maillon.mt import export, services
from maillon.mt.factories import PatientFactory, ProposalFactory
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
    for expected in ("Durand", "Jeanne Médecin", "Refusée par le médecin", "Camille Coordinatrice", "Journal"):
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


def patient_export(client, token, fmt, birth_date):
    return client.post(reverse("mt_patient_status_export", args=[token, fmt]), {"birth_date": birth_date})


def refusals_of(patient):
    return JournalEntry.objects.filter(action="login_failed", object_type="mt.Patient", object_id=str(patient.pk))


def test_export_the_patient_downloads_their_data_with_their_birth_date_with_roles_not_names(client, cpts, file_of):
    token = services.private_link_token(file_of)
    page = client.get(reverse("mt_patient_status", args=[token])).content.decode()
    json_url = reverse("mt_patient_status_export", args=[token, "json"])
    assert f'formaction="{json_url}"' in page and 'name="birth_date"' in page
    assert f'action="{reverse("mt_patient_status_export", args=[token, "pdf"])}"' in page
    response = patient_export(client, token, "json", f"{file_of.birth_date:%Y-%m-%d}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="donnees-patient-{file_of.pk}.json"'
    data = json.loads(response.content)
    assert data["registration"]["id"] == file_of.pk
    who = {row["by"] for row in data["journal"]}
    assert "Coordination de la CPTS" in who and "Médecin proposé" in who
    assert "Camille Coordinatrice" not in response.content.decode()
    [entry] = exports_of(file_of)
    assert entry.actor_id is None and "lien personnel" in entry.note
    # Typed by hand, as JJ/MM/AAAA, it works too.
    assert patient_export(client, token, "pdf", f"{file_of.birth_date:%d/%m/%Y}").status_code == 200


def test_export_a_get_on_the_patient_export_url_is_refused_and_exports_nothing(client, cpts, file_of):
    token = services.private_link_token(file_of)
    response = client.get(reverse("mt_patient_status_export", args=[token, "json"]))
    assert response.status_code == 405
    assert not exports_of(file_of).exists()


def test_export_the_patient_export_needs_the_csrf_token(cpts, file_of):
    from django.test import Client

    token = services.private_link_token(file_of)
    response = patient_export(Client(enforce_csrf_checks=True), token, "json", f"{file_of.birth_date:%Y-%m-%d}")
    assert response.status_code == 403
    assert not exports_of(file_of).exists()


def test_export_a_wrong_birth_date_exports_nothing_and_is_journaled_without_the_value(client, cpts, file_of):
    token = services.private_link_token(file_of)
    response = patient_export(client, token, "json", "1901-02-03")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Date de naissance : elle ne correspond pas" in page and "Aucune donnée" in page
    assert '"nir"' not in page and file_of.last_name not in page
    assert not exports_of(file_of).exists()
    [refusal] = refusals_of(file_of)
    assert refusal.fields == ["birth_date"] and "1901" not in refusal.note
    unreadable = patient_export(client, token, "json", "demain")
    assert unreadable.status_code == 422 and "Date de naissance : saisissez-la" in unreadable.content.decode()


def test_export_after_five_wrong_birth_dates_in_a_day_even_the_right_one_is_refused(client, cpts, file_of):
    token = services.private_link_token(file_of)
    for _ in range(5):
        assert patient_export(client, token, "json", "1901-02-03").status_code == 422
    response = patient_export(client, token, "json", f"{file_of.birth_date:%Y-%m-%d}")
    assert response.status_code == 422 and "essais erronés depuis 24 heures" in response.content.decode()
    assert not exports_of(file_of).exists()
    assert refusals_of(file_of).count() == 5
    # A day later, the oldest tries no longer count.
    a_day_later = timezone.now() + datetime.timedelta(days=1, minutes=1)
    assert export.confirm_birth_date(file_of, file_of.birth_date, now=a_day_later) is None


def test_export_the_patient_sees_only_doctors_who_accepted(client, cpts, file_of, offer):
    refused = file_of.proposals.get()
    accepted = ProposalFactory(patient=file_of, offer=offer, status=ProposalStatus.ACCEPTED)
    data = export.person_data(file_of, audience=export.PATIENT)
    doctors = {row["id"]: row["doctor"] for row in data["proposals"]}
    assert doctors == {refused.pk: "Médecin du territoire", accepted.pk: "Jeanne Médecin"}
    coordination = export.person_data(file_of, audience=export.COORDINATION)
    assert {row["doctor"] for row in coordination["proposals"]} == {"Jeanne Médecin"}
    token = services.private_link_token(file_of)
    text = patient_export(client, token, "json", f"{file_of.birth_date:%Y-%m-%d}").content.decode()
    assert text.count("Jeanne Médecin") == 1


def test_export_from_a_bad_link_is_404_and_journals_nothing(client, cpts, versailles):
    patient = PatientFactory(cpts=cpts, commune=versailles)
    token = services.private_link_token(patient)
    birth_date = f"{patient.birth_date:%Y-%m-%d}"
    assert patient_export(client, token + "x", "json", birth_date).status_code == 404
    patient.link_nonce = "revoked"
    patient.save()
    assert patient_export(client, token, "json", birth_date).status_code == 404
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
    # A patient the member did not register is invisible to them: the same 404 as for a stranger.
    assert api_client.get(url, **token_headers(member)).status_code == 404
    assert api_client.get(url, **token_headers(UserFactory())).status_code == 404
