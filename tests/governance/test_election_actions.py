"""One view per action of the election page: each posts to its own address, does what it
says and comes back to the page; a refused form shows the page again with its errors."""

import pytest
from django.urls import reverse

from maillon.governance.factories import CandidateFactory
from maillon.governance.models import ElectionStatus
from maillon.members.factories import MembershipFactory
from tests.conftest import verified_client

from .conftest import open_election, past_closing, voter

pytestmark = pytest.mark.django_db

ACTIONS = ["vote", "candidate", "open", "close", "mandate"]


def action_url(election, action):
    return reverse(f"governance_election_{action}", args=[election.cpts.slug, election.pk])


def page_url(election):
    return reverse("governance_election", args=[election.cpts.slug, election.pk])


@pytest.mark.parametrize("action", ACTIONS)
def test_an_action_answers_only_a_post(election, coordinator, action):
    assert verified_client(coordinator).get(action_url(election, action)).status_code == 405


def test_the_page_answers_only_a_get(election, coordinator):
    assert verified_client(coordinator).post(page_url(election)).status_code == 405


def test_the_coordinator_adds_a_candidate(election, college, coordinator):
    membership = MembershipFactory(cpts=election.cpts, college=college)
    response = verified_client(coordinator).post(
        action_url(election, "candidate"), {"membership": membership.pk, "statement": "Pour le territoire"}
    )
    assert response["Location"] == page_url(election)
    assert election.candidates.get().statement == "Pour le territoire"


def test_a_refused_candidate_shows_the_page_with_the_form_and_its_error(election, college, coordinator):
    candidate = CandidateFactory(election=election)
    response = verified_client(coordinator).post(
        action_url(election, "candidate"), {"membership": candidate.membership_id}
    )
    assert response.status_code == 200
    assert "déjà candidate" in response.content.decode()
    assert election.candidates.count() == 1


def test_the_coordinator_opens_the_ballot(election, coordinator):
    CandidateFactory(election=election)
    assert verified_client(coordinator).post(action_url(election, "open"))["Location"] == page_url(election)
    election.refresh_from_db()
    assert election.status == ElectionStatus.OPEN


def test_opening_without_candidate_is_refused_with_the_reason_on_the_page(election, coordinator):
    client = verified_client(coordinator)
    response = client.post(action_url(election, "open"), follow=True)
    assert "au moins un candidat" in response.content.decode()
    election.refresh_from_db()
    assert election.status == ElectionStatus.DRAFT


def test_the_coordinator_closes_the_ballot_and_the_results_show(election, coordinator):
    open_election(election, 1)
    past_closing(election)
    response = verified_client(coordinator).post(action_url(election, "close"), follow=True)
    assert "Le scrutin est clos" in response.content.decode()
    assert "Résultats" in response.content.decode()
    election.refresh_from_db()
    assert election.status == ElectionStatus.CLOSED


def test_a_member_of_the_college_votes(cpts, college, election):
    user = voter(cpts, college)
    first, *_ = open_election(election, 2)
    response = verified_client(user).post(action_url(election, "vote"), {"candidates": [first.pk]})
    assert response["Location"] == page_url(election)
    assert election.voter_records.count() == 1


def test_a_ballot_with_too_many_names_shows_the_page_with_the_vote_form_error(cpts, college, election):
    user = voter(cpts, college)
    candidates = open_election(election, 3)  # two seats
    response = verified_client(user).post(action_url(election, "vote"), {"candidates": [c.pk for c in candidates]})
    assert response.status_code == 200
    assert "au plus 2 candidat(s)" in response.content.decode()
    assert not election.voter_records.exists()


def test_a_mandate_for_a_candidate_of_another_election_is_404(election, coordinator):
    stranger = CandidateFactory()
    response = verified_client(coordinator).post(
        action_url(election, "mandate"), {"candidate": stranger.pk, "starts_on": "2026-07-01"}
    )
    assert response.status_code == 404
