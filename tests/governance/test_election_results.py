"""Results once closed: votes per candidate, turnout, quorum, the elected and ties."""

import pytest

from maillon.governance import services
from maillon.governance.factories import CandidateFactory, ElectionFactory

from .conftest import open_election, past_closing, voter

pytestmark = pytest.mark.django_db


def run(election, votes, *, electorate_extra=0, cpts, college):
    """Open, let each ballot in `votes` (lists of candidate indexes) be cast, close."""
    voters = [voter(cpts, college) for _ in votes]
    for _ in range(electorate_extra):
        voter(cpts, college)
    candidates = open_election(election, 3)
    for user, choice in zip(voters, votes, strict=True):
        services.vote(election=election, user=user, candidate_ids=[candidates[i].pk for i in choice])
    past_closing(election)
    election.close(by=None)
    return candidates, election.results()


def test_no_results_before_closing(election):
    CandidateFactory(election=election)
    election.open(by=None)
    assert election.results() is None


def test_votes_turnout_quorum_and_the_elected(cpts, college, election):
    election.quorum_percent = 40
    election.save()
    candidates, results = run(election, [[0, 1], [0], [0, 2], [1]], electorate_extra=2, cpts=cpts, college=college)

    votes = {c.pk: c.votes for c in results.candidates}
    assert votes == {candidates[0].pk: 3, candidates[1].pk: 2, candidates[2].pk: 1}
    # The electorate: 4 voters, 2 who did not vote, the 3 candidates (members of the collège too).
    assert (results.voters, results.electorate) == (4, 9)
    assert results.turnout_percent == 44.4
    assert results.quorum_reached  # 4 of 9 ≥ 40 %
    assert [c.pk for c in results.elected] == [candidates[0].pk, candidates[1].pk]
    assert results.tied == []


def test_without_quorum_nobody_is_elected(cpts, college, election):
    _, results = run(election, [[0]], electorate_extra=3, cpts=cpts, college=college)

    assert results.voters == 1 and results.electorate == 7
    assert not results.quorum_reached
    assert results.elected == []


def test_a_tie_for_the_last_seat_is_flagged_not_decided(cpts, college, election):
    election.quorum_percent = 0
    election.save()
    candidates, results = run(election, [[0, 1], [0, 2]], cpts=cpts, college=college)

    assert [c.pk for c in results.elected] == [candidates[0].pk]
    assert {c.pk for c in results.tied} == {candidates[1].pk, candidates[2].pk}


def test_a_tie_within_the_seats_elects_both(cpts, college):
    election = ElectionFactory(cpts=cpts, college=college, seats=2, quorum_percent=0)
    candidates, results = run(election, [[0, 1], [0, 1], [2]], cpts=cpts, college=college)

    assert {c.pk for c in results.elected} == {candidates[0].pk, candidates[1].pk}
    assert results.tied == []


def test_the_results_page_shows_counts_quorum_and_ties_but_no_ballot(cpts, college, election, member):
    from django.urls import reverse

    from tests.conftest import verified_client

    election.quorum_percent = 0
    election.save()
    run(election, [[0, 1], [0, 2]], cpts=cpts, college=college)

    page = verified_client(member).get(reverse("governance_election", args=[cpts.slug, election.pk])).content.decode()

    assert "2 votants sur 5 inscrits" in page
    assert "Le quorum est atteint." in page
    assert "Égalité pour le dernier siège entre 2 candidats" in page
    assert "Créer le mandat" not in page  # the coordinator's
