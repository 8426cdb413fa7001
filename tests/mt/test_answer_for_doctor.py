"""The coordinator enters a doctor's answer received by phone: a note is required, and the
transition log keeps who entered it and that it was for the doctor. Pages and API."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.mt.models import PatientEvent, PatientStatus, Proposal, ProposalEvent, ProposalStatus

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def page(cpts, proposal):
    return reverse("mt_proposal", args=[cpts.slug, proposal.pk])


def api(cpts, proposal):
    return f"/api/v1/cpts/{cpts.pk}/mt/proposals/{proposal.pk}/doctor-answer"


def test_answer_for_doctor_the_coordinator_records_an_acceptance_and_the_log_says_for_whom(
    cpts, coordinator, proposal, django_capture_on_commit_callbacks
):
    client = verified_client(coordinator)
    shown = client.get(page(cpts, proposal)).content.decode()
    assert "Saisir la réponse du médecin" in shown and "Réponse reçue par téléphone le" in shown
    note = "Réponse reçue par téléphone le 23/11/2026"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page(cpts, proposal), {"action": "accept_for_doctor", "note": note})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.patient.status == PatientStatus.ACCEPTED
    event = PatientEvent.objects.get(proposal=proposal)
    assert (event.by, event.for_doctor, event.note) == (coordinator, True, note)
    entry = JournalEntry.objects.get(action="transition", object_type="mt.Proposal", object_id=str(proposal.pk))
    assert entry.actor_id == coordinator.pk and entry.note == "proposed → accepted"
    # The proposal's own log says it was entered for the doctor (the journal's note is the move).
    step = ProposalEvent.objects.get(proposal=proposal)
    assert (step.by, step.note) == (coordinator, f"{note} (pour le médecin)")
    # The doctor hears what was entered in their name.
    to_doctor = [message for message in mail.outbox if proposal.offer.doctor.email in message.to]
    assert [message.subject for message in to_doctor] == [
        f"{cpts.name} — votre réponse à une proposition est enregistrée"
    ]
    history = client.get(page(cpts, proposal)).content.decode()
    assert "pour le médecin — Réponse reçue par téléphone" in history


def test_answer_for_doctor_needs_a_note(cpts, coordinator, proposal):
    client = verified_client(coordinator)
    response = client.post(page(cpts, proposal), {"action": "refuse_for_doctor", "note": "  "}, follow=True)
    assert "Note : indiquez comment la réponse du médecin a été reçue" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED
    assert not PatientEvent.objects.filter(proposal=proposal).exists()


def test_answer_for_doctor_is_not_offered_to_the_doctor_nor_taken_from_them(cpts, doctor, proposal):
    client = verified_client(doctor.user)
    assert "Saisir la réponse du médecin" not in client.get(page(cpts, proposal)).content.decode()
    client.post(page(cpts, proposal), {"action": "accept_for_doctor", "note": "par téléphone"})
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED


def test_answer_for_doctor_only_covers_the_doctors_own_answers(coordinator, proposal):
    with pytest.raises(ValidationError):
        proposal.move(ProposalStatus.REFUSED_BY_PATIENT, by=coordinator, note="tél.", for_doctor=True)


def test_answer_for_doctor_by_api_refuses_for_the_doctor_and_sends_the_patient_back(
    api_client, cpts, coordinator, proposal, token_headers
):
    response = api_client.post(
        api(cpts, proposal),
        {"status": "refused_by_doctor", "note": "Réponse reçue par téléphone le 23/11"},
        content_type="application/json",
        **token_headers(coordinator),
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"]["code"] == "refused_by_doctor"
    assert Proposal.objects.get(pk=proposal.pk).patient.status == PatientStatus.WAITING
    detail = api_client.get(
        f"/api/v1/cpts/{cpts.pk}/mt/patients/{proposal.patient_id}", **token_headers(coordinator)
    ).json()
    assert [event["for_doctor"] for event in detail["events"]] == [True]


def test_answer_for_doctor_by_api_names_the_missing_note_and_refuses_others_and_late_answers(
    api_client, cpts, coordinator, doctor, proposal, token_headers
):
    missing = api_client.post(
        api(cpts, proposal),
        {"status": "accepted", "note": " "},
        content_type="application/json",
        **token_headers(coordinator),
    )
    assert missing.status_code == 422 and "note" in str(missing.json()["detail"][0]["loc"])
    body = {"status": "accepted", "note": "par téléphone"}
    as_doctor = api_client.post(
        api(cpts, proposal), body, content_type="application/json", **token_headers(doctor.user)
    )
    assert as_doctor.status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED
    api_client.post(api(cpts, proposal), body, content_type="application/json", **token_headers(coordinator))
    again = api_client.post(api(cpts, proposal), body, content_type="application/json", **token_headers(coordinator))
    assert again.status_code == 409 and "Acceptée par le médecin" in again.json()["detail"]
