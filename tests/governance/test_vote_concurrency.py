"""Two requests cast the same member's vote at the same moment: one vote is counted,
the other refused by the émargement's unique constraint, its ballot rolled back."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from maillon.core.factories import CptsFactory
from maillon.governance.models import Ballot, BallotChoice, VoterRecord
from maillon.members.factories import CollegeFactory

from .conftest import membership_of, open_election, voter

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


@pytest.fixture(autouse=True)
def _only_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are exercised on PostgreSQL")


def test_two_concurrent_votes_of_one_member_count_once():
    from maillon.governance.factories import ElectionFactory

    cpts = CptsFactory()
    college = CollegeFactory(cpts=cpts)
    election = ElectionFactory(cpts=cpts, college=college)
    user = voter(cpts, college)
    (candidate, *_) = open_election(election)
    membership = membership_of(user)
    barrier = threading.Barrier(2)
    outcomes = []

    def cast():
        try:
            barrier.wait(timeout=10)
            election.cast_vote(membership=membership, candidates=[candidate])
            outcomes.append("ok")
        except ValidationError as refusal:
            outcomes.append(refusal.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=cast) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["Vous avez déjà voté à cette élection.", "ok"]
    assert VoterRecord.objects.count() == 1
    assert Ballot.objects.count() == 1
    assert BallotChoice.objects.count() == 1
