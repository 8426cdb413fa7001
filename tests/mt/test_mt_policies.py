"""Who may see what and take which step on the médecin traitant desk: one policy module
(maillon/mt/policies.py), asked by the pages and the API alike.

Every role × every policy: the coordinator, the member doctor whose offer it is, another
member (who registered a patient of their own), a platform admin (superuser) without a role
in the CPTS, a coordinator of another CPTS and an anonymous visitor. (There is no authority
or observer role in `CptsRoleKind`: coordinator and member are all.) Then the pages and the
API answer the same codes: 404 (as a missing object) when the user may not see it, 403 when
they see it but may not take this step."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.mt import policies
from maillon.mt.factories import PatientFactory
from maillon.mt.models import Channel, Proposal, ProposalStatus

from ..conftest import verified_client

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "doctor", "member", "superuser", "outsider", "anonymous"]


@pytest.fixture
def users(cpts, other_cpts, coordinator, doctor, member):
    return {
        "coordinator": coordinator,
        "doctor": doctor.user,
        "member": member,
        "superuser": UserFactory(is_superuser=True, is_staff=True, with_totp=True),
        "outsider": CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user,
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def own_patient(cpts, versailles, member):
    """A patient the other member registered themselves."""
    return PatientFactory(cpts=cpts, commune=versailles, channel=Channel.MEMBER, registered_by=member)


def fresh(user):
    """The user as a new request loads it (no role read before)."""
    return user if not user.is_authenticated else type(user).objects.get(pk=user.pk)


def allowed(users, check) -> set[str]:
    return {role for role in ROLES if check(fresh(users[role]))}


def test_the_desk_is_for_a_role_in_the_cpts_and_the_coordination_for_its_coordinators(cpts, users):
    assert allowed(users, lambda user: policies.can_use_desk(user, cpts)) == {"coordinator", "doctor", "member"}
    assert allowed(users, lambda user: policies.can_coordinate(user, cpts)) == {"coordinator"}
    assert allowed(users, lambda user: policies.is_coordinator(user, cpts)) == {"coordinator"}
    assert allowed(users, lambda user: policies.can_see_offers(user, cpts)) == {"coordinator"}


def test_a_patient_is_seen_by_the_coordination_and_the_member_who_registered_them(cpts, users, proposal, own_patient):
    patient = proposal.patient
    assert allowed(users, lambda user: policies.can_see_patient(user, patient)) == {"coordinator"}
    assert allowed(users, lambda user: policies.can_see_patient(user, own_patient)) == {"coordinator", "member"}
    for check in (policies.can_withdraw_patient, policies.can_export_patient):
        assert allowed(users, lambda user, check=check: check(user, own_patient)) == {"coordinator"}
    seen = {role: set(policies.visible_patients(fresh(users[role]), cpts)) for role in ROLES}
    assert seen == {
        "coordinator": {patient, own_patient},
        "doctor": set(),
        "member": {own_patient},
        "superuser": set(),
        "outsider": set(),
        "anonymous": set(),
    }


def test_a_proposal_is_seen_by_the_coordination_and_its_doctor(cpts, users, proposal):
    assert allowed(users, lambda user: policies.can_see_proposal(user, proposal)) == {"coordinator", "doctor"}
    assert allowed(users, lambda user: policies.shows_patient(user, proposal)) == {"coordinator", "doctor"}
    seen = {role for role in ROLES if list(policies.visible_proposals(fresh(users[role]), cpts)) == [proposal]}
    assert seen == {"coordinator", "doctor"}


def test_the_doctor_answers_and_the_coordination_records_the_other_steps(users, proposal):
    assert allowed(users, lambda user: policies.can_answer_proposal(user, proposal)) == {"doctor"}
    assert allowed(users, lambda user: policies.can_record_step(user, proposal)) == {"coordinator"}
    assert allowed(users, lambda user: policies.can_answer_for_doctor(user, proposal)) == {"coordinator"}
    for to in (ProposalStatus.ACCEPTED, ProposalStatus.REFUSED_BY_DOCTOR):
        assert allowed(users, lambda user, to=to: policies.can_take_step(user, proposal, to)) == {"doctor"}
        assert allowed(users, lambda user, to=to: policies.can_take_step(user, proposal, to, for_doctor=True)) == {
            "coordinator"
        }
    for to in (
        ProposalStatus.INFORMED,
        ProposalStatus.DECLARED,
        ProposalStatus.REFUSED_BY_PATIENT,
        ProposalStatus.WITHDRAWN,
    ):
        assert allowed(users, lambda user, to=to: policies.can_take_step(user, proposal, to)) == {"coordinator"}
        assert not allowed(users, lambda user, to=to: policies.can_take_step(user, proposal, to, for_doctor=True))
    # Expiry is the daily run's, nobody's step.
    assert not allowed(users, lambda user: policies.can_take_step(user, proposal, ProposalStatus.EXPIRED))


def test_an_offer_is_managed_by_its_own_doctor(users, offer):
    assert allowed(users, lambda user: policies.can_manage_offer(user, offer)) == {"doctor"}


def test_a_doctor_without_a_role_any_more_neither_sees_nor_answers(cpts, doctor, proposal):
    doctor.user.cpts_roles.all().delete()
    user = fresh(doctor.user)
    assert not policies.can_see_proposal(user, proposal)
    assert not policies.can_answer_proposal(user, proposal)
    assert not policies.can_manage_offer(user, proposal.offer)


def test_a_platform_admin_with_a_role_has_that_role_and_no_more(cpts, proposal):
    admin = CptsRoleFactory(cpts=cpts, user=UserFactory(is_superuser=True, is_staff=True)).user
    assert policies.can_use_desk(admin, cpts) and not policies.can_coordinate(admin, cpts)
    assert not policies.can_see_proposal(admin, proposal)
    assert not policies.can_see_patient(admin, proposal.patient)


# --- Pages and API answer alike ---------------------------------------------------------


def api(cpts, rest):
    return f"/api/v1/cpts/{cpts.pk}/mt{rest}"


def test_a_platform_admin_without_a_role_gets_the_same_404_from_the_pages_and_the_api(
    api_client, cpts, users, proposal, token_headers
):
    superuser = users["superuser"]
    client = verified_client(superuser)
    headers = token_headers(superuser)
    patient = proposal.patient
    pairs = [
        (client.get(reverse("mt_queue", args=[cpts.slug])), api_client.get(api(cpts, "/queue"), **headers)),
        (
            client.get(reverse("mt_patient", args=[cpts.slug, patient.pk])),
            api_client.get(api(cpts, f"/patients/{patient.pk}"), **headers),
        ),
        (
            client.get(reverse("mt_proposals", args=[cpts.slug])),
            api_client.get(api(cpts, "/proposals"), **headers),
        ),
        (
            client.post(reverse("mt_proposal", args=[cpts.slug, proposal.pk]), {"action": "informed"}),
            api_client.post(
                api(cpts, f"/proposals/{proposal.pk}/transition"),
                {"status": "informed"},
                content_type="application/json",
                **headers,
            ),
        ),
        (
            client.post(
                reverse("mt_proposal", args=[cpts.slug, proposal.pk]),
                {"action": "accept_for_doctor", "note": "par téléphone"},
            ),
            api_client.post(
                api(cpts, f"/proposals/{proposal.pk}/doctor-answer"),
                {"status": "accepted", "note": "par téléphone"},
                content_type="application/json",
                **headers,
            ),
        ),
    ]
    assert [(page.status_code, answer.status_code) for page, answer in pairs] == [(404, 404)] * len(pairs)
    # The same body as a CPTS that does not exist.
    missing = api_client.get("/api/v1/cpts/999999/mt/queue", **headers)
    assert pairs[0][1].json() == missing.json()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED


def test_a_step_on_a_visible_proposal_that_is_not_yours_is_403_on_both(
    api_client, cpts, doctor, proposal, token_headers
):
    page = verified_client(doctor.user).post(
        reverse("mt_proposal", args=[cpts.slug, proposal.pk]), {"action": "declared"}
    )
    answer = api_client.post(
        api(cpts, f"/proposals/{proposal.pk}/transition"),
        {"status": "declared"},
        content_type="application/json",
        **token_headers(doctor.user),
    )
    assert (page.status_code, answer.status_code) == (403, 403)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED


def test_another_members_step_on_a_proposal_they_cannot_see_is_404_on_both(
    api_client, cpts, member, proposal, token_headers
):
    page = verified_client(member).post(reverse("mt_proposal", args=[cpts.slug, proposal.pk]), {"action": "accept"})
    answer = api_client.post(
        api(cpts, f"/proposals/{proposal.pk}/transition"),
        {"status": "accepted"},
        content_type="application/json",
        **token_headers(member),
    )
    assert (page.status_code, answer.status_code) == (404, 404)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED
