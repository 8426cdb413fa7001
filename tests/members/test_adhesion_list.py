"""The members list of the coordinator: tabs, counts, cotisation, query budget, journal."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.members.factories import (
    CollegeFactory,
    FeeFactory,
    MembershipFactory,
    ProfessionalFactory,
    StructureFactory,
)
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
# Session, user, second factor, CPTS, role, navigation; counts, collèges, page count, rows, fees; journal.
LIST_QUERY_BUDGET = 14


def list_url(cpts, query=""):
    return reverse("members_list", args=[cpts.slug]) + query


def rows_in(page: str) -> int:
    return len(re.findall(r'href="/cpts/plaine-de-versailles/membres/\d+/"', page))


@pytest.fixture
def coordinator_client(coordinator):
    return verified_client(coordinator)


def add_members(cpts, count, college=None):
    for index in range(count):
        membership = MembershipFactory(cpts=cpts, college=college, professional=ProfessionalFactory())
        FeeFactory(membership=membership, year=YEAR, paid_on=datetime.date(YEAR, 1, 1) if index % 2 else None)


def test_requests_come_first_with_counts_per_status(coordinator_client, cpts):
    MembershipFactory(cpts=cpts, requested=True, professional=ProfessionalFactory(last_name="Demandeur"))
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(last_name="Actif"))
    MembershipFactory(cpts=cpts, status="left", left_on=datetime.date(YEAR, 1, 2))

    page = coordinator_client.get(list_url(cpts)).content.decode()

    assert "Demandes en attente&nbsp;: 1" in page and "Adhérents&nbsp;: 1" in page
    assert "Anciens adhérents&nbsp;: 1" in page
    assert "Demandeur" in page and "Actif" not in page


def test_tabs_show_members_and_former_members(coordinator_client, cpts):
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(last_name="Actif"))
    MembershipFactory(
        cpts=cpts, status="left", left_on=datetime.date(YEAR, 1, 2), professional=ProfessionalFactory(last_name="Parti")
    )

    active = coordinator_client.get(list_url(cpts, "?etat=adherents")).content.decode()
    former = coordinator_client.get(list_url(cpts, "?etat=anciens")).content.decode()

    assert "Actif" in active and "Parti" not in active
    assert "Parti" in former and "Actif" not in former


def test_each_row_shows_profession_college_involvement_and_this_years_cotisation(coordinator_client, cpts):
    college = CollegeFactory(cpts=cpts, name="Paramédicaux")
    paid = MembershipFactory(cpts=cpts, college=college, professional=ProfessionalFactory(nurse=True))
    FeeFactory(membership=paid, year=YEAR, amount="30.00", paid_on=datetime.date(YEAR, 2, 3))
    MembershipFactory(cpts=cpts, professional=None, structure=StructureFactory(kind="pharmacie"))

    page = coordinator_client.get(list_url(cpts, "?etat=adherents")).content.decode()

    assert "Infirmier" in page and "Paramédicaux" in page and "Liste de diffusion" in page
    assert "Payée" in page and f"03/02/{YEAR}" in page
    assert "Pharmacie" in page and "Non saisie" in page


def test_filters_by_college_kind_and_cotisation(coordinator_client, cpts):
    college = CollegeFactory(cpts=cpts, name="Médecins")
    in_college = MembershipFactory(cpts=cpts, college=college, professional=ProfessionalFactory(last_name="Dedans"))
    FeeFactory(membership=in_college, year=YEAR, paid_on=datetime.date(YEAR, 1, 5))
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(last_name="Dehors"))
    MembershipFactory(cpts=cpts, professional=None, structure=StructureFactory(name="Pharmacie du Parc"))

    by_college = coordinator_client.get(list_url(cpts, f"?etat=adherents&college={college.pk}")).content.decode()
    structures = coordinator_client.get(list_url(cpts, "?etat=adherents&type=structure")).content.decode()
    unpaid = coordinator_client.get(list_url(cpts, "?etat=adherents&cotisation=non_payee")).content.decode()

    assert "Dedans" in by_college and "Dehors" not in by_college
    assert "Pharmacie du Parc" in structures and "Dedans" not in structures
    assert "Dehors" in unpaid and "Dedans" not in unpaid


def test_other_cpts_members_are_never_listed(coordinator_client, cpts, other_cpts):
    MembershipFactory(cpts=other_cpts, professional=ProfessionalFactory(last_name="Ailleurs"))

    page = coordinator_client.get(list_url(cpts, "?etat=adherents")).content.decode()

    assert "Ailleurs" not in page


def test_the_list_runs_a_fixed_number_of_queries(coordinator_client, cpts, django_assert_num_queries):
    college = CollegeFactory(cpts=cpts, name="Médecins")
    add_members(cpts, 3, college)
    with CaptureQueriesContext(connection) as few:
        coordinator_client.get(list_url(cpts, "?etat=adherents"))
    assert len(few) <= LIST_QUERY_BUDGET, "\n".join(query["sql"] for query in few.captured_queries)

    add_members(cpts, 27, college)
    with django_assert_num_queries(len(few)):
        response = coordinator_client.get(list_url(cpts, "?etat=adherents"))
    assert rows_in(response.content.decode()) == 30


def test_each_view_is_journaled_with_a_count_and_no_name(coordinator_client, coordinator, cpts):
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(first_name="Alice", last_name="Martin"))

    coordinator_client.get(list_url(cpts, "?etat=adherents"))

    entry = JournalEntry.objects.get(action="read", object_type="members.Membership", object_id="list")
    assert (entry.cpts_id, entry.actor_id) == (cpts.pk, coordinator.pk)
    assert "1 adhésion" in entry.note and "last_name" in entry.fields
    assert "Alice" not in entry.note and "Martin" not in entry.note


def test_long_lists_are_paginated(coordinator_client, cpts):
    for _ in range(51):
        MembershipFactory(cpts=cpts)

    page = coordinator_client.get(list_url(cpts, "?etat=adherents&page=2")).content.decode()

    assert "fr-pagination" in page and rows_in(page) == 1


def test_members_and_visitors_cannot_see_the_list(client, cpts, member):
    assert verified_client(member).get(list_url(cpts)).status_code == 404
    assert client.get(list_url(cpts)).status_code == 302
