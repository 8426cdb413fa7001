"""/cpts/{id}/mt/…: the médecin traitant desk over the API.

The coordinator reads the queue, patients, offers and proposals and runs the engine; a
member reads only the patients they registered; the doctor of an offer accepts or refuses
its proposals; no role in the CPTS answers 404. Every patient shown is journaled."""

import datetime

import pytest
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import JournalEntry
from maillon.members.factories import MembershipFactory, PracticePlaceFactory, ProfessionalFactory
from maillon.mt.factories import DoctorOfferFactory, PatientFactory, ProposalFactory
from maillon.mt.models import Channel, Patient, PatientStatus, Proposal, ProposalStatus
from maillon.territories.models import Commune

pytestmark = pytest.mark.django_db


def url(cpts, rest):
    return f"/api/v1/cpts/{cpts.pk}/mt{rest}"


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
def offer(cpts, doctor):
    return DoctorOfferFactory(cpts=cpts, doctor=doctor, radius_km=None)


@pytest.fixture
def proposal(cpts, versailles, offer):
    patient = PatientFactory(cpts=cpts, commune=versailles, status=PatientStatus.PROPOSED)
    return ProposalFactory(patient=patient, offer=offer)


def patient_reads(user):
    return JournalEntry.objects.filter(action="read", object_type="mt.Patient", actor_id=user.pk)


def test_the_coordinator_reads_the_queue_by_score_and_each_patient_shown_is_journaled(
    api_client, cpts, coordinator, versailles, token_headers
):
    now = timezone.now()
    born = datetime.date(1990, 6, 1)
    old = PatientFactory(
        cpts=cpts, commune=versailles, birth_date=born, registered_at=now - datetime.timedelta(days=300)
    )
    ald = PatientFactory(cpts=cpts, commune=versailles, birth_date=born, ald=True)
    response = api_client.get(url(cpts, "/queue"), **token_headers(coordinator))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2
    assert [item["patient"]["id"] for item in body["items"]] == [ald.pk, old.pk]
    first, second = body["items"]
    assert first["score"] > second["score"]
    assert first["reasons"] == [{"label": "Affection de longue durée (ALD)", "points": 30}]
    assert second["waiting_days"] == 300 and second["reasons"] == []
    assert set(patient_reads(coordinator).values_list("object_id", flat=True)) == {str(old.pk), str(ald.pk)}
    assert patient_reads(coordinator).filter(cpts_id=cpts.pk).count() == 2


def test_a_user_without_a_role_and_a_member_get_404_on_the_coordination_s_lists(
    api_client, cpts, member, versailles, token_headers
):
    PatientFactory(cpts=cpts, commune=versailles)
    stranger = UserFactory()
    for path in ("/queue", "/offers", "/proposals"):
        response = api_client.get(url(cpts, path), **token_headers(stranger))
        assert response.status_code == 404
        assert response.json() == {"detail": "CPTS introuvable."}
    for path in ("/queue", "/offers", "/proposals"):
        response = api_client.get(url(cpts, path), **token_headers(member))
        assert response.status_code == 404, "a member may not see the coordination's lists"
        assert response.json() == {"detail": "CPTS introuvable."}
    assert not JournalEntry.objects.filter(action="read", object_type="mt.Patient").exists()


def test_a_member_reads_the_patient_they_registered_and_no_other(api_client, cpts, member, versailles, token_headers):
    mine = PatientFactory(cpts=cpts, commune=versailles, channel=Channel.MEMBER, registered_by=member, nir="")
    other = PatientFactory(cpts=cpts, commune=versailles)
    response = api_client.get(url(cpts, f"/patients/{mine.pk}"), **token_headers(member))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["last_name"] == mine.last_name and body["proposals"] == []
    assert body["channel"]["code"] == "member" and body["status"]["code"] == "waiting"
    entry = patient_reads(member).get()
    assert entry.object_id == str(mine.pk) and "nir" in entry.fields
    response = api_client.get(url(cpts, f"/patients/{other.pk}"), **token_headers(member))
    assert response.status_code == 404
    assert response.json() == {"detail": "Patient introuvable."}


def test_the_coordinator_runs_the_engine_and_it_creates_proposals(
    api_client, cpts, coordinator, versailles, offer, token_headers
):
    patient = PatientFactory(cpts=cpts, commune=versailles, ald=True)
    response = api_client.post(url(cpts, "/proposals/run"), **token_headers(coordinator))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["patients_considered"], body["doctors_considered"], body["proposals_made"]) == (1, 1, 1)
    proposal = Proposal.objects.get()
    assert (proposal.patient, proposal.offer) == (patient, offer)
    assert body["proposals"][0]["id"] == proposal.pk and body["proposals"][0]["reasons"]
    assert patient_reads(coordinator).filter(object_id=str(patient.pk)).exists()
    listed = api_client.get(url(cpts, "/proposals"), **token_headers(coordinator)).json()
    assert [item["id"] for item in listed["items"]] == [proposal.pk]
    offers = api_client.get(url(cpts, "/offers"), **token_headers(coordinator)).json()
    assert offers["items"][0]["id"] == offer.pk and offers["items"][0]["places_left"] == offer.places_per_month - 1


def test_the_doctor_accepts_and_the_coordinator_takes_the_next_step(
    api_client, cpts, coordinator, doctor, proposal, token_headers
):
    response = api_client.post(
        url(cpts, f"/proposals/{proposal.pk}/transition"),
        {"status": "accepted", "note": "Bienvenue"},
        content_type="application/json",
        **token_headers(doctor.user),
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"]["code"] == "accepted"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert Patient.objects.get(pk=proposal.patient_id).status == PatientStatus.ACCEPTED
    # The doctor takes no coordinator's step; the coordinator no doctor's one.
    response = api_client.post(
        url(cpts, f"/proposals/{proposal.pk}/transition"),
        {"status": "informed"},
        content_type="application/json",
        **token_headers(doctor.user),
    )
    assert response.status_code == 403
    response = api_client.post(
        url(cpts, f"/proposals/{proposal.pk}/transition"),
        {"status": "informed"},
        content_type="application/json",
        **token_headers(coordinator),
    )
    assert response.status_code == 200
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.INFORMED


def test_an_illegal_transition_answers_409_in_french(api_client, cpts, coordinator, proposal, token_headers):
    response = api_client.post(
        url(cpts, f"/proposals/{proposal.pk}/transition"),
        {"status": "declared"},
        content_type="application/json",
        **token_headers(coordinator),
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Cette proposition est « Proposée au médecin » : l'action n'est pas possible.",
        "status": "proposed",
        "status_label": "Proposée au médecin",
    }
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED


def test_an_unknown_status_is_refused_naming_the_field(api_client, cpts, coordinator, proposal, token_headers):
    response = api_client.post(
        url(cpts, f"/proposals/{proposal.pk}/transition"),
        {"status": "expired"},
        content_type="application/json",
        **token_headers(coordinator),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "status"


def test_another_doctor_does_not_see_the_proposal(api_client, cpts, proposal, token_headers):
    other = UserFactory()
    CptsRoleFactory(cpts=cpts, user=other)
    ProfessionalFactory(user=other)
    response = api_client.post(
        url(cpts, f"/proposals/{proposal.pk}/transition"),
        {"status": "accepted"},
        content_type="application/json",
        **token_headers(other),
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Proposition introuvable."}
