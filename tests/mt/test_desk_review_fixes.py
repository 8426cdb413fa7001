"""The desk's rules a review asked for: no resurrected withdrawal, one lock order,
refusals per doctor, the daily run, active members only, skipped offers, quiet SMTP
failures, least access for closed proposals, list reads journaled per patient."""

import datetime
import logging
import smtplib
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import CptsRole, JournalEntry
from maillon.core.workflows import TransitionNotAllowed
from maillon.members.factories import MembershipFactory, PracticePlaceFactory, ProfessionalFactory
from maillon.members.models import MembershipStatus
from maillon.mt import notifications, services, tasks
from maillon.mt.factories import DoctorOfferFactory, EngineScheduleFactory, PatientFactory, ProposalFactory
from maillon.mt.models import Channel, DoctorOffer, Patient, PatientStatus, Proposal, ProposalStatus
from maillon.territories.models import Commune

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def versailles(cpts):
    return Commune.objects.get(code="78646")


def member_doctor(cpts, commune, *, user=None):
    professional = ProfessionalFactory(user=user)
    MembershipFactory(cpts=cpts, professional=professional)
    PracticePlaceFactory(professional=professional, commune=commune)
    return professional


@pytest.fixture
def doctor(cpts, versailles):
    user = UserFactory(with_totp=True)
    CptsRoleFactory(cpts=cpts, user=user)
    return member_doctor(cpts, versailles, user=user)


# 1. A withdrawal during a run is never undone.


def test_a_patient_who_withdraws_during_a_run_stays_withdrawn(cpts, versailles, doctor, monkeypatch):
    DoctorOfferFactory(cpts=cpts, doctor=doctor, radius_km=None)
    patient = PatientFactory(cpts=cpts, commune=versailles)
    solve = services.matching.solve

    def solve_while_the_patient_withdraws(*args, **kwargs):
        solution = solve(*args, **kwargs)
        # The patient's own withdrawal lands between the read and the writes.
        Patient.objects.filter(pk=patient.pk).update(status=PatientStatus.WITHDRAWN, closed_at=timezone.now())
        return solution

    monkeypatch.setattr(services.matching, "solve", solve_while_the_patient_withdraws)
    run = services.propose(cpts)
    patient.refresh_from_db()
    assert patient.status == PatientStatus.WITHDRAWN and patient.closed_at is not None
    assert run.proposals_made == 0 and not Proposal.objects.exists()


def test_a_stale_copy_cannot_move_a_closed_patient(cpts, versailles):
    stale = PatientFactory(cpts=cpts, commune=versailles)
    Patient.objects.get(pk=stale.pk).withdraw()
    with pytest.raises(TransitionNotAllowed, match="a changé entre-temps"):
        stale.step("propose", by=None)
    stale.refresh_from_db()
    assert stale.status == PatientStatus.WITHDRAWN and stale.closed_at is not None


# 2. One lock order: the patient, then their proposals.


def test_proposal_moves_and_withdrawals_lock_the_patient_first(cpts, versailles, doctor, monkeypatch):
    locked = []
    original = QuerySet.select_for_update

    def recording(self, *args, **kwargs):
        if self.model in (Patient, Proposal):
            locked.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", recording)
    offer = DoctorOfferFactory(cpts=cpts, doctor=doctor)
    first = ProposalFactory(patient=PatientFactory(cpts=cpts, commune=versailles, status="proposed"), offer=offer)
    first.move(ProposalStatus.ACCEPTED)
    assert locked == [Patient, Proposal]
    locked.clear()
    first.patient.withdraw()
    assert locked == [Patient, Proposal]


# 3. A refusal is the doctor's, whatever their offer.


def test_a_doctor_who_reopens_an_offer_does_not_get_the_patient_they_refused(cpts, versailles, doctor):
    first = DoctorOfferFactory(cpts=cpts, doctor=doctor, radius_km=None)
    patient = PatientFactory(cpts=cpts, commune=versailles)
    services.propose(cpts)
    services.transition(Proposal.objects.get(), ProposalStatus.REFUSED_BY_DOCTOR)
    first.close(by=None)
    DoctorOfferFactory(cpts=cpts, doctor=doctor, radius_km=None)
    assert services.propose(cpts).proposals_made == 0
    patient.refresh_from_db()
    assert patient.status == PatientStatus.WAITING


