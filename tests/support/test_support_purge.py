"""What mission 6 keeps of people who are not members: applications go a year after their answer
(or after their placement ended, unanswered), occupants' names a year after their departure; the
placement keeps its trainee, the nights stay counted, and each erasure is journaled."""

import datetime

import pytest
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.support.factories import HousingBookingFactory, PlacementApplicationFactory, PlacementFactory
from maillon.support.models import PlacementApplication
from maillon.support.purge import ERASED_OCCUPANT, purge

pytestmark = pytest.mark.django_db

YEAR_AND_A_DAY = datetime.timedelta(days=366)


def test_answered_applications_go_a_year_after_their_answer_and_the_placement_keeps_its_trainee():
    now = timezone.now()
    placement = PlacementFactory(filled=True, trainee_name="Léa Roux")
    old = PlacementApplicationFactory(placement=placement, declined=True, decided_at=now - YEAR_AND_A_DAY)
    recent = PlacementApplicationFactory(
        placement=placement, declined=True, decided_at=now - datetime.timedelta(days=30)
    )
    assert purge(now=now) == 1
    assert list(PlacementApplication.objects.values_list("pk", flat=True)) == [recent.pk]
    placement.refresh_from_db()
    assert placement.trainee_name == "Léa Roux"
    deletion = JournalEntry.objects.filter(object_type="support.PlacementApplication", object_id=str(old.pk))
    assert deletion.filter(action="delete").exists()


def test_unanswered_applications_go_a_year_after_their_placement_ended_or_their_arrival():
    now = timezone.now()
    ended = PlacementFactory(
        starts_on=now.date() - datetime.timedelta(days=600),
        ends_on=now.date() - YEAR_AND_A_DAY - datetime.timedelta(days=1),
    )
    forgotten = PlacementApplicationFactory(placement=ended)
    spontaneous = PlacementApplicationFactory(spontaneous=True, submitted_at=now - YEAR_AND_A_DAY)
    waiting = PlacementApplicationFactory()
    purge(now=now)
    remaining = set(PlacementApplication.objects.values_list("pk", flat=True))
    assert remaining == {waiting.pk}
    assert forgotten.pk not in remaining and spontaneous.pk not in remaining


def test_occupants_names_are_erased_a_year_after_their_departure_and_the_nights_stay():
    today = timezone.localdate()
    old = HousingBookingFactory(arrives_on=today - datetime.timedelta(days=500), leaves_on=today - YEAR_AND_A_DAY)
    recent = HousingBookingFactory(
        arrives_on=today - datetime.timedelta(days=40), leaves_on=today - datetime.timedelta(days=10)
    )
    purge(now=timezone.now())
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.occupant_name == ERASED_OCCUPANT
    assert recent.occupant_name != ERASED_OCCUPANT
    assert old.housing.occupancy(old.arrives_on, old.leaves_on)[old.arrives_on] == 1
    assert purge(now=timezone.now()) == 0  # once
