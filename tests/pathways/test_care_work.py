"""Care tasks made from the programme's steps, the PPCS versions and hospital stays
(maillon/pathways/care.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.core.workflows import TransitionNotAllowed
from maillon.members.factories import MembershipFactory
from maillon.pathways import care, services
from maillon.pathways.factories import InclusionFactory, ProgrammeFactory, ProgrammeStepFactory
from maillon.pathways.models import Anchor, CareTask, CareTaskStatus, CloseReason, InclusionStatus

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day(n):
    return TODAY + datetime.timedelta(days=n)


def programme_of_three():
    programme = ProgrammeFactory()
    ProgrammeStepFactory(programme=programme, position=1, title="Bilan", profession="", role="Référent", offset_days=10)
    ProgrammeStepFactory(
        programme=programme, position=2, title="Revue", profession="21", anchor=Anchor.PREVIOUS, offset_days=5
    )
    ProgrammeStepFactory(
        programme=programme,
        position=3,
        title="Visite",
        profession="60",
        anchor=Anchor.RECURRING,
        offset_days=30,
        tolerance_days=3,
    )
    return programme


def include(programme, *, team=()):
    lead = MembershipFactory(cpts=programme.cpts)
    return services.include_patient(
        programme.cpts,
        programme=programme,
        lead=lead,
        by=None,
        team=team,
        birth_name="Durand",
        given_names="Paul",
        first_given_name="Paul",
        sex="M",
        birth_date=datetime.date(1940, 1, 1),
        consent_on=TODAY,
        consent_mode="oral",
    )


def test_including_schedules_every_step_with_its_due_date_its_lateness_and_who_does_it():
    programme = programme_of_three()
    nurse = MembershipFactory(cpts=programme.cpts, professional__nurse=True)
    inclusion = include(programme, team=[{"membership": nurse, "role": "IDE"}])
    tasks = {task.title: task for task in CareTask.objects.filter(inclusion=inclusion)}
    assert (tasks["Bilan"].due_on, tasks["Bilan"].late_from, tasks["Bilan"].assignee) == (
        day(10),
        day(17),
        inclusion.lead,
    )
    assert tasks["Revue"].due_on == day(15)  # after the previous step's due date
    assert tasks["Revue"].assignee is None  # no pharmacist in the team: the coordination assigns it
    assert (tasks["Visite"].due_on, tasks["Visite"].late_from, tasks["Visite"].assignee) == (day(30), day(33), nurse)
    assert all(task.cpts_id == inclusion.cpts_id for task in tasks.values())


def test_doing_a_step_moves_the_next_one_and_a_recurring_step_comes_back():
    inclusion = include(programme_of_three())
    tasks = {task.title: task for task in CareTask.objects.filter(inclusion=inclusion)}
    care.complete_task(tasks["Bilan"], by=None, outcome="Bilan fait à domicile", on=day(0))
    tasks["Revue"].refresh_from_db()
    assert tasks["Revue"].due_on == day(5)
    care.complete_task(tasks["Visite"], by=None, outcome="Pansement", on=day(0))
    visits = CareTask.objects.filter(inclusion=inclusion, title="Visite").order_by("pk")
    assert [(task.status, task.done_on, task.due_on) for task in visits] == [
        (CareTaskStatus.DONE, day(0), day(30)),
        (CareTaskStatus.TODO, None, day(30)),  # the next visit: 30 days after the one done
    ]
    with pytest.raises(TransitionNotAllowed):
        care.complete_task(visits[0], by=None, outcome="deux fois")


def test_a_task_is_done_with_an_outcome_and_not_in_the_future():
    inclusion = include(programme_of_three())
    task = CareTask.objects.filter(inclusion=inclusion).first()
    with pytest.raises(ValidationError) as error:
        care.complete_task(task, by=None, outcome=" ")
    assert "outcome" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        care.complete_task(task, by=None, outcome="ok", on=day(1))
    assert "done_on" in error.value.message_dict


def test_closing_an_inclusion_cancels_its_open_tasks():
    inclusion = include(programme_of_three())
    inclusion.close(by=None, reason=CloseReason.COMPLETED)
    assert set(CareTask.objects.filter(inclusion=inclusion).values_list("status", flat=True)) == {"cancelled"}


def test_a_ppcs_revision_is_a_new_version_and_the_old_one_stays():
    inclusion = InclusionFactory()
    by = UserFactory()
    first = care.revise_plan(
        inclusion,
        by=by,
        next_review_on=day(90),
        assessment={"health": "Insuffisance cardiaque", "social": "Vit seul"},
        problems="Chutes",
        goals="Rester chez soi",
        actions=[{"kind": "care", "description": "Kiné 2 fois par semaine", "owner": "Kinésithérapeute"}],
    )
    second = care.revise_plan(inclusion, by=by, next_review_on=day(180), problems="Chutes ; dénutrition")
    assert (first.version, second.version) == (1, 2)
    assert care.current_plan(inclusion) == second
    assert first.actions.count() == 1 and second.actions.count() == 0
    first.refresh_from_db()
    assert first.problems == "Chutes"


def test_a_ppcs_names_the_field_it_refuses():
    inclusion = InclusionFactory()
    cases = [
        ({"next_review_on": day(0)}, "next_review_on"),
        ({"next_review_on": day(30), "assessment": {"astrology": "x"}}, "assessment"),
        ({"next_review_on": day(30), "actions": [{"kind": "magic", "description": "x", "owner": "y"}]}, "kind"),
    ]
    for arguments, field in cases:
        with pytest.raises(ValidationError) as error:
            care.revise_plan(inclusion, by=None, **arguments)
        assert field in error.value.message_dict
    assert not inclusion.plans.exists()


def test_a_discharge_gives_the_lead_a_town_visit_within_seven_days():
    inclusion = InclusionFactory()
    stay = care.record_stay(inclusion, by=None, admitted_on=day(-10))
    assert not stay.tasks.exists()
    care.record_discharge(stay, discharged_on=day(-2))
    visit = stay.tasks.get()
    assert (visit.due_on, visit.late_from, visit.assignee) == (day(5), day(5), inclusion.lead)
    with pytest.raises(ValidationError):
        care.record_discharge(stay, discharged_on=day(-1))
    with pytest.raises(ValidationError) as error:
        care.record_stay(inclusion, by=None, admitted_on=day(-3), discharged_on=day(-4))
    assert "discharged_on" in error.value.message_dict


def test_nothing_is_added_to_a_closed_pathway():
    inclusion = InclusionFactory(status=InclusionStatus.CLOSED, closed_on=TODAY)
    with pytest.raises(ValidationError):
        care.revise_plan(inclusion, by=None, next_review_on=day(30))
    with pytest.raises(ValidationError):
        care.record_stay(inclusion, by=None, admitted_on=day(-1))


def test_a_patient_moves_to_the_version_in_force_and_their_work_follows_it():
    programme = programme_of_three()
    inclusion = include(programme)
    first = CareTask.objects.filter(inclusion=inclusion, title="Bilan").get()
    care.complete_task(first, by=None, outcome="Bilan fait", on=TODAY)
    stay = care.record_stay(inclusion, by=None, admitted_on=day(-3), discharged_on=day(-1))
    second = services.new_version(
        programme, steps=[{"title": "Appel", "role": "Référent", "anchor": "inclusion", "offset_days": 2}]
    )
    moved = services.move_to_current_version(inclusion, by=None)
    assert moved.programme == second
    tasks = CareTask.objects.filter(inclusion=inclusion)
    assert set(tasks.filter(status=CareTaskStatus.TODO).values_list("title", "due_on")) == {
        ("Appel", day(2)),  # counted from the move
        (care.STAY_VISIT_TITLE, stay.discharged_on + datetime.timedelta(days=7)),  # the stay's visit stays
    }
    assert tasks.filter(status=CareTaskStatus.DONE).get() == first  # the path keeps what was done
    assert set(tasks.filter(status=CareTaskStatus.CANCELLED).values_list("title", flat=True)) == {"Revue", "Visite"}
    with pytest.raises(ValidationError) as error:
        services.move_to_current_version(moved, by=None)
    assert "programme" in error.value.message_dict
