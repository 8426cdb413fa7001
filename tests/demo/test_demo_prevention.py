"""The demo's prevention (mission 3), without the commune import: two campaigns measured
against their baseline, a full session with its waiting list, one with seats left, one held
with its attendance, a flyer in two versions — and no message to the fictitious registrants."""

import pytest
from django.utils import timezone

from maillon.contracts.factories import ContractFactory, MissionCommitmentFactory
from maillon.core.factories import CptsFactory, UserFactory
from maillon.core.models import CptsStatus
from maillon.demo import prevention
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.prevention import services
from maillon.prevention.models import PreventionAction, PublicSession, RegistrationStatus, SessionStatus
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory

pytestmark = pytest.mark.django_db
SEED = 7


@pytest.fixture
def member():
    return UserFactory()


@pytest.fixture
def demo_cpts(member):
    cpts = CptsFactory(slug="demo-prevention", status=CptsStatus.ACI_SIGNED)
    for _ in range(5):
        TerritoryCommuneFactory(cpts=cpts, commune=CommuneFactory())
    MissionCommitmentFactory(contract=ContractFactory(cpts=cpts), mission=3)
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory())
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=member))
    return cpts


@pytest.fixture
def loaded(demo_cpts, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        result = prevention.ensure_prevention(
            demo_cpts, UserFactory(), seed=SEED, today=timezone.localdate(), member=member
        )
    return result, queued


def test_the_campaign_is_led_by_the_member_and_measured_against_its_baseline(demo_cpts, member, loaded):
    action = PreventionAction.objects.for_cpts(demo_cpts).get(theme="colorectal_screening")
    assert action.owner.professional.user == member
    assert (action.age_min, action.age_max, action.communes.count()) == (50, 74, 4)
    measure = action.measures.get()
    assert measure.departement == services.main_departement(demo_cpts)
    values = {(row.year, row.scope): row.value for row in measure.values.all()}
    assert str(values[(2023, "territory")]) == "33.80" and str(values[(2024, "departement")]) == "34.90"
    assert all(year > measure.baseline_on.year for year, _ in values)


def test_one_session_is_full_with_three_waiting_and_another_has_seats(demo_cpts, loaded):
    upcoming = PublicSession.objects.for_cpts(demo_cpts).upcoming().exclude(capacity=None)
    full = [session for session in upcoming if session.seats_left == 0]
    assert len(full) == 1 and full[0].capacity == 12
    assert full[0].registrations.confirmed().count() == full[0].seats_taken == 12
    assert full[0].registrations.waiting().count() == 3
    assert any(session.seats_left for session in upcoming)


def test_the_held_session_is_past_with_people_present_and_walk_ins(demo_cpts, loaded):
    held = PublicSession.objects.for_cpts(demo_cpts).get(status=SessionStatus.HELD)
    assert held.ends_at < timezone.now()
    present = held.registrations.filter(status=RegistrationStatus.CONFIRMED, attended=True).count()
    assert 0 < present < services.participants_count([held])
    assert not held.registrations.filter(registered_at__gt=held.starts_at).exists()


def test_the_flyer_has_two_pdf_versions(demo_cpts, loaded):
    material = PreventionAction.objects.for_cpts(demo_cpts).get(theme="colorectal_screening").materials.get()
    assert sorted(material.versions.values_list("number", flat=True)) == [1, 2]
    for version in material.versions.all():
        with version.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"


def test_no_message_is_queued_for_the_fictitious_registrants(loaded):
    _, queued = loaded
    assert not [callback for callback in queued if prevention.is_registrant_message(callback)]


def test_a_second_load_changes_nothing_and_a_cpts_without_mission_3_gets_nothing(demo_cpts, loaded):
    coordinator, today = UserFactory(), timezone.localdate()
    assert prevention.ensure_prevention(demo_cpts, coordinator, seed=SEED, today=today) is None
    assert PreventionAction.objects.for_cpts(demo_cpts).count() == 2
    other = CptsFactory(status=CptsStatus.ACI_SIGNED)
    TerritoryCommuneFactory(cpts=other, commune=CommuneFactory())
    MissionCommitmentFactory(contract=ContractFactory(cpts=other), mission=1)
    assert prevention.ensure_prevention(other, coordinator, seed=SEED, today=today) is None
    assert not PreventionAction.objects.for_cpts(other).exists()
