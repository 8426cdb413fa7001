"""An election moves draft → open → closed, each step checked."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.governance.factories import CandidateFactory
from maillon.governance.models import ElectionStatus
from maillon.members.factories import CollegeFactory, MembershipFactory

from .conftest import open_election, past_closing, voter

pytestmark = pytest.mark.django_db


def test_opening_needs_a_candidate(election):
    with pytest.raises(ValidationError, match="au moins un candidat"):
        election.open(by=None)
    assert election.status == ElectionStatus.DRAFT


def test_opening_freezes_the_electorate_and_is_journaled(cpts, college, election, coordinator):
    voter(cpts, college)
    voter(cpts, college)
    CandidateFactory(election=election)  # a third active member of the collège

    election.open(by=coordinator)

    election.refresh_from_db()
    assert election.status == ElectionStatus.OPEN
    assert election.electorate_size == 3
    entry = JournalEntry.objects.get(action="transition", object_type="governance.Election")
    assert entry.actor_id == coordinator.pk and entry.note == "draft → open"


def test_an_election_past_its_closing_date_cannot_open(election):
    CandidateFactory(election=election)
    election.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    election.opens_at = election.closes_at - datetime.timedelta(days=1)
    election.save()
    with pytest.raises(ValidationError, match="clôture est passée"):
        election.open(by=None)


def test_closing_only_after_the_closing_time(election):
    open_election(election, 1)
    with pytest.raises(ValidationError, match="ne peut être clos qu'après"):
        election.close(by=None)
    past_closing(election)
    election.close(by=None)
    assert election.status == ElectionStatus.CLOSED


def test_no_step_back_and_no_reopening(election):
    open_election(election, 1)
    with pytest.raises(ValidationError):
        election.open(by=None)
    past_closing(election)
    election.close(by=None)
    with pytest.raises(ValidationError):
        election.open(by=None)
    with pytest.raises(ValidationError):
        election.close(by=None)


def test_candidates_are_active_members_of_the_college_added_while_in_draft(cpts, college, election):
    other = MembershipFactory(cpts=cpts, college=CollegeFactory(cpts=cpts, name="Usagers"))
    with pytest.raises(ValidationError, match="collège de l'élection"):
        election.add_candidate(other)
    left = MembershipFactory(cpts=cpts, college=college, status="left")
    with pytest.raises(ValidationError, match="active"):
        election.add_candidate(left)
    member = MembershipFactory(cpts=cpts, college=college)
    election.add_candidate(member, statement="Pour un collège actif")
    with pytest.raises(ValidationError, match="déjà candidate"):
        election.add_candidate(member)
    election.open(by=None)
    with pytest.raises(ValidationError):
        election.add_candidate(MembershipFactory(cpts=cpts, college=college))
