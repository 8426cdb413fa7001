"""Each CPTS chooses whether the engine proposes doctors by itself and on which weekdays;
`mt_daily --propose` runs it for the CPTS whose schedule says today, at most once a day."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from maillon.mt import services
from maillon.mt.factories import DoctorOfferFactory, EngineScheduleFactory, MatchingRunFactory, PatientFactory
from maillon.mt.models import EngineSchedule, MatchingRun, OfferStatus

from ..conftest import verified_client

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)


def test_schedule_the_coordinator_chooses_automatic_runs_and_weekdays(cpts, coordinator):
    client = verified_client(coordinator)
    url = reverse("mt_weights", args=[cpts.slug])
    assert "ne calcule des propositions que sur demande" in client.get(url).content.decode()
    client.post(url, {"form": "schedule", "automatic": "on", "weekdays": ["0", "3"]})
    schedule = EngineSchedule.objects.get(cpts=cpts)
    assert (schedule.automatic, schedule.weekdays) == (True, [0, 3])
    assert "chaque lundi, jeudi" in client.get(url).content.decode()


def test_schedule_automatic_without_a_day_is_refused_naming_the_field(cpts, coordinator):
    response = verified_client(coordinator).post(
        reverse("mt_weights", args=[cpts.slug]), {"form": "schedule", "automatic": "on"}
    )
    assert response.status_code == 200
    assert "Jours : choisissez au moins un jour" in response.content.decode()
    assert not EngineSchedule.objects.exists()


def test_schedule_the_weights_form_still_saves_the_weights(cpts, coordinator):
    from maillon.mt.models import Criterion, PriorityWeight

    data = {criterion.value: 7 for criterion in Criterion}
    verified_client(coordinator).post(reverse("mt_weights", args=[cpts.slug]), data)
    assert PriorityWeight.weights_of(cpts)["ald"] == 7
    assert not EngineSchedule.objects.exists()


def test_schedule_a_cpts_is_due_on_its_weekdays_with_an_open_offer_and_no_run_yet(cpts, other_cpts):
    EngineScheduleFactory(cpts=cpts, weekdays=[0])
    DoctorOfferFactory(cpts=cpts)
    EngineScheduleFactory(cpts=other_cpts, weekdays=[1])
    DoctorOfferFactory(cpts=other_cpts)
    assert services.cpts_due_for_engine(MONDAY) == [cpts.pk]
    assert services.cpts_due_for_engine(MONDAY + datetime.timedelta(days=1)) == [other_cpts.pk]
    # A manual run does not count; the day's scheduled run does.
    MatchingRunFactory(cpts=cpts, started_at=timezone.make_aware(datetime.datetime(2026, 11, 23, 9)))
    assert services.cpts_due_for_engine(MONDAY) == [cpts.pk]
    MatchingRunFactory(
        cpts=cpts,
        scheduled=True,
        scheduled_for=MONDAY,
        started_at=timezone.make_aware(datetime.datetime(2026, 11, 23, 6)),
    )
    assert services.cpts_due_for_engine(MONDAY) == []


def test_schedule_a_run_held_in_the_queue_past_midnight_does_not_block_the_next_day(cpts, versailles, offer):
    EngineScheduleFactory(cpts=cpts, weekdays=list(range(7)))
    PatientFactory(cpts=cpts, commune=versailles)
    tuesday = MONDAY + datetime.timedelta(days=1)
    # Monday's task only runs at 00:30 on Tuesday.
    late = timezone.make_aware(datetime.datetime(2026, 11, 24, 0, 30))
    with transaction.atomic():
        monday_run = services.propose_on_schedule(cpts.pk, MONDAY, now=late)
    assert monday_run.scheduled_for == MONDAY and monday_run.scheduled
    assert services.cpts_due_for_engine(MONDAY) == []
    assert services.cpts_due_for_engine(tuesday) == [cpts.pk]
    assert services.propose_on_schedule(cpts.pk, tuesday, now=late).scheduled_for == tuesday
    assert services.propose_on_schedule(cpts.pk, tuesday, now=late) is None  # once per day


def test_schedule_two_runs_for_the_same_day_are_refused_by_the_database(cpts):
    MatchingRunFactory(cpts=cpts, scheduled=True, scheduled_for=MONDAY)
    MatchingRunFactory(cpts=cpts)  # clicks have no day: as many as wanted
    MatchingRunFactory(cpts=cpts)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchingRunFactory(cpts=cpts, scheduled=True, scheduled_for=MONDAY)


def test_schedule_a_manual_schedule_or_no_open_offer_is_never_due(cpts, other_cpts):
    EngineScheduleFactory(cpts=cpts, automatic=False, weekdays=[0])
    DoctorOfferFactory(cpts=cpts)
    EngineScheduleFactory(cpts=other_cpts, weekdays=[0])
    DoctorOfferFactory(cpts=other_cpts, status=OfferStatus.PAUSED)
    assert services.cpts_due_for_engine(MONDAY) == []


def test_schedule_mt_daily_runs_the_engine_once_a_day(cpts, versailles, offer):
    EngineScheduleFactory(cpts=cpts, weekdays=list(range(7)))
    PatientFactory(cpts=cpts, commune=versailles)
    out = StringIO()
    call_command("mt_daily", "--propose", stdout=out)
    assert "1 calcul(s) mis en file" in out.getvalue()
    PatientFactory(cpts=cpts, commune=versailles)
    call_command("mt_daily", "--propose", stdout=out)
    assert "0 calcul(s) mis en file" in out.getvalue()
    run = MatchingRun.objects.get(cpts=cpts)
    assert run.scheduled and run.by is None and run.proposals_made == 1
    assert run.scheduled_for == timezone.localdate()


def test_schedule_mt_daily_without_propose_runs_no_engine(cpts, versailles, offer):
    EngineScheduleFactory(cpts=cpts, weekdays=list(range(7)))
    PatientFactory(cpts=cpts, commune=versailles)
    call_command("mt_daily", stdout=StringIO())
    assert not MatchingRun.objects.exists()
