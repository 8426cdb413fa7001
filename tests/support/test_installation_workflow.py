"""A professional's installation project, followed by the coordination: started through
`services.start_installation` with its four steps (premises, administrative steps, patient base,
colleagues met), each recorded done on a past date with a note; the project moves only through its
workflow (open → settled | abandoned), after which its steps no longer change."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.core.workflows import TransitionNotAllowed
from maillon.members.factories import MembershipFactory
from maillon.members.professions import Profession
from maillon.support import services
from maillon.support.models import (
    InstallationProject,
    InstallationProjectEvent,
    InstallationStatus,
    InstallationStep,
    InstallationStepKind,
)
from maillon.territories.models import Commune

pytestmark = pytest.mark.django_db


TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def start(cpts, by, **fields):
    return services.start_installation(
        cpts=cpts,
        by=by,
        **{
            "first_name": "Hugo",
            "last_name": "Bernard",
            "profession": Profession.MASSEUR_KINESITHERAPEUTE,
            "email": "hugo.bernard@example.org",
            **fields,
        },
    )


def step(project, kind):
    return project.steps.get(kind=kind)


def logged(project):
    return list(
        InstallationProjectEvent.objects.filter(project=project).values_list("from_status", "to_status", "note")
    )


def fresh(project):
    return InstallationProject.objects.get(pk=project.pk)


def test_a_project_starts_open_with_its_four_steps_followed_by_who_opened_it(cpts, coordinator):
    project = start(
        cpts,
        coordinator,
        first_name=" Hugo ",
        commune=Commune.objects.get(pk="78646"),
        wished_on=TODAY + 90 * DAY,
        phone=" 06 00 00 00 00 ",
    )
    stored = fresh(project)
    assert (stored.status, stored.cpts, stored.referent, stored.name) == (
        InstallationStatus.OPEN,
        cpts,
        coordinator,
        "Hugo Bernard",
    )
    assert (stored.commune_id, stored.wished_on, stored.phone) == ("78646", TODAY + 90 * DAY, "06 00 00 00 00")
    assert sorted(stored.steps.values_list("kind", flat=True)) == sorted(InstallationStepKind.values)
    assert set(stored.steps.values_list("cpts", "done_on", "note")) == {(cpts.pk, None, "")}
    assert stored.progress == (0, 4)


def test_the_referent_may_be_someone_else(cpts, coordinator, member):
    assert start(cpts, coordinator, referent=member).referent == member


def test_a_project_names_its_professional(cpts, coordinator):
    with pytest.raises(ValidationError) as refused:
        start(cpts, coordinator, first_name=" ", last_name="")
    assert refused.value.message_dict == {
        "first_name": ["Prénom : ce champ est obligatoire."],
        "last_name": ["Nom : ce champ est obligatoire."],
    }
    assert not InstallationProject.objects.exists() and not InstallationStep.objects.exists()


def test_the_adhesion_of_a_project_is_one_of_the_cpts(cpts, other_cpts, coordinator):
    with pytest.raises(ValidationError) as refused:
        start(cpts, coordinator, membership=MembershipFactory(cpts=other_cpts))
    assert refused.value.message_dict == {"membership": ["Adhésion : choisissez dans la CPTS."]}
    own = MembershipFactory(cpts=cpts)
    assert start(cpts, coordinator, membership=own).membership == own


def test_recording_steps_moves_the_progress(cpts, coordinator):
    project = start(cpts, coordinator)
    step(project, InstallationStepKind.PREMISES).record(
        done_on=TODAY - 3 * DAY, note="  Bail signé rue de la Paroisse ", by=coordinator
    )
    step(project, InstallationStepKind.ADMINISTRATIVE).record(
        done_on=None, note="Inscription à l'Ordre en cours", by=coordinator
    )
    step(project, InstallationStepKind.COLLEAGUES).record(done_on=TODAY, note="", by=coordinator)

    premises = step(project, InstallationStepKind.PREMISES)
    assert (premises.done_on, premises.note) == (TODAY - 3 * DAY, "Bail signé rue de la Paroisse")
    assert step(project, InstallationStepKind.ADMINISTRATIVE).note == "Inscription à l'Ordre en cours"
    assert fresh(project).progress == (2, 4)
    # A step done can be reopened.
    step(project, InstallationStepKind.COLLEAGUES).record(done_on=None, note="Rencontre reportée", by=coordinator)
    assert fresh(project).progress == (1, 4)


def test_a_step_is_not_done_in_the_future(cpts, coordinator):
    project = start(cpts, coordinator)
    with pytest.raises(ValidationError) as refused:
        step(project, InstallationStepKind.PATIENT_BASE).record(done_on=TODAY + DAY, note="", by=coordinator)
    assert refused.value.message_dict == {"done_on": ["Date : une étape ne se déclare franchie qu'une fois faite."]}
    assert step(project, InstallationStepKind.PATIENT_BASE).done_on is None


def test_the_workflow_declares_its_transitions():
    workflow = InstallationProject.workflow
    assert workflow.targets_from(InstallationStatus.OPEN) == {InstallationStatus.SETTLED, InstallationStatus.ABANDONED}
    assert workflow.targets_from(InstallationStatus.SETTLED) == set()
    assert workflow.targets_from(InstallationStatus.ABANDONED) == set()


def test_settle_records_the_day_and_closes_the_project(cpts, coordinator):
    project = start(cpts, coordinator)
    project.settle(by=coordinator, on=TODAY - 5 * DAY)
    stored = fresh(project)
    assert (stored.status, stored.settled_on, stored.closed_on) == (InstallationStatus.SETTLED, TODAY - 5 * DAY, TODAY)
    assert logged(project) == [("open", "settled", "")]
    assert (
        JournalEntry.objects.filter(
            action="transition", object_type="support.InstallationProject", object_id=str(project.pk)
        ).count()
        == 1
    )


def test_settle_defaults_to_today_and_refuses_a_future_day(cpts, coordinator):
    project = start(cpts, coordinator)
    with pytest.raises(ValidationError) as refused:
        project.settle(by=coordinator, on=TODAY + DAY)
    assert refused.value.message_dict == {"settled_on": ["Date d'installation : elle ne peut pas être à venir."]}
    assert fresh(project).status == InstallationStatus.OPEN
    project.settle(by=coordinator)
    assert fresh(project).settled_on == TODAY


def test_abandon_needs_a_reason(cpts, coordinator):
    project = start(cpts, coordinator)
    with pytest.raises(ValidationError) as refused:
        project.abandon(by=coordinator, note="  ")
    assert refused.value.message_dict == {"note": ["Motif : dites pourquoi le projet est abandonné."]}
    project.abandon(by=coordinator, note=" S'installe dans un autre département ")
    stored = fresh(project)
    assert (stored.status, stored.closed_on, stored.settled_on) == (InstallationStatus.ABANDONED, TODAY, None)
    assert logged(project) == [("open", "abandoned", "S'installe dans un autre département")]


@pytest.mark.parametrize(("first", "label"), [("settle", "Installé"), ("abandon", "Abandonné")])
def test_a_closed_project_moves_no_more_and_its_steps_stay(cpts, coordinator, first, label):
    project = start(cpts, coordinator)
    moves = {
        "settle": lambda: project.settle(by=coordinator),
        "abandon": lambda: project.abandon(by=coordinator, note="Autre projet"),
    }
    moves[first]()
    for move in moves.values():
        with pytest.raises(TransitionNotAllowed) as refused:
            move()
        assert refused.value.detail == f"Ce projet d'installation est « {label} » : l'action n'est pas possible."
    with pytest.raises(ValidationError) as closed:
        step(fresh(project), InstallationStepKind.PREMISES).record(done_on=TODAY, note="", by=coordinator)
    assert closed.value.message_dict == {
        "done_on": ["Ce projet d'installation est clos : ses étapes ne changent plus."]
    }
    assert len(logged(project)) == 1


def test_a_stale_copy_is_refused(cpts, coordinator):
    project = start(cpts, coordinator)
    stale = fresh(project)
    project.abandon(by=coordinator, note="Reporté")
    with pytest.raises(TransitionNotAllowed) as refused:
        stale.settle(by=coordinator)
    assert refused.value.detail == "Ce projet d'installation a changé entre-temps : l'action n'est pas possible."
    assert fresh(project).settled_on is None


def test_followed_in_a_period_are_the_projects_open_at_some_time_of_it(cpts, coordinator):
    start_, end = TODAY - 30 * DAY, TODAY + DAY
    open_ = start(cpts, coordinator)
    settled_in = start(cpts, coordinator)
    settled_in.settle(by=coordinator)
    later = start(cpts, coordinator)
    InstallationProject.objects.filter(pk=later.pk).update(created_at=timezone.now() + 2 * DAY)
    closed_before = start(cpts, coordinator, last_name="Ancien")
    InstallationProject.objects.filter(pk=closed_before.pk).update(
        status=InstallationStatus.ABANDONED, closed_on=start_ - DAY, created_at=timezone.now() - 90 * DAY
    )
    found = set(InstallationProject.objects.for_cpts(cpts).followed_in(start_, end))
    assert found == {open_, settled_in}
