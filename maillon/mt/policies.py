"""Who may see what and take which step on the médecin traitant desk — the one place that
says it; the pages (maillon/www/mt_views/) and the API (maillon/api/mt.py) both ask here.

Least access to health data:
- the coordinators of the CPTS see every registration, proposal and offer, run the engine
  and record the steps on the patient's side (informed, declared, refused by the patient,
  withdrawn) and the doctor's answers received by phone;
- a member sees the patients they registered themselves, and nobody else;
- the doctor of an offer (with a role in the CPTS) sees its proposals and accepts or refuses them;
- nobody else, a platform admin (superuser) included: without a role in the CPTS they see
  no patient and take no step.

The callers answer 404 (as for a missing object) when `can_see_…` says no, and 403 when the
object is visible but `can_…` refuses the action.
"""

from django.db.models import Q

from maillon.core.models import CptsRoleKind
from maillon.core.policies import cpts_role

from .models import DOCTOR_ANSWERS, Channel, Patient, Proposal, ProposalStatus

# The steps of a proposal the doctor of its offer takes, and those the coordination records.
DOCTOR_STEPS = frozenset(DOCTOR_ANSWERS)
COORDINATOR_STEPS = frozenset(
    {ProposalStatus.INFORMED, ProposalStatus.DECLARED, ProposalStatus.REFUSED_BY_PATIENT, ProposalStatus.WITHDRAWN}
)


def role_of(user, cpts) -> str | None:
    """The user's role in the CPTS (an instance or its id), None without one (anonymous,
    another CPTS's user, a platform admin without a role there)."""
    return cpts_role(user, cpts)


# --- The desk ---------------------------------------------------------------------------


def can_use_desk(user, cpts) -> bool:
    """Any role in the CPTS: the desk's home, « inscrire un patient », « mon offre »."""
    return role_of(user, cpts) is not None


def is_coordinator(user, cpts) -> bool:
    return role_of(user, cpts) == CptsRoleKind.COORDINATOR


def can_coordinate(user, cpts) -> bool:
    """The coordination's operations: the queue, every proposal and offer, the engine, the
    weights and schedule, the CPAM import, the exports."""
    return is_coordinator(user, cpts)


# --- Patients ---------------------------------------------------------------------------


def visible_patients(user, cpts):
    """The registrations of the CPTS this user may see (none without a role)."""
    patients = Patient.objects.for_cpts(cpts)
    role = role_of(user, cpts)
    if role == CptsRoleKind.COORDINATOR:
        return patients
    if role is None:
        return patients.none()
    return patients.filter(channel=Channel.MEMBER, registered_by=user)


def can_see_patient(user, patient) -> bool:
    role = role_of(user, patient.cpts_id)
    if role == CptsRoleKind.COORDINATOR:
        return True
    return (
        role is not None
        and patient.channel == Channel.MEMBER
        and patient.registered_by_id is not None
        and patient.registered_by_id == user.pk
    )


def can_withdraw_patient(user, patient) -> bool:
    """The coordination withdraws a patient for them (the patient does it from their link)."""
    return is_coordinator(user, patient.cpts_id)


def can_export_patient(user, patient) -> bool:
    return is_coordinator(user, patient.cpts_id)


# --- Proposals --------------------------------------------------------------------------


def is_doctor_of(user, proposal) -> bool:
    """The user is the doctor of the proposal's offer (whatever their role)."""
    doctor_user_id = proposal.offer.doctor.user_id
    return user is not None and user.is_authenticated and doctor_user_id is not None and doctor_user_id == user.pk


def visible_proposals(user, cpts):
    proposals = Proposal.objects.filter(patient__cpts=cpts)
    role = role_of(user, cpts)
    if role == CptsRoleKind.COORDINATOR:
        return proposals
    if role is None:
        return proposals.none()
    return proposals.filter(Q(offer__doctor__user=user))


def can_see_proposal(user, proposal) -> bool:
    role = role_of(user, proposal.patient.cpts_id)
    if role == CptsRoleKind.COORDINATOR:
        return True
    return role is not None and is_doctor_of(user, proposal)


def can_answer_proposal(user, proposal) -> bool:
    """The doctor's own answer (accept or refuse): the doctor of the offer, with a role."""
    return can_use_desk(user, proposal.patient.cpts_id) and is_doctor_of(user, proposal)


def can_record_step(user, proposal) -> bool:
    """The steps on the patient's side (informed, declared, refused by the patient, withdrawn)."""
    return is_coordinator(user, proposal.patient.cpts_id)


def can_answer_for_doctor(user, proposal) -> bool:
    """The doctor's answer received by phone or otherwise, entered by the coordination."""
    return is_coordinator(user, proposal.patient.cpts_id)


def can_take_step(user, proposal, to, *, for_doctor=False) -> bool:
    """Whether this user may move the proposal to `to` (whatever its state now)."""
    if for_doctor:
        return to in DOCTOR_STEPS and can_answer_for_doctor(user, proposal)
    if to in DOCTOR_STEPS:
        return can_answer_proposal(user, proposal)
    if to in COORDINATOR_STEPS:
        return can_record_step(user, proposal)
    return False


def doctor_sees_patient(proposal) -> bool:
    """Once a proposal is refused, expired or withdrawn, its doctor no longer sees the patient."""
    return proposal.status in (
        ProposalStatus.PROPOSED,
        ProposalStatus.ACCEPTED,
        ProposalStatus.INFORMED,
        ProposalStatus.DECLARED,
    )


def shows_patient(user, proposal) -> bool:
    """Whether the proposal's page or answer shows its patient to this user."""
    return is_coordinator(user, proposal.patient.cpts_id) or (
        can_see_proposal(user, proposal) and doctor_sees_patient(proposal)
    )


# --- Offers -----------------------------------------------------------------------------


def can_manage_offer(user, offer) -> bool:
    """« Mon offre »: the offer's own doctor, with a role in its CPTS."""
    return (
        can_use_desk(user, offer.cpts_id)
        and offer.doctor.user_id is not None
        and offer.doctor.user_id == getattr(user, "pk", None)
    )


def can_see_offers(user, cpts) -> bool:
    """Every doctor's offer of the CPTS (the coordination)."""
    return is_coordinator(user, cpts)
