"""The one workflow mechanism (core/workflows.py), through a real machine: the adhesion."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.core.workflows import REGISTRY, StateChangedOutsideWorkflow, TransitionNotAllowed, workflow_of
from maillon.members.factories import MembershipFactory
from maillon.members.models import Membership, MembershipEvent, MembershipStatus
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(cpts):
    return MembershipFactory(cpts=cpts, requested=True)


def transitions_journaled(obj):
    return JournalEntry.objects.filter(action="transition", object_type=obj._meta.label, object_id=str(obj.pk))


def test_a_transition_moves_the_state_and_writes_one_log_row_and_one_journal_entry(pending, coordinator):
    pending.accept(by=coordinator)

    assert Membership.objects.get(pk=pending.pk).status == MembershipStatus.ACTIVE
    (event,) = MembershipEvent.objects.filter(membership=pending)
    assert (event.from_status, event.to_status, event.by, event.note) == ("requested", "active", coordinator, "")
    assert event.get_to_status_display() == "Adhérent"
    (entry,) = transitions_journaled(pending)
    assert entry.actor_id == coordinator.pk and entry.note == "requested → active" and "status" in entry.fields


def test_the_note_goes_to_the_log(pending, coordinator):
    pending.refuse(by=coordinator, reason="Hors territoire")
    assert MembershipEvent.objects.get(membership=pending).note == "Hors territoire"


def test_an_illegal_transition_is_refused_in_french_with_the_state_and_writes_nothing(pending, coordinator):
    with pytest.raises(TransitionNotAllowed) as refused:
        pending.leave(by=coordinator)

    assert refused.value.detail == "Cette adhésion est « Demande en attente » : l'action n'est pas possible."
    assert (refused.value.status, refused.value.status_label) == ("requested", "Demande en attente")
    assert isinstance(refused.value, ValidationError) and "status" in refused.value.message_dict
    assert Membership.objects.get(pk=pending.pk).status == MembershipStatus.REQUESTED
    assert not MembershipEvent.objects.filter(membership=pending).exists()
    assert not transitions_journaled(pending).exists()


def test_a_stale_copy_loses_to_the_move_made_meanwhile(pending, coordinator):
    first, second = Membership.objects.get(pk=pending.pk), Membership.objects.get(pk=pending.pk)
    first.accept(by=coordinator)

    with pytest.raises(TransitionNotAllowed) as refused:
        second.refuse(by=coordinator)

    assert refused.value.detail == "Cette adhésion a changé entre-temps : l'action n'est pas possible."
    assert refused.value.status == "active"
    assert Membership.objects.get(pk=pending.pk).status == MembershipStatus.ACTIVE
    assert MembershipEvent.objects.filter(membership=pending).count() == 1


def test_a_state_assigned_and_saved_outside_the_workflow_is_refused(pending):
    pending.status = MembershipStatus.ACTIVE
    with pytest.raises(StateChangedOutsideWorkflow):
        pending.save()
    assert Membership.objects.get(pk=pending.pk).status == MembershipStatus.REQUESTED


def test_other_fields_save_freely_after_a_transition_and_after_a_refresh(pending, coordinator):
    other = Membership.objects.get(pk=pending.pk)
    other.accept(by=coordinator)
    pending.refresh_from_db()
    pending.leave_reason = "test"
    pending.save()  # the refreshed state is the known state: no false alarm
    other.involvement = "mission"
    other.save()
    assert Membership.objects.get(pk=pending.pk).status == MembershipStatus.ACTIVE


def test_creating_a_row_in_any_state_is_allowed(cpts):
    assert MembershipFactory(cpts=cpts, status=MembershipStatus.LEFT).status == MembershipStatus.LEFT


def test_the_workflow_answers_what_may_happen_next(pending):
    workflow = Membership.workflow
    assert workflow.available(pending) == ["accept", "refuse"]
    assert workflow.can(pending, "accept") and not workflow.can(pending, "leave")
    assert workflow.targets_from(MembershipStatus.ACTIVE) == {MembershipStatus.LEFT}
    assert workflow_of(Membership) is workflow


def test_every_declared_workflow_names_real_states_and_a_real_log():
    assert REGISTRY, "no workflow declared"
    for workflow in REGISTRY:
        states = {value for value, _ in workflow.states}
        for transition in workflow.transitions.values():
            assert transition.target in states, f"{workflow}: {transition} targets an unknown state"
            if transition.source != "*":
                assert transition.source <= states, f"{workflow}: {transition} leaves from an unknown state"
        fk = workflow.log_model._meta.get_field(workflow.log_fk)
        assert fk.related_model is workflow.model, f"{workflow}: its log's « {workflow.log_fk} » is not its model"


def test_a_transition_no_view_caught_answers_a_french_409_page(coordinator, pending, monkeypatch):
    from maillon.www.members_views.adhesion import membership as view_module

    def refuse_everything(*args, **kwargs):
        raise Membership.workflow.refusal(pending)

    monkeypatch.setattr(view_module, "render", refuse_everything)
    client = verified_client(coordinator)
    url = reverse("members_membership", kwargs={"cpts_slug": pending.cpts.slug, "pk": pending.pk})
    response = client.get(url, headers={"referer": "http://testserver/cpts/"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Action impossible" in body and "Demande en attente" in body and 'href="http://testserver/cpts/"' in body


def test_a_copy_read_before_a_transition_never_writes_the_old_state_back(pending, coordinator):
    stale = Membership.objects.get(pk=pending.pk)
    pending.accept(by=coordinator)

    stale.leave_reason = "modifié sur une copie ancienne"
    stale.save()

    stored = Membership.objects.get(pk=pending.pk)
    assert stored.status == MembershipStatus.ACTIVE, "the state stays the one the transition wrote"
    assert stored.leave_reason == "modifié sur une copie ancienne"
    assert MembershipEvent.objects.filter(membership=pending).last().to_status == stored.status
