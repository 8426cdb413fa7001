"""The demo's ballot plan, without the commune import: valid ballots and a clear result."""

import random
from collections import Counter

import pytest

from maillon.demo import governance


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize(("voters", "candidates", "seats"), [(3, 6, 4), (5, 2, 4), (12, 6, 4), (40, 5, 4), (9, 3, 1)])
def test_ballots_are_valid_and_leave_no_tie_at_the_last_seat(seed, voters, candidates, seats):
    ballots = governance.plan_ballots(random.Random(seed), voters, candidates, seats)
    assert len(ballots) == voters
    for ballot in ballots:
        assert len(ballot) <= seats and len(set(ballot)) == len(ballot)
        assert all(0 <= index < candidates for index in ballot)
    if candidates > seats:
        votes = Counter(dict.fromkeys(range(candidates), 0)) + Counter(i for b in ballots for i in b)
        ranked = sorted((votes[index] for index in range(candidates)), reverse=True)
        assert ranked[seats - 1] > ranked[seats] or ranked[seats - 1] == 0


def test_the_plan_is_deterministic():
    assert governance.plan_ballots(random.Random(7), 30, 6, 4) == governance.plan_ballots(random.Random(7), 30, 6, 4)
