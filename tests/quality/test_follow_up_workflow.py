"""What a conference decides and an improvement action follow one workflow (open → done |
dropped): done with its date (never in the future), dropped with a reason; each move writes one
log row and one journal entry; a stale copy is refused; `on_time`, `is_late_on` and the
querysets (`open`, `late_on`, `owned_by`) read the same states."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.quality.factories import ConferenceDecisionFactory, ImprovementActionFactory
from maillon.quality.models import (
    ConferenceDecision,
    ConferenceDecisionEvent,
    FollowUpStatus,
    ImprovementAction,
    ImprovementActionEvent,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
KINDS = [
    (ConferenceDecisionFactory, ConferenceDecisionEvent, "decision", "Cette décision"),
    (ImprovementActionFactory, ImprovementActionEvent, "action", "Cette action d'amélioration"),
]


def logged(log, fk, row):
    return list(log.objects.filter(**{fk: row}).values_list("from_status", "to_status", "by", "note"))


@pytest.mark.parametrize(("factory", "log", "fk", "subject"), KINDS)
def test_complete_records_the_day_and_the_outcome(factory, log, fk, subject, member):
    row = factory(due_on=TODAY)
    row.complete(by=member, outcome="  Visite faite  ", on=TODAY - DAY)
    stored = type(row).objects.get(pk=row.pk)
    assert (stored.status, stored.done_on, stored.outcome) == (FollowUpStatus.DONE, TODAY - DAY, "Visite faite")
    assert stored.on_time is True
    assert logged(log, fk, row) == [("open", "done", member.pk, "")]
    label = type(row)._meta.label
    assert JournalEntry.objects.filter(action="transition", object_type=label, object_id=str(row.pk)).count() == 1


@pytest.mark.parametrize(("factory", "log", "fk", "subject"), KINDS)
def test_drop_needs_a_reason(factory, log, fk, subject, member):
    row = factory()
    with pytest.raises(ValidationError) as refused:
        row.drop(by=member, note=" ")
    assert refused.value.message_dict == {"note": ["Motif : dites pourquoi l'action est abandonnée."]}
    row.drop(by=member, note="Le patient a déménagé")
    stored = type(row).objects.get(pk=row.pk)
    assert (stored.status, stored.outcome, stored.on_time) == (FollowUpStatus.DROPPED, "Le patient a déménagé", None)
    assert logged(log, fk, row) == [("open", "dropped", member.pk, "Le patient a déménagé")]


@pytest.mark.parametrize(("factory", "log", "fk", "subject"), KINDS)
def test_a_done_or_dropped_follow_up_moves_no_more(factory, log, fk, subject, member):
    done = factory(done=True)
    dropped = factory()
    dropped.drop(by=member, note="Sans objet")
    for row, label in ((done, "Réalisée"), (dropped, "Abandonnée")):
        for move in (lambda r=row: r.complete(by=member), lambda r=row: r.drop(by=member, note="Encore")):
            with pytest.raises(TransitionNotAllowed) as refused:
                move()
            assert refused.value.detail == f"{subject} est « {label} » : l'action n'est pas possible."
    assert logged(log, fk, done) == []
    assert len(logged(log, fk, dropped)) == 1


@pytest.mark.parametrize(("factory", "log", "fk", "subject"), KINDS)
def test_a_future_day_is_refused(factory, log, fk, subject, member):
    row = factory()
    with pytest.raises(ValidationError) as refused:
        row.complete(by=member, on=TODAY + DAY)
    assert refused.value.message_dict == {"done_on": ["Date : une action ne se déclare réalisée qu'une fois faite."]}
    assert type(row).objects.get(pk=row.pk).status == FollowUpStatus.OPEN
    assert logged(log, fk, row) == []


@pytest.mark.parametrize(("factory", "log", "fk", "subject"), KINDS)
def test_a_stale_copy_is_refused_and_the_winner_stays(factory, log, fk, subject, member, coordinator):
    row = factory()
    stale = type(row).objects.get(pk=row.pk)
    row.complete(by=member, outcome="Fait")
    with pytest.raises(TransitionNotAllowed) as refused:
        stale.drop(by=coordinator, note="Abandon")
    assert refused.value.detail == f"{subject} a changé entre-temps : l'action n'est pas possible."
    stored = type(row).objects.get(pk=row.pk)
    assert (stored.status, stored.outcome) == (FollowUpStatus.DONE, "Fait")
    assert [entry[1] for entry in logged(log, fk, row)] == ["done"]


@pytest.mark.parametrize(("factory", "log", "fk", "subject"), KINDS)
def test_the_state_does_not_change_by_saving(factory, log, fk, subject):
    row = type(factory()).objects.get()
    row.status = FollowUpStatus.DONE
    with pytest.raises(StateChangedOutsideWorkflow):
        row.save()


def test_lateness_and_on_time(member):
    late = ConferenceDecisionFactory(due_on=TODAY - 3 * DAY)
    assert late.is_late_on(TODAY) and not late.is_late_on(TODAY - 3 * DAY)
    assert late.on_time is None
    late.complete(by=member, on=TODAY)
    assert late.on_time is False and not late.is_late_on(TODAY)


def test_the_querysets_read_open_late_and_owned(cpts, member):
    mine = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=member))
    late = ConferenceDecisionFactory(conference__cpts=cpts, owner=mine, due_on=TODAY - DAY)
    due = ConferenceDecisionFactory(conference__cpts=cpts, due_on=TODAY)
    done = ConferenceDecisionFactory(conference__cpts=cpts, owner=mine, done=True)
    rows = ConferenceDecision.objects.for_cpts(cpts)
    assert set(rows.open()) == {late, due}
    assert list(rows.late_on(TODAY)) == [late]
    assert set(rows.owned_by(member)) == {late, done}
    action = ImprovementActionFactory(review__cpts=cpts, owner=mine, due_on=TODAY - DAY)
    assert list(ImprovementAction.objects.for_cpts(cpts).late_on(TODAY).owned_by(member)) == [action]


def test_an_owner_of_another_cpts_is_refused(cpts, other_cpts):
    decision = ConferenceDecisionFactory.build(
        conference=ConferenceDecisionFactory(conference__cpts=cpts).conference,
        cpts=cpts,
        owner=MembershipFactory(cpts=other_cpts),
    )
    with pytest.raises(ValidationError) as refused:
        decision.clean()
    assert refused.value.message_dict == {"owner": ["Responsable : choisissez un adhérent de la CPTS."]}
