"""A week is said « semaine du 7 décembre 2026 » (its Monday), never « 2026-S49 »."""

import datetime
import re
import zoneinfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from maillon.www.toolkit.dates import week_label
from tests.conftest import verified_client
from tests.snp.requests_support import member_professional, origin_commune

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_a_week_is_named_by_its_monday():
    # ISO week 2026-W50 runs from Monday 7 to Sunday 13 December.
    for day in range(7, 14):
        assert week_label(datetime.date(2026, 12, day)) == "semaine du 7 décembre 2026"


def test_a_week_across_years_is_named_by_its_monday_of_the_year_before():
    assert week_label(datetime.date(2027, 1, 1)) == "semaine du 28 décembre 2026"


def test_the_first_of_the_month_is_said_1er():
    assert week_label(datetime.date(2027, 3, 3)) == "semaine du 1er mars 2027"


def test_a_moment_is_read_in_local_time():
    # Sunday 23:30 UTC is already Monday in Paris.
    moment = datetime.datetime(2026, 12, 6, 23, 30, tzinfo=datetime.UTC)
    assert week_label(moment) == "semaine du 7 décembre 2026"
    assert week_label(datetime.datetime(2026, 12, 6, 23, 30, tzinfo=PARIS)) == "semaine du 30 novembre 2026"


def test_the_template_filter_says_the_same():
    html = Template("{% load toolkit %}{{ day|week_label }}").render(Context({"day": datetime.date(2026, 12, 9)}))
    assert html == "semaine du 7 décembre 2026"


@pytest.mark.django_db
def test_the_sas_weekly_history_names_weeks_by_their_monday(cpts):
    doctor = member_professional(cpts, commune=origin_commune())
    page = verified_client(doctor.user).get(reverse("snp_request_appointments", args=[cpts.slug])).content.decode()
    assert week_label(timezone.now()).capitalize() in page
    assert not re.search(r"\d{4}-[SW]\d{2}", page)
