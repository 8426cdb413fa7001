"""The production path of the partitioned run: one background task per CPTS due today (CPTS
territories never overlap: each is an independent partition), shared by any number of workers;
each task is idempotent. Times are never asserted (see bench/matching.py)."""

import datetime

import pytest
from django.utils import timezone
from django_tasks import default_task_backend

from maillon.core.factories import CptsFactory
from maillon.core.models import Cpts, CptsStatus
from maillon.members.factories import MembershipFactory, PracticePlaceFactory
from maillon.mt import tasks
from maillon.mt.factories import DoctorOfferFactory, EngineScheduleFactory, PatientFactory
from maillon.mt.models import MatchingRun, Proposal
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory

pytestmark = pytest.mark.django_db


def desk_with_one_doctor(cpts, commune):
    """A CPTS with a schedule every day, a member doctor with an open offer, two waiting patients."""
    TerritoryCommuneFactory(cpts=cpts, commune=commune)
    offer = DoctorOfferFactory(cpts=cpts, radius_km=None)
    MembershipFactory(cpts=cpts, professional=offer.doctor)
    PracticePlaceFactory(professional=offer.doctor, commune=commune)
    EngineScheduleFactory(cpts=cpts, weekdays=list(range(7)))
    PatientFactory.create_batch(2, cpts=cpts, commune=commune)
    return offer


@pytest.fixture
def two_desks(db):
    first, second = CptsFactory(), CptsFactory()
    return (
        desk_with_one_doctor(first, CommuneFactory(code="78646", latitude=48.80, longitude=2.13)),
        desk_with_one_doctor(second, CommuneFactory(code="13055", latitude=43.30, longitude=5.37)),
    )


def test_partitioned_the_fan_out_enqueues_one_task_per_due_cpts_with_ids_only(two_desks, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    CptsFactory()  # no schedule: not due
    today = timezone.localdate()
    assert tasks.enqueue_scheduled_runs(today) == 2
    enqueued = default_task_backend.results
    assert [result.task.name for result in enqueued] == ["propose_for_cpts", "propose_for_cpts"]
    assert sorted(result.args[0] for result in enqueued) == sorted(offer.cpts_id for offer in two_desks)
    assert {tuple(result.args[1:]) for result in enqueued} == {(today.isoformat(),)}
    assert not MatchingRun.objects.exists()  # the workers do the runs


def test_partitioned_each_task_solves_its_own_cpts_only(two_desks):
    assert tasks.enqueue_scheduled_runs() == 2  # inline backend in tests: the tasks run now
    for offer in two_desks:
        proposals = Proposal.objects.filter(patient__cpts=offer.cpts)
        assert proposals.count() == 2 and {proposal.offer_id for proposal in proposals} == {offer.pk}
        assert MatchingRun.objects.get(cpts=offer.cpts).scheduled


def test_partitioned_a_task_run_twice_the_same_day_does_nothing_the_second_time(two_desks):
    offer = two_desks[0]
    day = timezone.localdate().isoformat()
    first = tasks.propose_for_cpts.enqueue(offer.cpts_id, day).return_value
    assert first["proposals"] == 2 and first["run_id"]
    PatientFactory(cpts=offer.cpts, commune=offer.cpts.territory_rows.first().commune)
    second = tasks.propose_for_cpts.enqueue(offer.cpts_id, day).return_value
    assert second == {"cpts_id": offer.cpts_id, "run_id": None, "proposals": 0}
    assert MatchingRun.objects.filter(cpts=offer.cpts).count() == 1
    # The next day is another run.
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert tasks.propose_for_cpts.enqueue(offer.cpts_id, tomorrow).return_value["run_id"]


def test_partitioned_a_task_for_a_dissolved_or_deleted_cpts_does_nothing(two_desks):
    offer = two_desks[0]
    day = timezone.localdate().isoformat()
    assert tasks.propose_for_cpts.enqueue(999_999, day).return_value["run_id"] is None
    Cpts.objects.filter(pk=offer.cpts_id).update(status=CptsStatus.DISSOLVED)
    assert tasks.propose_for_cpts.enqueue(offer.cpts_id, day).return_value["run_id"] is None
    assert tasks.enqueue_scheduled_runs() == 1  # the other CPTS only
    assert not MatchingRun.objects.filter(cpts=offer.cpts).exists()
