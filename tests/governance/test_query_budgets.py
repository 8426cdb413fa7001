"""The governance list pages run a fixed number of queries, whatever the number of rows."""

import pytest
from django.urls import reverse

from maillon.governance.factories import (
    CandidateFactory,
    DocumentVersionFactory,
    ElectionFactory,
    FoundingDocumentFactory,
    GeneralAssemblyFactory,
    MandateFactory,
)
from maillon.members.factories import MembershipFactory
from tests.conftest import verified_client

from .conftest import voter

pytestmark = pytest.mark.django_db


def fill(cpts, college, count):
    for index in range(count):
        election = ElectionFactory(cpts=cpts, college=college)
        CandidateFactory(election=election)
        MandateFactory(cpts=cpts)
        MandateFactory(cpts=cpts, starts_on="2020-01-01", ends_on="2021-01-01")
        assembly = GeneralAssemblyFactory(cpts=cpts)
        assembly.attendance.add(MembershipFactory(cpts=cpts))
        document = FoundingDocumentFactory(cpts=cpts, title=f"Document {index}")
        DocumentVersionFactory(document=document)
        DocumentVersionFactory(document=document)


# Session, user, TOTP device, CPTS, role (5), then each page's own queries.
BUDGETS = {
    # professional of the user, my adhesions' collèges, my votes, elections with counts; menu
    "governance_elections": 10,
    # mandates current, past; journal; menu
    "governance_mandates": 9,
    # assemblies with their counts; menu
    "governance_assemblies": 7,
    # documents, their versions; menu
    "governance_documents": 8,
}


@pytest.mark.parametrize("name", sorted(BUDGETS))
@pytest.mark.parametrize("count", [1, 4])
def test_list_pages_have_a_fixed_query_budget(cpts, college, name, count, django_assert_num_queries):
    fill(cpts, college, count)
    client = verified_client(voter(cpts, college))
    url = reverse(name, args=[cpts.slug])
    with django_assert_num_queries(BUDGETS[name]):
        assert client.get(url).status_code == 200
