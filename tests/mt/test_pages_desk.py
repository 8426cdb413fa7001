"""The desk in the CPTS space: queue, registrations on someone's behalf, least access per
role, proposals and their workflow, weights, the doctor's offer."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import JournalEntry
from maillon.members.factories import MembershipFactory, PracticePlaceFactory, ProfessionalFactory
from maillon.mt.factories import DoctorOfferFactory, PatientFactory, ProposalFactory
from maillon.mt.models import (
    Channel,
    DoctorOffer,
    MatchingRun,
    Patient,
    PatientStatus,
    PriorityWeight,
    Proposal,
    ProposalStatus,
)
from maillon.territories.models import Commune

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def versailles(cpts):
    return Commune.objects.get(code="78646")


@pytest.fixture
def doctor(cpts, versailles):
    """A member doctor of the CPTS, with an account and a practice place in Versailles."""
    user = UserFactory(with_totp=True)
    CptsRoleFactory(cpts=cpts, user=user)
    professional = ProfessionalFactory(user=user)
    MembershipFactory(cpts=cpts, professional=professional)
    PracticePlaceFactory(professional=professional, commune=versailles)
    return professional


@pytest.fixture
def proposal(cpts, versailles, doctor):
    offer = DoctorOfferFactory(cpts=cpts, doctor=doctor, radius_km=None)
    patient = PatientFactory(
        cpts=cpts, commune=versailles, status=PatientStatus.PROPOSED, last_name="Durand", first_name="Odile"
    )
    return ProposalFactory(patient=patient, offer=offer)


def form_data(**fields):
    return {
        "last_name": "Lemoine",
        "first_name": "Paul",
        "birth_date": "1950-03-04",
        "commune_query": "Versailles",
        "commune": "78646",
        "email": "",
        "phone": "01 39 00 00 00",
        "criteria": ["c2s"],
        "consent": "on",
        **fields,
    }


def test_the_coordinator_sees_the_queue_by_score_with_reasons_and_the_read_is_journaled(cpts, coordinator, versailles):
    now = timezone.now()
    old = PatientFactory(cpts=cpts, commune=versailles, last_name="Ancien", registered_at=now - datetime.timedelta(300))
    ald = PatientFactory(cpts=cpts, commune=versailles, last_name="Prioritaire", ald=True)
    page = verified_client(coordinator).get(reverse("mt_queue", args=[cpts.slug])).content.decode()
    assert page.index("Prioritaire") < page.index("Ancien")
    assert "Affection de longue durée (ALD) (+30)" in page
    assert "300 jours" in page and "Inscription par le patient" in page
    assert JournalEntry.objects.filter(action="read", object_type="mt.Patient", cpts_id=cpts.pk).exists()
    # One entry per patient shown, naming them by id.
    read_ids = JournalEntry.objects.filter(action="read", object_type="mt.Patient", actor_id=coordinator.pk)
    assert set(read_ids.values_list("object_id", flat=True)) == {str(old.pk), str(ald.pk)}


def test_the_queue_page_runs_a_fixed_number_of_queries(cpts, coordinator, versailles, django_assert_max_num_queries):
    client = verified_client(coordinator)
    url = reverse("mt_queue", args=[cpts.slug])
    PatientFactory.create_batch(2, cpts=cpts, commune=versailles)
    with django_assert_max_num_queries(11):
        client.get(url)
    PatientFactory.create_batch(20, cpts=cpts, commune=versailles, ald=True)
    with django_assert_max_num_queries(11):
        assert client.get(url).content.decode().count("<tr>") == 23  # header + 22 rows


def test_a_member_registers_a_patient_and_sees_only_the_patients_they_registered(cpts, member, versailles):
    someone_else = PatientFactory(cpts=cpts, commune=versailles, last_name="Autrui")
    client = verified_client(member)
    response = client.post(reverse("mt_patient_new", args=[cpts.slug]), form_data())
    assert response.status_code == 302
    mine = Patient.objects.get(last_name="Lemoine")
    assert (mine.channel, mine.registered_by, mine.c2s, mine.phone) == (Channel.MEMBER, member, True, "01 39 00 00 00")
    page = client.get(reverse("mt_queue", args=[cpts.slug])).content.decode()
    assert "Lemoine" in page and "Autrui" not in page
    assert client.get(reverse("mt_patient", args=[cpts.slug, mine.pk])).status_code == 200
    assert client.get(reverse("mt_patient", args=[cpts.slug, someone_else.pk])).status_code == 404


def test_the_coordinator_registers_on_someones_behalf_and_a_duplicate_is_not_added(cpts, coordinator):
    client = verified_client(coordinator)
    url = reverse("mt_patient_new", args=[cpts.slug])
    first = client.post(url, form_data())
    patient = Patient.objects.get()
    assert patient.channel == Channel.COORDINATOR
    assert first["Location"] == reverse("mt_patient", args=[cpts.slug, patient.pk])
    client.post(url, form_data(first_name="PAUL"))
    assert Patient.objects.count() == 1


def test_bad_input_on_the_desk_form_names_the_field(cpts, coordinator):
    response = verified_client(coordinator).post(
        reverse("mt_patient_new", args=[cpts.slug]), form_data(last_name="", consent="")
    )
    page = response.content.decode()
    assert "Nom : ce champ est obligatoire." in page and "Consentement : cochez la case" in page
    assert not Patient.objects.exists()


def test_only_the_coordinator_and_the_proposed_doctor_see_a_proposal(cpts, coordinator, member, doctor, proposal):
    url = reverse("mt_proposal", args=[cpts.slug, proposal.pk])
    assert "Durand" in verified_client(coordinator).get(url).content.decode()
    doctor_page = verified_client(doctor.user).get(url)
    assert doctor_page.status_code == 200 and "Durand" in doctor_page.content.decode()
    assert JournalEntry.objects.filter(action="read", object_type="mt.Patient", actor_id=doctor.user.pk).exists()
    # The doctor sees the patient through the proposal, not their registration.
    patient_url = reverse("mt_patient", args=[cpts.slug, proposal.patient.pk])
    assert verified_client(doctor.user).get(patient_url).status_code == 404
    other_doctor = UserFactory(with_totp=True)
    CptsRoleFactory(cpts=cpts, user=other_doctor)
    ProfessionalFactory(user=other_doctor)
    for user in (member, other_doctor):
        assert verified_client(user).get(url).status_code == 404
        assert verified_client(user).get(patient_url).status_code == 404
        assert verified_client(user).get(reverse("mt_proposals", args=[cpts.slug])).status_code == 404


def test_visitors_are_sent_to_the_login(client, cpts, proposal):
    for url in (
        reverse("mt_queue", args=[cpts.slug]),
        reverse("mt_proposal", args=[cpts.slug, proposal.pk]),
        reverse("mt_offer", args=[cpts.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_doctor_accepts_and_the_patient_hears_of_it(cpts, doctor, proposal, django_capture_on_commit_callbacks):
    client = verified_client(doctor.user)
    url = reverse("mt_proposal", args=[cpts.slug, proposal.pk])
    # A coordinator's step is not the doctor's to take.
    client.post(url, {"action": "declared"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.patient.status == "accepted"
    assert [message.to for message in mail.outbox] == [[proposal.patient.email]]


def test_the_coordinator_records_the_patient_informed_then_the_mt_declared(cpts, coordinator, proposal):
    proposal.move(ProposalStatus.ACCEPTED)
    client = verified_client(coordinator)
    url = reverse("mt_proposal", args=[cpts.slug, proposal.pk])
    # The doctor's answer is not the coordinator's to give.
    client.post(url, {"action": "accept"})
    client.post(url, {"action": "informed"})
    client.post(url, {"action": "declared", "note": "déclaré le 3 mars"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLARED
    patient = proposal.patient
    patient.refresh_from_db()
    assert patient.status == "declared" and patient.closed_at is not None
    assert [e.to_status for e in patient.events.all()] == ["accepted", "informed", "declared"]


def test_the_coordinator_computes_proposals_and_sees_the_run(cpts, coordinator, doctor, versailles):
    DoctorOfferFactory(cpts=cpts, doctor=doctor, places_per_month=1, radius_km=None)
    PatientFactory(cpts=cpts, commune=versailles, ald=True, last_name="Prioritaire")
    PatientFactory(cpts=cpts, commune=versailles, last_name="Ordinaire")
    client = verified_client(coordinator)
    assert client.get(reverse("mt_propose", args=[cpts.slug])).status_code == 405
    response = client.post(reverse("mt_propose", args=[cpts.slug]))
    run = MatchingRun.objects.get()
    assert response["Location"] == reverse("mt_run", args=[cpts.slug, run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Prioritaire" in page and "Ordinaire" not in page
    assert Proposal.objects.get().patient.last_name == "Prioritaire"
    assert "Prioritaire" in client.get(reverse("mt_proposals", args=[cpts.slug])).content.decode()


def test_the_coordinator_sets_the_weights(cpts, coordinator):
    client = verified_client(coordinator)
    data = dict.fromkeys(["ald", "age_70_plus", "c2s_ald", "c2s", "pregnancy", "disability"], "5")
    data["mt_retired"] = "-1"
    page = client.post(reverse("mt_weights", args=[cpts.slug]), data).content.decode()
    assert "la valeur doit être au moins 0" in page and not PriorityWeight.objects.exists()
    data["mt_retired"] = "80"
    client.post(reverse("mt_weights", args=[cpts.slug]), data)
    assert PriorityWeight.weights_of(cpts)["mt_retired"] == 80


def test_a_member_doctor_opens_pauses_and_closes_their_offer(cpts, doctor, proposal, versailles):
    proposal.offer.close(by=None)
    client = verified_client(doctor.user)
    url = reverse("mt_offer", args=[cpts.slug])
    data = {"places_per_month": "4", "communes": "78646", "radius_km": "", "refuses": ["child"], "status": "open"}
    assert client.post(url, data).status_code == 302
    offer = DoctorOffer.objects.get(status="open")
    assert (offer.places_per_month, offer.refuses, list(offer.communes.all())) == (4, ["child"], [versailles])
    client.post(url, {**data, "status": "paused"})
    offer.refresh_from_db()
    assert offer.status == "paused"
    bad = client.post(url, {**data, "communes": "99999", "places_per_month": "0"}).content.decode()
    assert "Communes desservies : code INSEE inconnu (99999)" in bad
    assert "Nouveaux patients par mois : la valeur doit être au moins 1" in bad
    client.post(url, {**data, "status": "closed"})
    assert not DoctorOffer.objects.exclude(status="closed").exists()
    # The proposals made to them stay listed.
    assert f"Proposition n° {proposal.pk}" in client.get(url).content.decode()


def test_the_offer_page_of_someone_who_is_not_a_member_doctor_holds_nothing(cpts, member):
    response = verified_client(member).get(reverse("mt_offer", args=[cpts.slug]))
    assert response.status_code == 200
    assert "<form" not in response.content.decode().split("<main", 1)[-1].split("</main>")[0]
    verified_client(member).post(reverse("mt_offer", args=[cpts.slug]), {"places_per_month": "3", "status": "open"})
    assert not DoctorOffer.objects.exists()
