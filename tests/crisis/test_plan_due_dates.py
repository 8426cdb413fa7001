"""The first plan is due by the end of ACI year 1, each update by the end of each later
year; warnings come MAILLON_DUE_WARNING_DAYS ahead, then « en retard »."""

import datetime

import pytest
from django.urls import reverse

from maillon.crisis import facts
from maillon.crisis.models import PlanVersion
from tests.conftest import verified_client

from .conftest import signed_contract, validated_version

pytestmark = pytest.mark.django_db


def test_one_due_date_per_contract_year_from_the_aci_dates(cpts, coordinator):
    contract = signed_contract(cpts, coordinator)

    deadlines = facts.plan_deadlines(cpts, contract.signed_on)

    assert [item.contract_year for item in deadlines] == [1, 2, 3, 4, 5]
    # Nothing validated yet: every year still expects the first drafting.
    assert all(item.first for item in deadlines)
    assert deadlines[0].deadline.due_on == contract.anniversary(1) - datetime.timedelta(days=1)
    assert deadlines[2].deadline.due_on == contract.anniversary(3) - datetime.timedelta(days=1)


def test_a_warning_comes_ahead_of_the_due_date_then_it_is_overdue(cpts, coordinator, settings):
    settings.MAILLON_DUE_WARNING_DAYS = 30
    contract = signed_contract(cpts, coordinator)
    due = contract.anniversary(1) - datetime.timedelta(days=1)

    assert facts.plan_warnings(cpts, due - datetime.timedelta(days=31)) == []
    upcoming = facts.plan_warnings(cpts, due - datetime.timedelta(days=30))
    overdue = facts.plan_warnings(cpts, due + datetime.timedelta(days=1))

    assert [item.deadline.state for item in upcoming] == ["upcoming"]
    assert "première rédaction du plan de crise" in upcoming[0].message
    assert overdue[0].deadline.state == "overdue" and overdue[0].message.endswith("en retard.")
    # Not drafted in year 1: year 2 still expects the first drafting.
    assert facts.plan_deadlines(cpts, due + datetime.timedelta(days=1))[1].first


def test_a_validated_version_in_the_year_marks_its_due_date_done(cpts, coordinator, authority):
    contract = signed_contract(cpts, coordinator)
    validated_version(cpts, coordinator, authority)

    deadlines = facts.plan_deadlines(cpts)

    assert deadlines[0].deadline.state == "done"
    assert deadlines[1].deadline.state == "on_time" and not deadlines[1].first
    later = deadlines[1].deadline.due_on + datetime.timedelta(days=1)
    assert [item.contract_year for item in facts.plan_warnings(cpts, later)] == [2]
    assert deadlines[1].deadline.due_on == contract.anniversary(2) - datetime.timedelta(days=1)


def test_without_mission_4_there_is_nothing_due(cpts, coordinator):
    assert facts.plan_deadlines(cpts) == []


def test_the_overview_shows_the_due_dates_and_the_warning(cpts, coordinator, settings):
    settings.MAILLON_DUE_WARNING_DAYS = 400
    contract = signed_contract(cpts, coordinator)

    html = verified_client(coordinator).get(reverse("crisis_plan", args=[cpts.slug])).content.decode()

    due = contract.anniversary(1) - datetime.timedelta(days=1)
    assert f"première rédaction du plan de crise attendue au plus tard le {due:%d/%m/%Y}" in html
    assert "Première rédaction" in html
    assert PlanVersion.objects.count() == 0