# 4. The daily run, and the private link after a withdrawal.


def test_mt_daily_expires_purges_and_proposes(cpts, versailles, doctor, settings):
    settings.MAILLON_MT_RETENTION_DAYS = 30
    EngineScheduleFactory(cpts=cpts, weekdays=list(range(7)))
    offer = DoctorOfferFactory(cpts=cpts, doctor=doctor, radius_km=None, places_per_month=2)
    unanswered = ProposalFactory(
        patient=PatientFactory(cpts=cpts, commune=versailles, status="proposed"),
        offer=offer,
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    old = PatientFactory(cpts=cpts, commune=versailles)
    old.withdraw()
    Patient.objects.filter(pk=old.pk).update(closed_at=timezone.now() - datetime.timedelta(days=31))
    waiting = PatientFactory(cpts=cpts, commune=versailles)
    out = StringIO()
    call_command("mt_daily", "--propose", stdout=out)
    assert "1 proposition(s) expirée(s), 1 inscription(s) supprimée(s), 1 calcul(s) mis en file." in out.getvalue()
    unanswered.refresh_from_db()
    assert unanswered.status == ProposalStatus.EXPIRED
    assert not Patient.objects.filter(pk=old.pk).exists()
    # The expired pair is excluded: only the other patient is proposed.
    assert Proposal.objects.get(status=ProposalStatus.PROPOSED).patient == waiting


def test_the_daily_task_returns_counts_only(cpts, versailles):
    result = tasks.mt_daily.enqueue()
    assert result.return_value == {"expired": 0, "purged": 0}
    assert tasks.mt_daily.enqueue(run_engine=True).return_value == {"expired": 0, "purged": 0, "runs_enqueued": 0}


def test_the_private_link_says_withdrawn_after_a_withdrawal_and_is_revoked_by_the_purge(
    client, cpts, versailles, settings
):
    settings.MAILLON_MT_RETENTION_DAYS = 30
    patient = PatientFactory(cpts=cpts, commune=versailles)
    url = reverse("mt_patient_status", args=[services.private_link_token(patient)])
    client.post(url, {"confirm": "1"})
    page = client.get(url)
    assert page.status_code == 200 and "Vous vous êtes désinscrit(e)" in page.content.decode()
    Patient.objects.filter(pk=patient.pk).update(closed_at=timezone.now() - datetime.timedelta(days=31))
    assert services.purge_closed() == 1
    assert client.get(url).status_code == 404


# 5. Only doctors with an active adhesion.


def test_offers_of_doctors_without_an_active_adhesion_are_not_considered(cpts, versailles):
    former = member_doctor(cpts, versailles)
    former.memberships.update(status=MembershipStatus.LEFT)
    stranger = ProfessionalFactory()
    PracticePlaceFactory(professional=stranger, commune=versailles)
    DoctorOfferFactory(cpts=cpts, doctor=former, radius_km=None)
    DoctorOfferFactory(cpts=cpts, doctor=stranger, radius_km=None)
    PatientFactory(cpts=cpts, commune=versailles)
    run = services.propose(cpts)
    assert (run.doctors_considered, run.proposals_made) == (0, 0)


# 6. An offer without a place is skipped, counted and shown.


def test_an_offer_without_place_nor_commune_is_skipped_and_shown(cpts, versailles, doctor, coordinator):
    homeless = ProfessionalFactory()
    MembershipFactory(cpts=cpts, professional=homeless)
    DoctorOfferFactory(cpts=cpts, doctor=homeless, radius_km=None)
    DoctorOfferFactory(cpts=cpts, doctor=doctor, radius_km=None)
    PatientFactory(cpts=cpts, commune=versailles)
    run = services.propose(cpts)
    assert (run.doctors_considered, run.proposals_made, run.objective["skipped_offers"]) == (1, 1, 1)
    page = verified_client(coordinator).get(reverse("mt_run", args=[cpts.slug, run.pk])).content.decode()
    assert "1 offre ouverte laissée de côté" in page


# 7. SMTP failures leave no address behind.


def test_a_failed_email_returns_false_and_logs_no_address(cpts, versailles, caplog):
    patient = PatientFactory(cpts=cpts, commune=versailles, email="jeanne.secret@example.org")
    refused = smtplib.SMTPRecipientsRefused({"jeanne.secret@example.org": (550, b"unknown")})
    with (
        mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=refused),
        caplog.at_level(logging.ERROR),
    ):
        result = notifications.send_registration_acknowledgement.enqueue(patient.pk)
    assert result.return_value is False
    assert "SMTPRecipientsRefused" in caplog.text and "jeanne.secret" not in caplog.text


