"""A group's recurring visio: a frequency chosen in words becomes an RRULE, a rule written by
hand is checked (French message), the next four dates are shown to the participants, and a
session held keeps its replay link and short minutes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.meetings.models import MeetingSeries, SeriesSession

from .conftest import verified_client

pytestmark = pytest.mark.django_db


def series_data(**overrides):
    data = {
        "action": "series",
        "title": "Visio trimestrielle",
        "first_starts_at": "2026-01-13T20:00",  # the 2nd Tuesday of January
        "frequency": "quarterly",
        "rule": "",
        "duration_minutes": "90",
        "visio_url": "https://visio.example.org/sages-femmes",
    }
    data.update(overrides)
    return data


def test_a_quarterly_visio_on_the_second_tuesday(group, manager, participant):
    url = reverse("discussions_space_visio", args=[group.pk])
    assert verified_client(manager).post(url, series_data()).status_code == 302
    group.refresh_from_db()
    series = group.visio
    assert series.rule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"
    starts = series.next_starts(4)
    assert len(starts) == 4
    assert all(start.weekday() == 1 and 8 <= start.day <= 14 for start in starts)
    page = verified_client(participant).get(url).content.decode()
    assert "https://visio.example.org/sages-femmes" in page
    assert "Enregistrer la visio" not in page


def test_a_bad_rule_is_refused_in_french(group, manager):
    url = reverse("discussions_space_visio", args=[group.pk])
    response = verified_client(manager).post(url, series_data(frequency="custom", rule="FREQ=DAILY"))
    assert response.status_code == 400
    assert "Règle de récurrence : la fréquence est hebdomadaire, mensuelle ou annuelle" in response.content.decode()
    assert not MeetingSeries.objects.exists()


def test_a_session_held_keeps_its_replay_and_minutes(group, manager, participant):
    url = reverse("discussions_space_visio", args=[group.pk])
    client = verified_client(manager)
    start = timezone.localtime() - datetime.timedelta(days=20)
    first = start.replace(hour=20, minute=0, second=0, microsecond=0)
    client.post(url, series_data(frequency="weekly", first_starts_at=first.strftime("%Y-%m-%dT%H:%M")))
    held = timezone.localtime(first + datetime.timedelta(days=7))
    response = client.post(
        url,
        {
            "action": "session",
            "starts_at": held.isoformat(),
            "replay_url": "https://replay.example.org/2",
            "minutes": "Retour sur les sorties de maternité.",
        },
    )
    assert response.status_code == 302
    session = SeriesSession.objects.get()
    assert session.starts_at == held and session.recorded_by == manager
    page = verified_client(participant).get(url).content.decode()
    assert "https://replay.example.org/2" in page and "Retour sur les sorties de maternité." in page


def test_a_date_outside_the_series_is_refused(group, manager):
    url = reverse("discussions_space_visio", args=[group.pk])
    client = verified_client(manager)
    first = (timezone.localtime() - datetime.timedelta(days=20)).replace(hour=20, minute=0, second=0, microsecond=0)
    client.post(url, series_data(frequency="weekly", first_starts_at=first.strftime("%Y-%m-%dT%H:%M")))
    wrong = timezone.localtime(first + datetime.timedelta(days=3))
    response = client.post(url, {"action": "session", "starts_at": wrong.isoformat(), "minutes": "x"})
    assert response.status_code == 400
    assert "Séance : choisissez une des séances passées." in response.content.decode()
    assert not SeriesSession.objects.exists()


def test_only_those_who_manage_the_group_set_the_visio(group, pilot):
    url = reverse("discussions_space_visio", args=[group.pk])
    assert verified_client(pilot).post(url, series_data()).status_code == 403
