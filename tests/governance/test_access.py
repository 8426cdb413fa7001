"""Who reaches what: members read and vote, the coordinator manages, another CPTS gets 404."""

import pytest
from django.urls import reverse

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.governance.factories import (
    CandidateFactory,
    DocumentVersionFactory,
    ElectionFactory,
    GeneralAssemblyFactory,
)
from maillon.governance.models import Ballot, ElectionStatus, VoterRecord
from tests.conftest import verified_client

from .conftest import voter

pytestmark = pytest.mark.django_db

LIST_ROUTES = ["governance_elections", "governance_mandates", "governance_assemblies", "governance_documents"]


def detail_urls(cpts):
    election = ElectionFactory(cpts=cpts)
    return [
        reverse("governance_election", args=[cpts.slug, election.pk]),
        reverse("governance_assembly", args=[cpts.slug, GeneralAssemblyFactory(cpts=cpts).pk]),
        reverse("governance_document_download", args=[cpts.slug, DocumentVersionFactory(document__cpts=cpts).pk]),
    ]


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_members_and_coordinators_read_every_page(cpts, role, request):
    client = verified_client(request.getfixturevalue(role))
    for url in [reverse(name, args=[cpts.slug]) for name in LIST_ROUTES] + detail_urls(cpts):
        assert client.get(url).status_code == 200, url


def test_management_forms_are_for_the_coordinator_only(cpts, member, coordinator):
    url = reverse("governance_elections", args=[cpts.slug])
    assert "Préparer une élection" not in verified_client(member).get(url).content.decode()
    assert "Préparer une élection" in verified_client(coordinator).get(url).content.decode()


@pytest.mark.parametrize("name", LIST_ROUTES)
def test_a_member_posting_a_management_form_gets_403(cpts, member, name):
    # The member sees the page, but may not take the coordination's action.
    assert verified_client(member).post(reverse(name, args=[cpts.slug]), {"action": "create"}).status_code == 403


@pytest.mark.parametrize("action", ["open", "close", "candidate", "mandate"])
def test_a_member_cannot_run_the_election(cpts, member, action):
    election = ElectionFactory(cpts=cpts)
    CandidateFactory(election=election)
    url = reverse(f"governance_election_{action}", args=[cpts.slug, election.pk])
    assert verified_client(member).post(url).status_code == 403
    election.refresh_from_db()
    assert election.status == ElectionStatus.DRAFT


def test_objects_of_another_cpts_answer_404_even_to_its_coordinator(cpts, other_cpts):
    coordinator_elsewhere = UserFactory(with_totp=True)
    CptsRoleFactory(cpts=other_cpts, user=coordinator_elsewhere, coordinator=True)
    client = verified_client(coordinator_elsewhere)
    for url in [reverse(name, args=[cpts.slug]) for name in LIST_ROUTES] + detail_urls(cpts):
        assert client.get(url).status_code == 404, url
    # Through their own CPTS's address, with an object of the other one: 404 too.
    for url in detail_urls(cpts):
        assert client.get(url.replace(cpts.slug, other_cpts.slug)).status_code == 404, url


def test_the_coordinator_runs_an_election_through_the_pages_and_a_member_votes(cpts, college, coordinator):
    client = verified_client(coordinator)
    response = client.post(
        reverse("governance_elections", args=[cpts.slug]),
        {
            "title": "Représentants des médecins 2026",
            "college": college.pk,
            "seats": 1,
            "quorum_percent": 0,
            "opens_at": "2020-01-01T08:00",
            "closes_at": "2099-01-01T20:00",
        },
    )
    assert response.status_code == 302
    election = cpts.elections.get()
    url = reverse("governance_election", args=[cpts.slug, election.pk])
    user = voter(cpts, college)
    candidate_membership = user.professional.memberships.get()
    add = reverse("governance_election_candidate", args=[cpts.slug, election.pk])
    assert client.post(add, {"membership": candidate_membership.pk})["Location"] == url
    assert client.post(reverse("governance_election_open", args=[cpts.slug, election.pk]))["Location"] == url
    candidate = election.candidates.get()

    member_client = verified_client(user)
    page = member_client.get(url).content.decode()
    assert "Déposer mon bulletin" in page
    vote = reverse("governance_election_vote", args=[cpts.slug, election.pk])
    assert member_client.post(vote, {"candidates": [candidate.pk]})["Location"] == url
    assert VoterRecord.objects.count() == 1 and Ballot.objects.count() == 1
    page = member_client.get(url).content.decode()
    assert "Vous avez voté" in page and "Déposer mon bulletin" not in page
    listing = member_client.get(reverse("governance_elections", args=[cpts.slug])).content.decode()
    assert "A voté" in listing


def test_a_member_outside_the_college_is_told_the_vote_is_not_theirs(cpts, college, member):
    election = ElectionFactory(cpts=cpts, college=college)
    candidate = CandidateFactory(election=election)
    election.open(by=None)
    url = reverse("governance_election", args=[cpts.slug, election.pk])
    client = verified_client(member)

    assert "réservé aux adhérents actifs" in client.get(url).content.decode()
    response = client.post(
        reverse("governance_election_vote", args=[cpts.slug, election.pk]), {"candidates": [candidate.pk]}
    )
    assert response.status_code == 200
    assert "Vous ne votez pas à cette élection" in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_platform_admin_without_a_role_reaches_no_governance_page(cpts):
    """Candidates, mandates and attendance name members: 404, as for a CPTS that does not exist."""
    admin = UserFactory(is_superuser=True, is_staff=True, with_totp=True)
    client = verified_client(admin)
    for url in [reverse(name, args=[cpts.slug]) for name in LIST_ROUTES] + detail_urls(cpts):
        assert client.get(url).status_code == 404, url
