"""Fixtures shared by the desk's newer test modules (older modules define theirs locally)."""

import pytest

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.members.factories import MembershipFactory, PracticePlaceFactory, ProfessionalFactory
from maillon.mt.factories import DoctorOfferFactory, PatientFactory, ProposalFactory
from maillon.mt.models import PatientStatus
from maillon.territories.models import Commune


@pytest.fixture
def versailles(cpts):
    return Commune.objects.get(code="78646")


@pytest.fixture
def doctor(cpts, versailles):
    """A member doctor of the CPTS, with an account and a practice place in Versailles."""
    user = UserFactory(with_totp=True, first_name="Jeanne", last_name="Médecin")
    CptsRoleFactory(cpts=cpts, user=user)
    professional = ProfessionalFactory(user=user, first_name="Jeanne", last_name="Médecin")
    MembershipFactory(cpts=cpts, professional=professional)
    PracticePlaceFactory(professional=professional, commune=versailles)
    return professional


@pytest.fixture
def offer(cpts, doctor):
    return DoctorOfferFactory(cpts=cpts, doctor=doctor, radius_km=None)


@pytest.fixture
def proposal(cpts, versailles, offer):
    patient = PatientFactory(
        cpts=cpts, commune=versailles, status=PatientStatus.PROPOSED, last_name="Durand", first_name="Odile"
    )
    return ProposalFactory(patient=patient, offer=offer)
