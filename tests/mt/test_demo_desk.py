"""The demo desk: a deterministic waiting list, volunteers and proposals, loaded once."""

import datetime

import pytest

from maillon.core.models import Cpts, CptsStatus
from maillon.demo import mt as demo_mt
from maillon.members.factories import MembershipFactory, PracticePlaceFactory, ProfessionalFactory
from maillon.mt.models import Channel, DoctorOffer, MatchingRun, Patient, Proposal, ProposalStatus
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory
from maillon.territories.models import Commune

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 5, 15)


@pytest.fixture
def signed_cpts(cpts):
    Commune.objects.filter(code="78646").update(latitude=48.80, longitude=2.13, population=30_000)
    TerritoryCommuneFactory(
        cpts=cpts, commune=CommuneFactory(code="78158", name="Le Chesnay", latitude=48.82, longitude=2.12)
    )
    Cpts.objects.filter(pk=cpts.pk).update(status=CptsStatus.ACI_SIGNED)
    cpts.refresh_from_db()
    versailles = Commune.objects.get(code="78646")
    for _ in range(8):
        doctor = ProfessionalFactory()
        MembershipFactory(cpts=cpts, professional=doctor)
        PracticePlaceFactory(professional=doctor, commune=versailles)
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(nurse=True))
    return cpts


def snapshot(cpts):
    return sorted(
        Patient.objects.for_cpts(cpts).values_list("identity", "commune_id", "ald", "c2s", "status", "registered_at")
    )


def test_the_desk_is_realistic_deterministic_and_loaded_once(signed_cpts, coordinator):
    result = demo_mt.ensure_desk(signed_cpts, coordinator, seed=7, today=TODAY)

    patients = Patient.objects.for_cpts(signed_cpts)
    count = patients.count()
    assert result["patients"] == count == demo_mt.waiting_list_size(30_000 + 10_000) == 200
    assert all(patient.identity for patient in patients)
    assert {patient.commune_id for patient in patients} <= {"78646", "78158"}
    ald_share = patients.filter(ald=True).count() / count
    assert 0.04 < ald_share < 0.2
    assert patients.filter(c2s=True).exists() and patients.filter(channel=Channel.CPAM).exists()
    oldest = min(patient.registered_at for patient in patients).date()
    assert (TODAY - oldest).days <= 18 * 31

    offers = DoctorOffer.objects.for_cpts(signed_cpts)
    assert offers.count() == 2  # a quarter of the 8 general practitioners, not the nurse
    assert all(1 <= offer.places_per_month <= 5 and 5 <= offer.radius_km <= 15 for offer in offers)
    assert MatchingRun.objects.for_cpts(signed_cpts).count() == 1
    statuses = set(Proposal.objects.filter(patient__cpts=signed_cpts).values_list("status", flat=True))
    assert statuses & {ProposalStatus.ACCEPTED, ProposalStatus.DECLARED, ProposalStatus.REFUSED_BY_DOCTOR}

    first = snapshot(signed_cpts)
    assert demo_mt.ensure_desk(signed_cpts, coordinator, seed=7, today=TODAY) is None
    assert snapshot(signed_cpts) == first


def test_the_same_seed_gives_the_same_list(signed_cpts, coordinator):
    demo_mt.ensure_desk(signed_cpts, coordinator, seed=7, today=TODAY)
    first = [row[:4] for row in snapshot(signed_cpts)]
    Proposal.objects.all().delete()
    Patient.objects.all().delete()
    DoctorOffer.objects.all().delete()
    MatchingRun.objects.all().delete()
    demo_mt.ensure_desk(signed_cpts, coordinator, seed=7, today=TODAY)
    assert [row[:4] for row in snapshot(signed_cpts)] == first


def test_a_cpts_without_aci_gets_no_desk(cpts, coordinator):
    assert demo_mt.ensure_desk(cpts, coordinator, seed=7, today=TODAY) is None
    assert not Patient.objects.exists()