# 8. A closed proposal shows its doctor nothing of the patient.


def test_a_doctor_sees_neither_reasons_nor_commune_of_a_closed_proposal(cpts, versailles, doctor):
    offer = DoctorOfferFactory(cpts=cpts, doctor=doctor, radius_km=None)
    patient = PatientFactory(cpts=cpts, commune=versailles, status="proposed")
    proposal = ProposalFactory(patient=patient, offer=offer, reasons=["Priorité : ALD (+30)"])
    client = verified_client(doctor.user)
    proposal_url = reverse("mt_proposal", args=[cpts.slug, proposal.pk])
    offer_url = reverse("mt_offer", args=[cpts.slug])
    assert "ALD (+30)" in client.get(proposal_url).content.decode()

    def my_proposals():
        return client.get(offer_url).content.decode().split("Mes propositions", 1)[1].split("</main>")[0]

    assert "Versailles" in my_proposals().split("</table>")[0]
    proposal.move(ProposalStatus.REFUSED_BY_DOCTOR)
    assert "ALD (+30)" not in client.get(proposal_url).content.decode()
    table, after = my_proposals().split("</table>", 1)
    assert "Versailles" not in table and f"Proposition n° {proposal.pk}" not in table
    assert "1 autre proposition close" in after


# 9. List pages journal the patients they show.


def test_the_proposals_and_run_pages_journal_the_patients_shown(cpts, versailles, doctor, coordinator):
    DoctorOfferFactory(cpts=cpts, doctor=doctor, radius_km=None)
    patient = PatientFactory(cpts=cpts, commune=versailles)
    run = services.propose(cpts)
    client = verified_client(coordinator)
    for url in (reverse("mt_proposals", args=[cpts.slug]), reverse("mt_run", args=[cpts.slug, run.pk])):
        before = JournalEntry.objects.filter(object_type="mt.Patient", object_id=str(patient.pk), action="read").count()
        client.get(url)
        after = JournalEntry.objects.filter(
            object_type="mt.Patient", object_id=str(patient.pk), action="read", actor_id=coordinator.pk
        ).count()
        assert after == before + 1


# 10. Smaller rules.


def test_a_former_coordinator_no_longer_sees_the_patient_they_registered_as_such(cpts, coordinator, versailles):
    patient = PatientFactory(cpts=cpts, commune=versailles, channel=Channel.COORDINATOR, registered_by=coordinator)
    url = reverse("mt_patient", args=[cpts.slug, patient.pk])
    assert verified_client(coordinator).get(url).status_code == 200
    CptsRole.objects.filter(user=coordinator, cpts=cpts).update(role="member")
    assert verified_client(coordinator).get(url).status_code == 404


def test_the_patient_hears_that_another_doctor_is_sought(cpts, versailles, doctor, django_capture_on_commit_callbacks):
    offer = DoctorOfferFactory(cpts=cpts, doctor=doctor)
    proposal = ProposalFactory(patient=PatientFactory(cpts=cpts, commune=versailles, status="proposed"), offer=offer)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(proposal, ProposalStatus.REFUSED_BY_DOCTOR)
    assert [message.to for message in mail.outbox] == [[proposal.patient.email]]
    assert "nous cherchons un autre médecin" in mail.outbox[0].subject
    assert "ALD" not in mail.outbox[0].body


def test_a_proposal_still_open_from_last_month_uses_a_place(cpts, versailles, doctor):
    offer = DoctorOfferFactory(cpts=cpts, doctor=doctor, places_per_month=3)
    last_month = timezone.now() - datetime.timedelta(days=40)
    ProposalFactory(patient=PatientFactory(cpts=cpts, commune=versailles), offer=offer, created_at=last_month)
    ProposalFactory(
        patient=PatientFactory(cpts=cpts, commune=versailles),
        offer=offer,
        created_at=last_month,
        status=ProposalStatus.DECLARED,
        decided_at=last_month,
    )
    assert DoctorOffer.objects.get(pk=offer.pk).places_left() == 2
