"""The factories of mission 6 build valid rows: a supervisor, a tutor, a trainer or a borrower is
an active professional adhesion of the row's CPTS; every row's CPTS is its parent's; the traits
give the states they name; every transition log row is a move."""

import pytest

from maillon.core.missions import Mission
from maillon.members.models import MembershipStatus
from maillon.support import factories
from maillon.support.models import (
    AdStatus,
    ApplicationStatus,
    InstallationStatus,
    InstallationStepKind,
    PlacementStatus,
    TutoringStatus,
)

pytestmark = pytest.mark.django_db


def active_adherent_of(membership, cpts):
    return membership.cpts_id == cpts.pk and membership.status == MembershipStatus.ACTIVE and membership.professional_id


def test_trainee_rows_are_valid():
    supervisor = factories.SupervisorFactory()
    supervisor.full_clean()
    assert active_adherent_of(supervisor.membership, supervisor.cpts)
    placement = factories.PlacementFactory(supervisor=supervisor)
    placement.full_clean()
    assert placement.cpts == supervisor.cpts and placement.level in supervisor.levels
    assert placement.status == PlacementStatus.OPEN and placement.starts_on < placement.ends_on
    filled = factories.PlacementFactory(filled=True)
    filled.full_clean()
    assert filled.status == PlacementStatus.FILLED and filled.trainee_name
    assert factories.PlacementFactory(cancelled=True).status == PlacementStatus.CANCELLED
    application = factories.PlacementApplicationFactory(placement=placement)
    application.full_clean()
    assert application.cpts == placement.cpts and application.status == ApplicationStatus.RECEIVED
    spontaneous = factories.PlacementApplicationFactory(spontaneous=True)
    spontaneous.full_clean()
    assert spontaneous.placement is None and spontaneous.cpts_id
    assert factories.PlacementApplicationFactory(declined=True).status == ApplicationStatus.DECLINED


def test_housing_rows_are_valid():
    housing = factories.HousingFactory()
    housing.full_clean()
    booking = factories.HousingBookingFactory(housing=housing)
    booking.full_clean()
    assert booking.cpts == housing.cpts and booking.arrives_on < booking.leaves_on
    assert set(housing.occupancy(booking.arrives_on, booking.leaves_on).values()) == {1}


def test_installation_rows_are_valid():
    project = factories.InstallationProjectFactory()
    project.full_clean()
    assert sorted(project.steps.values_list("kind", flat=True)) == sorted(InstallationStepKind.values)
    assert set(project.steps.values_list("cpts", flat=True)) == {project.cpts_id}
    settled = factories.InstallationProjectFactory(settled=True)
    settled.full_clean()
    assert settled.status == InstallationStatus.SETTLED and settled.settled_on
    step = factories.InstallationStepFactory(project=project, kind=InstallationStepKind.COLLEAGUES)
    assert step == project.steps.get(kind=InstallationStepKind.COLLEAGUES)  # the existing one


def test_ad_rows_are_valid():
    ad = factories.AdFactory()
    ad.full_clean()
    assert ad.status == AdStatus.SUBMITTED and ad.author and not ad.is_expired
    published = factories.AdFactory(published=True)
    published.full_clean()
    assert published.is_public and published.published_on
    filled = factories.AdFactory(filled=True)
    assert filled.status == AdStatus.FILLED and filled.filled_on and filled.published_on
    expired = factories.AdFactory(expired=True)
    assert expired.status == AdStatus.PUBLISHED and expired.is_expired and not expired.is_public


def test_peer_help_rows_are_valid():
    tutoring = factories.TutoringFactory()
    tutoring.full_clean()
    assert active_adherent_of(tutoring.tutor, tutoring.cpts) and tutoring.status == TutoringStatus.ACTIVE
    ended = factories.TutoringFactory(ended=True)
    ended.full_clean()
    assert ended.status == TutoringStatus.ENDED and ended.ended_on
    training = factories.CrossTrainingFactory()
    training.full_clean()
    assert active_adherent_of(training.trainer, training.cpts)
    assert training.meeting.cpts == training.cpts and training.meeting.mission == Mission.SUPPORT
    equipment = factories.EquipmentFactory()
    equipment.full_clean()
    booking = factories.EquipmentBookingFactory(equipment=equipment)
    booking.full_clean()
    assert booking.cpts == equipment.cpts and active_adherent_of(booking.membership, equipment.cpts)
    assert booking.starts_at < booking.ends_at
    site = factories.PublicSiteFactory()
    site.full_clean()
    assert factories.PublicSiteFactory(cpts=site.cpts) == site  # one per CPTS


def test_every_transition_log_factory_builds_a_move():
    for log in (
        factories.PlacementEventFactory,
        factories.PlacementApplicationEventFactory,
        factories.HousingBookingEventFactory,
        factories.InstallationProjectEventFactory,
        factories.AdEventFactory,
        factories.TutoringEventFactory,
        factories.EquipmentBookingEventFactory,
    ):
        row = log()
        row.full_clean()
        assert type(row).objects.filter(pk=row.pk).exists() and row.from_status != row.to_status
