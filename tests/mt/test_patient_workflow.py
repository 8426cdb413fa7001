"""A registration's status moves only through `Patient.workflow`, following its proposal:
waiting → proposed → accepted → informed → declared, back to waiting on a refusal or an
expiry, withdrawn from any open status. Declared and withdrawn are closed for good."""

import pytest

from maillon.core.models import JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.mt import services
from maillon.mt.factories import PatientFactory, ProposalFactory
from maillon.mt.models import Patient, PatientEvent, PatientStatus, ProposalStatus

pytestmark = pytest.mark.django_db


def transitions_of(patient):
    return JournalEntry.objects.filter(action="transition", object_type="mt.Patient", object_id=str(patient.pk))


@pytest.fixture
def waiting(cpts, versailles):
    return PatientFactory(cpts=cpts, commune=versailles)


def test_each_step_of_the_patient_writes_one_log_row_and_one_journal_entry(cpts, coordinator, proposal):
    patient = proposal.patient
    proposal.move(ProposalStatus.ACCEPTED, by=proposal.offer.doctor.user, note="bienvenue")
    event = PatientEvent.objects.get(patient=patient)
    assert (event.from_status, event.to_status, event.by, event.note, event.proposal, event.for_doctor) == (
        "proposed",
        "accepted",
        proposal.offer.doctor.user,
        "bienvenue",
        proposal,
        False,
    )
    assert list(transitions_of(patient).values_list("note", flat=True)) == ["proposed → accepted"]
    proposal.move(ProposalStatus.INFORMED, by=coordinator)
    proposal.move(ProposalStatus.DECLARED, by=coordinator, note="déclaré")
    patient.refresh_from_db()
    assert patient.status == PatientStatus.DECLARED and patient.closed_at is not None
    assert [(e.from_status, e.to_status) for e in patient.events.all()] == [
        ("proposed", "accepted"),
        ("accepted", "informed"),
        ("informed", "declared"),
    ]
    assert transitions_of(patient).count() == 3


def test_a_refusal_sends_the_patient_back_to_the_queue(coordinator, proposal):
    proposal.move(ProposalStatus.REFUSED_BY_DOCTOR, by=coordinator, note="complet", for_doctor=True)
    patient = Patient.objects.get(pk=proposal.patient_id)
    assert patient.status == PatientStatus.WAITING and patient.closed_at is None
    event = patient.events.get()
    assert (event.from_status, event.to_status, event.for_doctor, event.note) == (
        "proposed",
        "waiting",
        True,
        "complet",
    )


def test_the_engine_proposes_a_waiting_patient_and_logs_it(cpts, waiting, offer):
    run = services.propose(cpts)
    waiting.refresh_from_db()
    assert waiting.status == PatientStatus.PROPOSED
    event = waiting.events.get()
    assert (event.from_status, event.to_status, event.note) == ("waiting", "proposed", f"calcul n° {run.pk}")
    assert event.proposal.patient_id == waiting.pk
    assert transitions_of(waiting).count() == 1


def test_a_withdrawal_closes_the_registration_from_any_open_status(coordinator, proposal, waiting):
    services.withdraw(waiting, by=coordinator, note="par la coordination")
    waiting.refresh_from_db()
    assert waiting.status == PatientStatus.WITHDRAWN and waiting.closed_at is not None
    assert [(e.from_status, e.to_status, e.by) for e in waiting.events.all()] == [("waiting", "withdrawn", coordinator)]
    # With an open proposal: the proposal is withdrawn too.
    services.withdraw(proposal.patient, by=coordinator)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN and proposal.decided_at is not None
    assert proposal.patient.status == PatientStatus.WITHDRAWN


def test_a_closed_registration_refuses_every_step_in_french_and_writes_nothing(coordinator, waiting):
    services.withdraw(waiting, by=coordinator)
    rows, entries = PatientEvent.objects.count(), JournalEntry.objects.filter(action="transition").count()
    with pytest.raises(TransitionNotAllowed, match="Cette inscription est déjà close"):
        waiting.withdraw(by=coordinator)
    with pytest.raises(TransitionNotAllowed) as refused:
        waiting.step("propose", by=coordinator)
    assert refused.value.messages == ["Cette inscription est « Désinscrit » : l'action n'est pas possible."]
    assert (refused.value.status, refused.value.status_label) == ("withdrawn", "Désinscrit")
    waiting.refresh_from_db()
    assert waiting.status == PatientStatus.WITHDRAWN
    assert PatientEvent.objects.count() == rows
    assert JournalEntry.objects.filter(action="transition").count() == entries


def test_an_illegal_step_is_refused_and_writes_nothing(coordinator, waiting):
    with pytest.raises(
        TransitionNotAllowed, match="Cette inscription est « En attente » : l'action n'est pas possible"
    ):
        waiting.step("declare", by=coordinator)
    waiting.refresh_from_db()
    assert waiting.status == PatientStatus.WAITING
    assert not PatientEvent.objects.exists() and not transitions_of(waiting).exists()


def test_a_stale_copy_of_a_patient_loses_and_writes_nothing(coordinator, waiting):
    stale = Patient.objects.get(pk=waiting.pk)
    Patient.objects.get(pk=waiting.pk).withdraw(by=coordinator)
    with pytest.raises(TransitionNotAllowed, match="Cette inscription a changé entre-temps"):
        stale.step("propose", by=coordinator, proposal=ProposalFactory(patient=PatientFactory(cpts=waiting.cpts)))
    waiting.refresh_from_db()
    assert waiting.status == PatientStatus.WITHDRAWN
    assert [e.to_status for e in waiting.events.all()] == ["withdrawn"]
    assert transitions_of(waiting).count() == 1


def test_the_status_never_changes_by_a_plain_save(waiting):
    waiting.status = PatientStatus.DECLARED
    with pytest.raises(StateChangedOutsideWorkflow):
        waiting.save()
