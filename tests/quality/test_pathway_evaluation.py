"""The evaluation of a patient's path (maillon/quality/evaluation.py): on a small hand-made
inclusion, each kind of finding (a task done late, a task still late, a missed reassessment, a
stay without a visit in 7 days, a break recorded, 90 days without contact) with its delay; a
closed inclusion is evaluated up to its closing; a bounded number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillon.pathways.factories import (
    CareBreakFactory,
    CarePlanFactory,
    CareTaskFactory,
    HospitalStayFactory,
    InclusionFactory,
)
from maillon.pathways.models import BreakKind, BreakStatus, CareTaskStatus, InclusionStatus
from maillon.quality.evaluation import FINDING_KINDS, evaluate
from maillon.quality.factories import CaseConferenceFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def ago(days):
    return TODAY - days * DAY


def written(days):
    return timezone.make_aware(datetime.datetime.combine(ago(days), datetime.time(10, 0)))


def included(cpts, days=200, **fields):
    return InclusionFactory(cpts=cpts, included_on=ago(days), consent_on=ago(days), **fields)


def task(inclusion, due, *, done=None, tolerance=7, **fields):
    status = CareTaskStatus.DONE if done is not None else CareTaskStatus.TODO
    return CareTaskFactory(
        inclusion=inclusion,
        due_on=ago(due),
        late_from=ago(due - tolerance),
        status=status,
        done_on=ago(done) if done is not None else None,
        **fields,
    )


def by_kind(evaluation, kind):
    return [finding for finding in evaluation.findings if finding.kind == kind]


@pytest.fixture
def path(cpts):
    """200 days of a path: regular contacts, and one of each break."""
    inclusion = included(cpts)
    CarePlanFactory(inclusion=inclusion, version=1, written_at=written(200), next_review_on=ago(110))
    CarePlanFactory(inclusion=inclusion, version=2, written_at=written(100), next_review_on=ago(10))
    task(inclusion, 150, done=130, title="Bilan gériatrique")  # late: tolerance to 143
    task(inclusion, 170, done=168, title="Visite d'inclusion")  # on time
    task(inclusion, 20, title="Bilan infirmier")  # still to do, late from 13 days ago
    task(inclusion, -5, title="Visite à venir")  # not due yet
    task(inclusion, 3, tolerance=7, title="Rappel vaccinal")  # due, within its tolerance
    stay = HospitalStayFactory(inclusion=inclusion, admitted_on=ago(60), discharged_on=ago(50))
    task(inclusion, 43, done=40, tolerance=0, stay=stay, title="Visite après hospitalisation")
    CareBreakFactory(inclusion=inclusion, kind=BreakKind.TASK_LATE, subject="task:0", detected_on=ago(12))
    return inclusion


def test_each_kind_of_break_and_delay_is_found_with_its_delay(path):
    evaluation = evaluate(path)

    (late_done,) = by_kind(evaluation, "late_task_done")
    assert (late_done.on, late_done.title, late_done.delay_days) == (ago(130), "Bilan gériatrique", 20)
    assert late_done.kind_label == "Tâche faite en retard"
    (late_open,) = by_kind(evaluation, "late_task_open")
    assert (late_open.on, late_open.title, late_open.delay_days) == (ago(20), "Bilan infirmier", 20)
    reviews = by_kind(evaluation, "missed_review")
    assert [(f.on, f.title, f.delay_days) for f in reviews] == [
        (ago(110), "PPCS version 1", 10),
        (ago(10), "PPCS version 2", 10),
    ]
    (stay,) = by_kind(evaluation, "stay_without_visit")
    assert (stay.on, stay.delay_days) == (ago(50), 3)
    assert f"Première visite le {ago(40):%d/%m/%Y}" in stay.detail
    (care_break,) = by_kind(evaluation, "care_break")
    assert (care_break.on, care_break.delay_days) == (ago(12), None)
    assert "Non résolue (12 jours" in care_break.detail
    assert by_kind(evaluation, "gap") == []
    assert evaluation.counts == {
        "late_task_done": 1,
        "late_task_open": 1,
        "missed_review": 2,
        "stay_without_visit": 1,
        "care_break": 1,
        "gap": 0,
    }
    assert list(evaluation.counts) == list(FINDING_KINDS)
    assert evaluation.delay_days_total == 20 + 20 + 10 + 10 + 3
    assert [f.on for f in evaluation.findings] == sorted(f.on for f in evaluation.findings)
    assert evaluation.until == TODAY and evaluation.inclusion == path
    assert {m.kind for m in evaluation.moments} >= {"included", "plan", "task_done", "task_late", "stay_admitted"}


def test_a_stay_without_any_visit_counts_to_today(cpts):
    inclusion = included(cpts, days=30)
    HospitalStayFactory(inclusion=inclusion, admitted_on=ago(25), discharged_on=ago(20))
    HospitalStayFactory(inclusion=inclusion, admitted_on=ago(6), discharged_on=ago(3))  # 7 days not over
    (finding,) = by_kind(evaluate(inclusion), "stay_without_visit")
    assert (finding.on, finding.delay_days) == (ago(20), 13)
    assert "Aucune visite notée depuis la sortie" in finding.detail


def test_a_resolved_break_says_how_long_it_lasted(cpts, coordinator):
    inclusion = included(cpts, days=30)
    care_break = CareBreakFactory(inclusion=inclusion, detected_on=ago(20))
    care_break.resolve(by=coordinator, resolution="Infirmière ajoutée à l'équipe", on=ago(15))
    (finding,) = by_kind(evaluate(inclusion), "care_break")
    assert finding.detail == f"Résolue le {ago(15):%d/%m/%Y} après 5 jours : Infirmière ajoutée à l'équipe"
    assert finding.title.startswith("Profession requise absente de l'équipe de soins")
    assert care_break.status == BreakStatus.RESOLVED


def test_more_than_90_days_without_contact_is_a_gap_a_conference_held_is_a_contact(cpts):
    inclusion = included(cpts, days=300)
    task(inclusion, 280, done=280)
    (gap,) = by_kind(evaluate(inclusion), "gap")
    assert (gap.on, gap.delay_days, gap.title) == (ago(280), 190, "280 jours sans contact")
    assert "à ce jour" in gap.detail

    CaseConferenceFactory(cpts=cpts, inclusion=inclusion, held=True, held_on=ago(150))
    gaps = by_kind(evaluate(inclusion), "gap")
    assert [(f.on, f.delay_days) for f in gaps] == [(ago(280), 40), (ago(150), 60)]
    assert f"jusqu'au {ago(150):%d/%m/%Y}" in gaps[0].detail


def test_a_closed_inclusion_is_evaluated_up_to_its_closing(cpts):
    inclusion = included(cpts, days=200, status=InclusionStatus.CLOSED, closed_on=ago(100), close_reason="moved")
    task(inclusion, 150, title="Bilan jamais fait")
    CarePlanFactory(inclusion=inclusion, version=1, written_at=written(200), next_review_on=ago(120))
    evaluation = evaluate(inclusion)
    assert evaluation.until == ago(100)
    (late_open,) = by_kind(evaluation, "late_task_open")
    assert late_open.delay_days == 50
    (review,) = by_kind(evaluation, "missed_review")
    assert review.delay_days == 20
    # From the last contact (the inclusion and its PPCS, 200 days ago) to the closing: 100 days.
    assert [(f.on, f.delay_days) for f in by_kind(evaluation, "gap")] == [(ago(200), 10)]


def test_a_path_without_trouble_has_no_finding(cpts):
    inclusion = included(cpts, days=30)
    CarePlanFactory(inclusion=inclusion, written_at=written(30), next_review_on=TODAY + 60 * DAY)
    task(inclusion, 10, done=10)
    evaluation = evaluate(inclusion)
    assert evaluation.findings == [] and evaluation.delay_days_total == 0
    assert set(evaluation.counts.values()) == {0}


def count_queries(inclusion):
    inclusion = type(inclusion).objects.get(pk=inclusion.pk)
    with CaptureQueriesContext(connection) as queries:
        evaluate(inclusion)
    return len(queries)


def test_a_bounded_number_of_queries_whatever_the_length_of_the_path(cpts):
    short, long = included(cpts), included(cpts)
    for inclusion, size in ((short, 1), (long, 6)):
        for index in range(size):
            task(inclusion, 150 - index, done=130 - index)
            task(inclusion, 20 + index)
            CarePlanFactory(
                inclusion=inclusion, version=index + 1, written_at=written(200 - index), next_review_on=ago(110)
            )
            HospitalStayFactory(inclusion=inclusion, admitted_on=ago(60 - index), discharged_on=ago(50 - index))
            CareBreakFactory(inclusion=inclusion, subject=f"task:{index}", detected_on=ago(12))
            CaseConferenceFactory(cpts=cpts, inclusion=inclusion, held=True)
    assert count_queries(short) == count_queries(long) <= 10
