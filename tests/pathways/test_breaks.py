"""The daily scan for breaks in the pathways (maillon/pathways/breaks.py)."""

import datetime

import pytest
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import CptsRoleKind
from maillon.core.notifications.models import Notification
from maillon.members.factories import MembershipFactory
from maillon.pathways import breaks, care, selectors, tasks
from maillon.pathways.factories import (
    CarePlanFactory,
    CareTaskFactory,
    CareTeamMemberFactory,
    InclusionFactory,
    ProgrammeStepFactory,
)
from maillon.pathways.models import BreakKind, BreakStatus, CareBreak, InclusionStatus

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day(n):
    return TODAY + datetime.timedelta(days=n)


def kinds_of(found):
    return sorted((row.kind, row.subject) for row in found)


def test_a_step_late_beyond_its_tolerance_is_a_break_once():
    inclusion = InclusionFactory()
    late = CareTaskFactory(inclusion=inclusion, due_on=day(-10), late_from=day(-3))
    CareTaskFactory(inclusion=inclusion, due_on=day(-5), late_from=day(2))  # late, within tolerance
    assert kinds_of(breaks.scan(inclusion.cpts)) == [(BreakKind.TASK_LATE, f"task:{late.pk}")]
    assert breaks.scan(inclusion.cpts) == []  # the second scan adds nothing
    assert CareBreak.objects.open().count() == 1


def test_a_missed_reassessment_counts_on_the_current_ppcs_only():
    inclusion = InclusionFactory()
    CarePlanFactory(inclusion=inclusion, version=1, next_review_on=day(-40))
    current = CarePlanFactory(inclusion=inclusion, version=2, next_review_on=day(-1))
    assert kinds_of(breaks.scan(inclusion.cpts)) == [(BreakKind.REVIEW_MISSED, f"plan:{current.pk}")]


def test_a_stay_without_a_town_visit_within_seven_days_is_a_break():
    inclusion = InclusionFactory()
    stay = care.record_stay(inclusion, by=None, admitted_on=day(-20), discharged_on=day(-12))
    visited = care.record_stay(inclusion, by=None, admitted_on=day(-40), discharged_on=day(-30))
    visit = visited.tasks.get()
    care.complete_task(visit, by=None, outcome="Vu à domicile", on=day(-27))
    found = breaks.scan(inclusion.cpts)
    assert kinds_of(found) == [(BreakKind.NO_VISIT_AFTER_STAY, f"stay:{stay.pk}")]  # not also a late task


def test_a_team_without_a_profession_its_programme_requires_is_a_break_until_one_joins():
    inclusion = InclusionFactory()
    ProgrammeStepFactory(programme=inclusion.programme, profession="60")
    CareTeamMemberFactory(inclusion=inclusion, membership=inclusion.lead)
    assert kinds_of(breaks.scan(inclusion.cpts)) == [(BreakKind.PROFESSION_MISSING, "profession:60")]
    nurse = MembershipFactory(cpts=inclusion.cpts, professional__nurse=True)
    CareTeamMemberFactory(inclusion=inclusion, membership=nurse)
    assert breaks.scan(inclusion.cpts) == []
    resolved = CareBreak.objects.get()
    assert (resolved.status, resolved.resolution) == (BreakStatus.RESOLVED, breaks.CAUSE_GONE)


def test_a_person_resolves_a_break_with_what_was_done():
    inclusion = InclusionFactory()
    CareTaskFactory(inclusion=inclusion, due_on=day(-10), late_from=day(-3))
    (found,) = breaks.scan(inclusion.cpts)
    with pytest.raises(Exception) as error:
        found.resolve(by=None, resolution=" ")
    assert "resolution" in error.value.message_dict
    found.resolve(by=None, resolution="Visite faite, tâche oubliée")
    found.refresh_from_db()
    assert (found.status, found.resolved_on) == (BreakStatus.RESOLVED, TODAY)
    # Still late: the scan opens it again (a new break, the resolved one stays in the history).
    assert len(breaks.scan(inclusion.cpts)) == 1
    assert CareBreak.objects.count() == 2


def test_closed_inclusions_and_other_cpts_are_not_scanned():
    inclusion = InclusionFactory(status=InclusionStatus.CLOSED, closed_on=TODAY)
    CarePlanFactory(inclusion=inclusion, next_review_on=day(-5))
    other = InclusionFactory()
    CareTaskFactory(inclusion=other, due_on=day(-10), late_from=day(-3))
    assert breaks.scan(inclusion.cpts) == []


def test_the_lead_and_the_coordinators_hear_of_a_break_once_without_the_patient_s_name(
    django_capture_on_commit_callbacks, mailoutbox
):
    inclusion = InclusionFactory(birth_name="Zorglub")
    lead_user = UserFactory()
    inclusion.lead.professional.user = lead_user
    inclusion.lead.professional.save()
    coordinator = CptsRoleFactory(cpts=inclusion.cpts, role=CptsRoleKind.COORDINATOR).user
    CareTaskFactory(inclusion=inclusion, due_on=day(-10), late_from=day(-3))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.scan_breaks.enqueue(inclusion.cpts_id).return_value == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.scan_breaks.enqueue(inclusion.cpts_id).return_value == 0
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [inclusion.lead.professional.email, coordinator.email]
    )
    assert all("Zorglub" not in message.body + message.subject for message in mailoutbox)
    assert f"/parcours/inclusions/{inclusion.pk}/" in mailoutbox[0].body
    assert Notification.objects.filter(user__in=[lead_user, coordinator], kind="pathways.break").count() == 2


def test_the_board_names_what_each_break_is_about_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    inclusion = InclusionFactory()
    task = CareTaskFactory(inclusion=inclusion, title="Visite", due_on=day(-10), late_from=day(-3))
    plan = CarePlanFactory(inclusion=inclusion, next_review_on=day(-2))
    stay = care.record_stay(inclusion, by=None, admitted_on=day(-20), discharged_on=day(-12))
    rows = breaks.scan(inclusion.cpts)
    with django_assert_max_num_queries(3):
        labels = selectors.subject_labels(rows)
    by_subject = {row.subject: labels[row.pk] for row in rows}
    assert by_subject[f"task:{task.pk}"] == f"Visite (pour le {day(-10):%d/%m/%Y})"
    assert by_subject[f"plan:{plan.pk}"].startswith("PPCS v1")
    assert by_subject[f"stay:{stay.pk}"] == f"sortie le {day(-12):%d/%m/%Y}"
