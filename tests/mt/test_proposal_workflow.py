"""A proposal moves only through `Proposal.workflow` (its transitions declared once), under
the row locks patient then proposal; each step writes one `ProposalEvent` (a coordinator's
entry for the doctor says so in its note), one `PatientEvent` for the patient's own move and
a « transition » journal entry for each. An impossible step is refused in French, changes
nothing, and answers 409 with the state in the API."""

import pytest
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.mt import services
from maillon.mt.models import Patient, PatientEvent, PatientStatus, Proposal, ProposalEvent, ProposalStatus

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def transitions_of(proposal):
    return JournalEntry.objects.filter(action="transition", object_type="mt.Proposal", object_id=str(proposal.pk))


def api(cpts, proposal, rest="transition"):
    return f"/api/v1/cpts/{cpts.pk}/mt/proposals/{proposal.pk}/{rest}"


@pytest.mark.parametrize(
    ("path", "expected_patient"),
    [
        ([ProposalStatus.ACCEPTED, ProposalStatus.INFORMED, ProposalStatus.DECLARED], PatientStatus.DECLARED),
        ([ProposalStatus.REFUSED_BY_DOCTOR], PatientStatus.WAITING),
        ([ProposalStatus.EXPIRED], PatientStatus.WAITING),
        ([ProposalStatus.ACCEPTED, ProposalStatus.REFUSED_BY_PATIENT], PatientStatus.WAITING),
        ([ProposalStatus.ACCEPTED, ProposalStatus.INFORMED, ProposalStatus.WITHDRAWN], PatientStatus.WITHDRAWN),
    ],
)
def test_each_legal_step_writes_one_log_row_and_one_journal_entry(coordinator, proposal, path, expected_patient):
    before = ProposalStatus.PROPOSED
    for count, to in enumerate(path, start=1):
        proposal = proposal.move(to, by=coordinator, note=f"étape {count}")
        step = ProposalEvent.objects.filter(proposal=proposal).last()
        assert (step.from_status, step.to_status, step.by, step.note) == (before, to, coordinator, f"étape {count}")
        assert ProposalEvent.objects.filter(proposal=proposal).count() == count
        assert transitions_of(proposal).count() == count
        assert transitions_of(proposal).order_by("pk").last().note == f"{before} → {to}"
        assert proposal.decided_at is not None
        before = to
    assert Patient.objects.get(pk=proposal.patient_id).status == expected_patient
    assert PatientEvent.objects.filter(proposal=proposal).count() == len(path)


def test_an_answer_entered_for_the_doctor_says_so_in_the_proposal_log(coordinator, proposal):
    services.answer_for_doctor(proposal, ProposalStatus.ACCEPTED, by=coordinator, note="par téléphone")
    step = ProposalEvent.objects.get(proposal=proposal)
    assert (step.by, step.note) == (coordinator, "par téléphone (pour le médecin)")
    assert PatientEvent.objects.get(proposal=proposal).for_doctor is True


def test_an_illegal_step_is_refused_in_french_and_writes_nothing(coordinator, proposal):
    with pytest.raises(TransitionNotAllowed) as refused:
        proposal.move(ProposalStatus.DECLARED, by=coordinator)
    assert refused.value.messages == ["Cette proposition est « Proposée au médecin » : l'action n'est pas possible."]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED and proposal.decided_at is None
    assert proposal.patient.status == PatientStatus.PROPOSED
    assert not ProposalEvent.objects.exists() and not PatientEvent.objects.exists()
    assert not JournalEntry.objects.filter(action="transition").exists()


def test_a_closed_proposal_takes_no_step(coordinator, proposal):
    proposal = proposal.move(ProposalStatus.REFUSED_BY_DOCTOR, by=coordinator)
    for to in (ProposalStatus.ACCEPTED, ProposalStatus.WITHDRAWN, ProposalStatus.EXPIRED):
        with pytest.raises(TransitionNotAllowed, match="« Refusée par le médecin »"):
            proposal.move(to, by=coordinator)
    assert ProposalEvent.objects.count() == 1


def test_a_stale_copy_of_a_proposal_loses_and_writes_nothing(coordinator, proposal):
    stale = Proposal.objects.get(pk=proposal.pk)
    Proposal.objects.get(pk=proposal.pk).move(ProposalStatus.REFUSED_BY_DOCTOR, by=coordinator)
    with pytest.raises(TransitionNotAllowed, match="a changé entre-temps"):
        stale.workflow.run(stale, "accept", by=coordinator)
    # `move` reads the row under its lock: the refusal names the state it found.
    with pytest.raises(TransitionNotAllowed, match="« Refusée par le médecin »"):
        Proposal.objects.get(pk=proposal.pk).move(ProposalStatus.ACCEPTED, by=coordinator)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REFUSED_BY_DOCTOR
    assert ProposalEvent.objects.count() == 1 and transitions_of(proposal).count() == 1


def test_a_stale_copy_moved_through_move_loses_too(coordinator, proposal):
    stale = Proposal.objects.get(pk=proposal.pk)
    Proposal.objects.get(pk=proposal.pk).move(ProposalStatus.ACCEPTED, by=coordinator)
    with pytest.raises(TransitionNotAllowed):
        stale.move(ProposalStatus.REFUSED_BY_DOCTOR, by=coordinator)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.ACCEPTED
    assert ProposalEvent.objects.count() == 1


def test_the_status_never_changes_by_a_plain_save(proposal):
    proposal.status = ProposalStatus.DECLARED
    with pytest.raises(StateChangedOutsideWorkflow):
        proposal.save()


def test_the_api_answers_409_with_the_state_and_changes_nothing(api_client, cpts, coordinator, proposal, token_headers):
    response = api_client.post(
        api(cpts, proposal), {"status": "informed"}, content_type="application/json", **token_headers(coordinator)
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Cette proposition est « Proposée au médecin » : l'action n'est pas possible.",
        "status": "proposed",
        "status_label": "Proposée au médecin",
    }
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED
    assert not ProposalEvent.objects.exists() and not JournalEntry.objects.filter(action="transition").exists()


def test_a_late_answer_for_the_doctor_answers_409_with_the_state(
    api_client, cpts, coordinator, proposal, token_headers
):
    proposal.move(ProposalStatus.REFUSED_BY_DOCTOR, by=coordinator)
    response = api_client.post(
        api(cpts, proposal, "doctor-answer"),
        # Received too late: the proposal was refused meanwhile.
        {"status": "accepted", "note": "par téléphone"},
        content_type="application/json",
        **token_headers(coordinator),
    )
    assert response.status_code == 409
    assert response.json()["status"] == "refused_by_doctor"
    assert response.json()["status_label"] == "Refusée par le médecin"
    assert ProposalEvent.objects.count() == 1


def test_the_page_shows_an_impossible_step_as_an_error(cpts, coordinator, proposal):
    client = verified_client(coordinator)
    url = reverse("mt_proposal", args=[cpts.slug, proposal.pk])
    page = client.post(url, {"action": "declared"}, follow=True).content.decode()
    assert "Cette proposition est « Proposée au médecin »" in page
    assert not ProposalEvent.objects.exists()
