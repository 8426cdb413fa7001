"""A level with no active member is skipped, at activation and in the cascade: nobody in it
could answer, so waiting on it would stall the cascade for good."""

import datetime

import pytest
from django.utils import timezone

from maillon.crisis_response import services
from maillon.crisis_response.factories import AlertLevelFactory, AlertLevelMemberFactory, CrisisFactory
from maillon.crisis_response.models import Typology
from maillon.members.models import MembershipStatus

from .conftest import make_member

pytestmark = pytest.mark.django_db


def start(cpts, coordinator):
    return services.activate(cpts, typology=Typology.SICK, zone="Versailles", by=coordinator)


def level_with(cpts, rank, *professionals):
    level = AlertLevelFactory(cpts=cpts, rank=rank, wait_minutes=10)
    for professional in professionals:
        AlertLevelMemberFactory(level=level, professional=professional)
    return level


def alerted(crisis, rank):
    return set(crisis.recipients.filter(level_rank=rank).values_list("professional_id", flat=True))


def test_activation_skips_a_level_without_member(cpts, coordinator):
    level_with(cpts, 1)
    member = make_member(cpts)
    level_with(cpts, 2, member)
    crisis = start(cpts, coordinator)
    assert alerted(crisis, 2) == {member.pk}
    assert crisis.alerted_rank == 2


def test_the_cascade_skips_a_level_whose_members_all_left(cpts, coordinator):
    first, gone, third = make_member(cpts), make_member(cpts), make_member(cpts)
    level_with(cpts, 1, first)
    level_with(cpts, 2, gone)
    level_with(cpts, 3, third)
    gone.memberships.update(status=MembershipStatus.LEFT)
    crisis = start(cpts, coordinator)
    assert services.escalate_due(crisis, now=crisis.level_alerted_at + datetime.timedelta(minutes=10)) == 1
    assert alerted(crisis, 3) == {third.pk} and alerted(crisis, 2) == set()


def test_a_cascade_standing_on_a_level_that_alerted_nobody_moves_on(cpts):
    level_with(cpts, 1)
    member = make_member(cpts)
    level_with(cpts, 2, member)
    now = timezone.now()
    crisis = CrisisFactory(cpts=cpts, started_at=now, alerted_rank=1, level_alerted_at=now)
    assert services.escalate_due(crisis, now=now + datetime.timedelta(minutes=10)) == 1
    assert alerted(crisis, 2) == {member.pk}


def test_a_chain_of_empty_levels_falls_back_to_the_active_members(cpts, coordinator):
    level_with(cpts, 1)
    level_with(cpts, 2)
    members = {make_member(cpts).pk, make_member(cpts).pk}
    crisis = start(cpts, coordinator)
    assert set(crisis.recipients.values_list("professional_id", flat=True)) == members
