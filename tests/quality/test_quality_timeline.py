"""A patient's case conferences on their path (maillon/quality/timeline.py, registered in the
pathways timeline): each held conference on its day, each decision due, late, done or dropped,
named by the case's number; one query whatever their number."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillon.pathways.factories import InclusionFactory
from maillon.pathways.selectors import MOMENT_KINDS, timeline
from maillon.quality.factories import CaseConferenceFactory, ConferenceDecisionFactory
from maillon.quality.timeline import conference_moments

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def inclusion(cpts):
    return InclusionFactory(
        cpts=cpts, birth_name="Lemaire", included_on=TODAY - 100 * DAY, consent_on=TODAY - 100 * DAY
    )


def test_a_held_conference_and_its_decisions_are_moments_of_the_path(inclusion, member):
    held = CaseConferenceFactory(cpts=inclusion.cpts, inclusion=inclusion, held=True, held_on=TODAY - 30 * DAY)
    done = ConferenceDecisionFactory(conference=held, due_on=TODAY - 10 * DAY, description="Bilan kiné")
    done.complete(by=member, outcome="Bilan fait", on=TODAY - 12 * DAY)
    late = ConferenceDecisionFactory(conference=held, due_on=TODAY - DAY, description="Visite ergothérapeute")
    due = ConferenceDecisionFactory(conference=held, due_on=TODAY + 5 * DAY, description="Aide à domicile")
    dropped = ConferenceDecisionFactory(conference=held, due_on=TODAY + 9 * DAY, description="Portage de repas")
    dropped.drop(by=member, note="Refusé par la patiente")
    CaseConferenceFactory(cpts=inclusion.cpts, inclusion=inclusion, scheduled=True)  # not held: not on the path
    CaseConferenceFactory(cpts=inclusion.cpts, held=True, included=True)  # another patient's

    moments = [m for m in timeline(inclusion) if m.object_type in ("case_conference", "conference_decision")]

    label = f"Cas n° {held.pk}"
    assert [(m.on, m.kind, m.title, m.object_id) for m in moments] == [
        (TODAY - 30 * DAY, "conference", label, held.pk),
        (TODAY - 12 * DAY, "decision_done", f"Bilan kiné ({label})", done.pk),
        (TODAY - DAY, "decision_late", f"Visite ergothérapeute ({label})", late.pk),
        (TODAY + 5 * DAY, "decision_due", f"Aide à domicile ({label})", due.pk),
        (TODAY + 9 * DAY, "decision_dropped", f"Portage de repas ({label})", dropped.pk),
    ]
    assert moments[0].detail.startswith("Question posée : ")
    assert moments[1].detail == "Bilan fait"
    assert (
        moments[2].detail == f"Responsable : {late.owner.professional.first_name} {late.owner.professional.last_name}"
    )
    assert moments[4].detail == "Refusé par la patiente"
    assert all("Lemaire" not in m.title + m.detail for m in moments)
    assert MOMENT_KINDS["conference"] == "Concertation pluriprofessionnelle"
    assert {m.kind for m in moments} <= set(MOMENT_KINDS)


def test_a_held_conference_without_decision_is_one_moment(inclusion):
    held = CaseConferenceFactory(cpts=inclusion.cpts, inclusion=inclusion, held=True)
    assert [(m.kind, m.object_id) for m in conference_moments(inclusion)] == [("conference", held.pk)]


@pytest.mark.parametrize("count", [1, 4])
def test_one_query_whatever_the_number_of_conferences(inclusion, count):
    for _ in range(count):
        held = CaseConferenceFactory(cpts=inclusion.cpts, inclusion=inclusion, held=True)
        ConferenceDecisionFactory.create_batch(3, conference=held)
    with CaptureQueriesContext(connection) as queries:
        moments = conference_moments(inclusion)
    assert len(queries) == 1
    assert len(moments) == 4 * count
