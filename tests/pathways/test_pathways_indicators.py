"""Mission 2's indicators in the ACI registry (maillon/pathways/indicators.py)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from maillon.contracts import catalogue, registry
from maillon.members.factories import MembershipFactory
from maillon.pathways import indicators
from maillon.pathways.factories import (
    CareBreakFactory,
    CarePlanFactory,
    CareTaskFactory,
    CareTeamMemberFactory,
    InclusionFactory,
)
from maillon.pathways.models import BreakStatus, CareTaskStatus, InclusionStatus

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START, END = TODAY - datetime.timedelta(days=365), TODAY + datetime.timedelta(days=1)


def day(n):
    return TODAY + datetime.timedelta(days=n)


def test_every_pathways_indicator_is_registered_for_mission_2_and_offered_by_the_catalogue():
    codes = {code for code, *_ in indicators.INDICATORS}
    registered = {item.code: item for item in registry.indicators() if item.code in codes}
    assert set(registered) == codes
    assert {item.mission for item in registered.values()} == {2}
    offered = {entry.computed_code for entry in catalogue.entries()}
    assert codes <= offered


def test_patients_included_and_professionals_involved_count_the_period():
    first = InclusionFactory(included_on=day(-10))
    cpts = first.cpts
    InclusionFactory(cpts=cpts, included_on=day(-400))  # before the period
    nurse = MembershipFactory(cpts=cpts, professional__nurse=True)
    CareTeamMemberFactory(inclusion=first, membership=first.lead, starts_on=day(-10))
    CareTeamMemberFactory(inclusion=first, membership=nurse, starts_on=day(-10))
    CareTeamMemberFactory(inclusion=first, carer=True, starts_on=day(-10))  # not an adherent
    assert indicators.patients_included(cpts, START, END) == 1
    assert indicators.professionals_involved(cpts, START, END) == 2


def test_the_share_of_active_patients_with_an_up_to_date_ppcs():
    current = InclusionFactory(included_on=day(-100))
    cpts = current.cpts
    CarePlanFactory(inclusion=current, version=1, next_review_on=day(-30))
    CarePlanFactory(inclusion=current, version=2, next_review_on=day(30))
    late = InclusionFactory(cpts=cpts, included_on=day(-100))
    CarePlanFactory(inclusion=late, next_review_on=day(-1))
    InclusionFactory(cpts=cpts, included_on=day(-100))  # no PPCS
    InclusionFactory(cpts=cpts, included_on=day(-100), status=InclusionStatus.CLOSED, closed_on=day(-50))
    assert indicators.ppcs_up_to_date_share(cpts, START, END) == Decimal("33.3")


def test_steps_on_time_and_breaks_of_the_period():
    inclusion = InclusionFactory()
    cpts = inclusion.cpts
    done = {"status": CareTaskStatus.DONE, "outcome": "fait"}
    CareTaskFactory(inclusion=inclusion, due_on=day(-20), late_from=day(-13), done_on=day(-15), **done)
    CareTaskFactory(inclusion=inclusion, due_on=day(-20), late_from=day(-13), done_on=day(-2), **done)
    CareTaskFactory(inclusion=inclusion, due_on=day(-20), late_from=day(-13))  # open: not counted
    assert indicators.steps_on_time_share(cpts, START, END) == Decimal("50.0")
    CareBreakFactory(inclusion=inclusion, detected_on=day(-5))
    CareBreakFactory(
        inclusion=inclusion, subject="x", detected_on=day(-9), status=BreakStatus.RESOLVED, resolved_on=day(-3)
    )
    assert indicators.breaks_detected(cpts, START, END) == 2
    assert indicators.breaks_resolved(cpts, START, END) == 1
    assert indicators.breaks_detected(cpts, day(-6), END) == 1


def test_reminders_sent_are_counted_by_the_day_they_went():
    from maillon.core.notifications.models import Delivery, DeliveryStatus

    inclusion = InclusionFactory()
    key = f"inclusion:{inclusion.pk}"
    Delivery.objects.create(
        kind="pathways.reminder",
        message="m1",
        recipient=key,
        channel="sms",
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
    )
    assert indicators.reminders_sent(inclusion.cpts, START, END) == 1
    assert indicators.reminders_sent(inclusion.cpts, START, TODAY) == 0  # the period ends before today


def test_patients_included_are_also_counted_per_kind_of_programme():
    pregnancy = InclusionFactory(programme__template="pregnancy", included_on=day(-3))
    cpts = pregnancy.cpts
    InclusionFactory(cpts=cpts, programme__template="heart_failure", included_on=day(-3))
    InclusionFactory(cpts=cpts, programme__template="pregnancy", included_on=day(-500))  # before the period
    per_kind = {item.code: item for item in registry.indicators() if item.code.startswith("pathways_included_")}
    assert per_kind["pathways_included_pregnancy"].compute(cpts, START, END) == 1
    assert per_kind["pathways_included_heart_failure"].compute(cpts, START, END) == 1
    assert per_kind["pathways_included_diabetes"].compute(cpts, START, END) == 0
    assert per_kind["pathways_included_pregnancy"].label == "Patients inclus — Parcours de la grossesse"
