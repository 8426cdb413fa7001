"""The rights matrix of the médecin traitant desk: every policy of maillon/mt/policies.py asked
for every kind of user. Health data: nobody without a role in the CPTS, a platform admin and
the regions' officers included."""

import pytest

from maillon.mt import policies
from maillon.mt.factories import DoctorOfferFactory, PatientFactory, ProposalFactory
from maillon.mt.models import Channel, PatientStatus
from tests.policy_matrix import CPTS_ROLES, assert_matrix, build_world

pytestmark = pytest.mark.django_db

COORDINATION = {"coordinator"}
THE_DOCTOR = {"member"}  # the doctor of the offer, who also registered the patient

EXPECTED = {
    "can_use_desk": CPTS_ROLES,
    "can_coordinate": COORDINATION,
    "visible_patients": COORDINATION | THE_DOCTOR,
    "can_see_patient": COORDINATION | THE_DOCTOR,
    "can_withdraw_patient": COORDINATION,
    "can_export_patient": COORDINATION,
    "visible_proposals": COORDINATION | THE_DOCTOR,
    "can_see_proposal": COORDINATION | THE_DOCTOR,
    "can_answer_proposal": THE_DOCTOR,
    "can_record_step": COORDINATION,
    "can_answer_for_doctor": COORDINATION,
    "can_take_step": THE_DOCTOR,  # asked for « accepted »: the doctor's own answer
    "can_manage_offer": THE_DOCTOR,
    "can_see_offers": COORDINATION,
}


def registered_by_the_member(world):
    return PatientFactory(cpts=world.cpts, channel=Channel.MEMBER, registered_by=world["member"])


def the_member_s_offer(world):
    return DoctorOfferFactory._meta.model.objects.filter(cpts=world.cpts, doctor=world.professional).first() or (
        DoctorOfferFactory(cpts=world.cpts, doctor=world.professional)
    )


def proposal_to_the_member(world):
    offer = the_member_s_offer(world)
    patient = PatientFactory(cpts=world.cpts, status=PatientStatus.PROPOSED)
    return ProposalFactory(patient=patient, offer=offer)


def test_every_mt_policy_allows_exactly_the_roles_of_the_matrix():
    world = build_world()
    targets = {
        "cpts": lambda w: w.cpts,
        "patient": registered_by_the_member,
        "proposal": proposal_to_the_member,
        "offer": the_member_s_offer,
    }
    assert_matrix(policies, EXPECTED, targets, world, extra={"can_take_step": ("accepted",)})
