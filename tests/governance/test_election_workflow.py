"""An election moves draft → open → closed through its declared workflow: each move writes one
log row and one « transition » journal entry; an illegal or stale move writes nothing."""

import pytest
from django.core.exceptions import ValidationError

from maillon.core.models import JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.governance.factories import CandidateFactory
from maillon.governance.models import Election, ElectionEvent, ElectionStatus
from maillon.members.factories import MembershipFactory

from .conftest import open_election, past_closing

pytestmark = pytest.mark.django_db


def transitions(election):
    return JournalEntry.objects.filter(action="transition", object_type="governance.Election", object_id=election.pk)


def test_closing_a_draft_is_refused_in_french_and_writes_nothing(election, coordinator):
    with pytest.raises(TransitionNotAllowed) as error:
        election.close(by=coordinator)

    assert error.value.message_dict == {
        "status": ["Cette élection est « En préparation » : l'action n'est pas possible."]
    }
    election.refresh_from_db()
    assert election.status == ElectionStatus.DRAFT
    assert not ElectionEvent.objects.filter(election=election).exists()
    assert not transitions(election).exists()


def test_a_refused_transition_is_refused_before_the_other_rules(election):
    """A closed election is refused as closed, not for its dates or its candidates."""
    open_election(election, 1)
    past_closing(election)
    election.close(by=None)
    with pytest.raises(TransitionNotAllowed, match="« Scrutin clos »"):
        election.open(by=None)


def test_opening_and_closing_each_write_one_log_row_and_one_journal_entry(election, coordinator):
    CandidateFactory(election=election)

    election.open(by=coordinator, note="Candidatures closes")
    past_closing(election)
    election.close(by=coordinator)

    events = list(ElectionEvent.objects.filter(election=election).values_list("from_status", "to_status", "by", "note"))
    assert events == [
        ("draft", "open", coordinator.pk, "Candidatures closes"),
        ("open", "closed", coordinator.pk, ""),
    ]
    assert list(transitions(election).order_by("pk").values_list("note", flat=True)) == [
        "draft → open",
        "open → closed",
    ]
    assert ElectionEvent.objects.filter(election=election).first().get_to_status_display() == "Scrutin ouvert"


def test_a_business_rule_refusal_changes_nothing(election):
    with pytest.raises(ValidationError, match="au moins un candidat"):
        election.open(by=None)
    assert not ElectionEvent.objects.exists() and not transitions(election).exists()


def test_a_stale_copy_loses_and_writes_nothing(election, coordinator):
    CandidateFactory(election=election)
    first, second = Election.objects.get(pk=election.pk), Election.objects.get(pk=election.pk)

    first.open(by=coordinator)
    with pytest.raises(TransitionNotAllowed, match="a changé entre-temps"):
        second.open(by=coordinator)

    assert ElectionEvent.objects.filter(election=election).count() == 1
    assert transitions(election).count() == 1


def test_the_state_changes_only_through_the_workflow(election):
    election.status = ElectionStatus.OPEN
    with pytest.raises(StateChangedOutsideWorkflow):
        election.save()


def test_candidates_are_refused_once_open_as_a_state_conflict(cpts, college, election):
    open_election(election, 1)
    with pytest.raises(TransitionNotAllowed, match="« Scrutin ouvert »"):
        election.add_candidate(MembershipFactory(cpts=cpts, college=college))
    assert Election.workflow.available(election) == ["close"]
