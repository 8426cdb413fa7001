"""The secret ballot: who voted is stored apart from what was voted, with nothing linking them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from maillon.core.models import JournalEntry
from maillon.governance import services
from maillon.governance.models import Ballot, BallotChoice, VoterRecord
from maillon.members.models import MembershipStatus

from .conftest import membership_of, open_election, voter

pytestmark = pytest.mark.django_db


def test_a_ballot_has_no_field_naming_a_voter_or_a_time():
    for model in (Ballot, BallotChoice):
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateField | models.DateTimeField | models.TimeField), field
            related = getattr(field, "related_model", None)
            assert related is None or related._meta.label in {
                "governance.Election",
                "governance.Ballot",
                "governance.Candidate",
                "governance.BallotChoice",
            }, field
        assert isinstance(model._meta.pk, models.UUIDField), "an auto-increment id would follow the order of votes"
        assert not model._meta.ordering


def test_the_voter_record_has_no_link_to_a_ballot():
    related = {getattr(f, "related_model", None) for f in VoterRecord._meta.get_fields()}
    assert Ballot not in related and BallotChoice not in related


def test_neither_ballots_nor_voter_records_are_journaled_models():
    from maillon.core.models import JournaledModel

    assert not issubclass(Ballot, JournaledModel)
    assert not issubclass(BallotChoice, JournaledModel)
    assert not issubclass(VoterRecord, JournaledModel)


def test_a_vote_writes_the_voter_record_and_an_unlinked_ballot(cpts, college, election):
    user = voter(cpts, college)
    first, second, _ = open_election(election)

    services.vote(election=election, user=user, candidate_ids=[first.pk, second.pk])

    assert VoterRecord.objects.get().membership == membership_of(user)
    ballot = Ballot.objects.get()
    assert set(ballot.choices.all()) == {first, second}


def test_the_journal_records_the_vote_without_the_voter_nor_the_ballot(cpts, college, election):
    from maillon.core import journal

    user = voter(cpts, college)
    (candidate, *_) = open_election(election)

    with journal.acting_as(user):  # as under a request: the voter is the current actor
        services.vote(election=election, user=user, candidate_ids=[candidate.pk])

    entry = JournalEntry.objects.get(object_type="governance.Ballot")
    assert entry.actor_id is None
    assert entry.object_id == f"election-{election.pk}"
    ballot_id = str(Ballot.objects.get().pk)
    assert not JournalEntry.objects.filter(object_id=ballot_id).exists()
    assert not JournalEntry.objects.filter(
        object_type__in=["governance.BallotChoice", "governance.VoterRecord"]
    ).exists()


def test_a_second_vote_is_refused_and_writes_nothing(cpts, college, election):
    user = voter(cpts, college)
    (candidate, *_) = open_election(election)
    services.vote(election=election, user=user, candidate_ids=[candidate.pk])

    with pytest.raises(ValidationError, match="déjà voté"):
        services.vote(election=election, user=user, candidate_ids=[candidate.pk])

    assert VoterRecord.objects.count() == 1
    assert Ballot.objects.count() == 1
    assert BallotChoice.objects.count() == 1


def test_the_database_refuses_a_racing_second_vote(cpts, college, election):
    """Two requests that both passed every check: the unique constraint on the
    émargement refuses the second, and its ballot is rolled back with it."""
    user = voter(cpts, college)
    (candidate, *_) = open_election(election)
    membership = membership_of(user)
    VoterRecord.objects.create(election=election, membership=membership)  # the racing request won

    with pytest.raises(ValidationError, match="déjà voté"):
        election.cast_vote(membership=membership, candidates=[candidate])

    assert Ballot.objects.count() == 0


def test_a_member_of_another_college_cannot_vote(cpts, college, election):
    from maillon.members.factories import CollegeFactory

    user = voter(cpts, CollegeFactory(cpts=cpts, name="Paramédicaux"))
    (candidate, *_) = open_election(election)

    with pytest.raises(ValidationError, match="réservée aux adhérents actifs du collège"):
        services.vote(election=election, user=user, candidate_ids=[candidate.pk])
    assert not VoterRecord.objects.exists() and not Ballot.objects.exists()


def test_a_member_who_left_cannot_vote(cpts, college, election):
    user = voter(cpts, college, status=MembershipStatus.LEFT)
    (candidate, *_) = open_election(election)

    with pytest.raises(ValidationError):
        services.vote(election=election, user=user, candidate_ids=[candidate.pk])
    with pytest.raises(ValidationError, match="actifs"):
        election.cast_vote(membership=membership_of(user), candidates=[candidate])
    assert not Ballot.objects.exists()


def test_no_more_choices_than_seats(cpts, college, election):
    user = voter(cpts, college)
    candidates = open_election(election)

    with pytest.raises(ValidationError, match="au plus 2"):
        services.vote(election=election, user=user, candidate_ids=[c.pk for c in candidates])
    assert not VoterRecord.objects.exists()


def test_a_blank_vote_counts_as_a_voter_with_an_empty_ballot(cpts, college, election):
    user = voter(cpts, college)
    open_election(election)

    services.vote(election=election, user=user, candidate_ids=[])

    assert VoterRecord.objects.count() == 1
    assert Ballot.objects.get().choices.count() == 0


def test_a_draft_election_takes_no_vote(cpts, college, election):
    from maillon.governance.factories import CandidateFactory

    user = voter(cpts, college)
    candidate = CandidateFactory(election=election)

    with pytest.raises(ValidationError, match="pas ouvert"):
        services.vote(election=election, user=user, candidate_ids=[candidate.pk])
