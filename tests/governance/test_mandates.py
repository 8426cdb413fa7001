"""Mandates in the bodies: current and past, recorded by the coordinator, from an election."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillon.governance import services
from maillon.governance.factories import MandateFactory
from maillon.governance.models import Body, Mandate, MandateRole
from maillon.members.factories import MembershipFactory
from tests.conftest import verified_client

from .conftest import open_election, past_closing, voter

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def test_current_and_past_mandates(cpts):
    current = MandateFactory(cpts=cpts, starts_on=TODAY.replace(year=2025), ends_on=None)
    ending_today = MandateFactory(cpts=cpts, starts_on=TODAY.replace(year=2024), ends_on=TODAY)
    past = MandateFactory(cpts=cpts, starts_on=TODAY.replace(year=2022), ends_on=TODAY.replace(year=2025))
    future = MandateFactory(cpts=cpts, starts_on=TODAY.replace(year=2027))

    assert set(Mandate.objects.for_cpts(cpts).current(TODAY)) == {current, ending_today}
    assert set(Mandate.objects.for_cpts(cpts).past(TODAY)) == {past}
    assert future not in Mandate.objects.current(TODAY)


def test_a_mandate_cannot_end_before_it_starts(cpts):
    mandate = MandateFactory.build(cpts=cpts, membership=MembershipFactory(cpts=cpts), starts_on=TODAY)
    mandate.ends_on = TODAY - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="précéder son début"):
        mandate.full_clean()


def test_the_coordinator_records_and_ends_a_mandate(cpts, coordinator):
    membership = MembershipFactory(cpts=cpts)
    client = verified_client(coordinator)
    url = reverse("governance_mandates", args=[cpts.slug])

    response = client.post(
        url,
        {
            "action": "create",
            "membership": membership.pk,
            "body": Body.BUREAU,
            "role": MandateRole.TREASURER,
            "starts_on": "2026-01-10",
        },
    )

    assert response.status_code == 302
    mandate = Mandate.objects.get()
    assert (mandate.cpts, mandate.membership, mandate.body, mandate.role) == (cpts, membership, "bureau", "treasurer")
    client.post(url, {"action": "end", "mandate": mandate.pk})
    mandate.refresh_from_db()
    assert mandate.ends_on == timezone.localdate()


def test_a_member_cannot_record_a_mandate(cpts, member):
    membership = MembershipFactory(cpts=cpts)
    response = verified_client(member).post(
        reverse("governance_mandates", args=[cpts.slug]),
        {
            "action": "create",
            "membership": membership.pk,
            "body": "bureau",
            "role": "member",
            "starts_on": "2026-01-10",
        },
    )
    assert response.status_code == 403
    assert not Mandate.objects.exists()


def test_an_elected_candidate_becomes_a_college_representative(cpts, college, election, coordinator):
    election.quorum_percent = 0
    election.save()
    user = voter(cpts, college)
    first, second, third = open_election(election)
    services.vote(election=election, user=user, candidate_ids=[first.pk, second.pk])
    past_closing(election)
    election.close(by=coordinator)
    client = verified_client(coordinator)
    url = reverse("governance_election_mandate", args=[cpts.slug, election.pk])

    response = client.post(url, {"candidate": first.pk, "starts_on": "2026-07-01"})

    assert response.status_code == 302
    mandate = Mandate.objects.get()
    assert (mandate.membership, mandate.body, mandate.election) == (first.membership, "college_rep", election)
    assert mandate.starts_on == datetime.date(2026, 7, 1)
    with pytest.raises(ValidationError, match="existe déjà"):
        Mandate.from_elected(first, starts_on=TODAY)
    with pytest.raises(ValidationError, match="Seul un candidat élu"):
        Mandate.from_elected(third, starts_on=TODAY)
