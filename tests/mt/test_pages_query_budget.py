"""A query budget per list page of the desk: the number of queries does not grow with the rows
shown (the queue's own budget is in test_pages_desk.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillon.mt import services
from maillon.mt.factories import MatchingRunFactory, PatientEventFactory, PatientFactory, ProposalFactory
from maillon.mt.models import Channel, PatientStatus

from ..conftest import verified_client

pytestmark = pytest.mark.django_db

# Budgets: the counts measured on 23/11/2026 plus one; the same count with 1 row and with 12.
PROPOSALS_PAGE = 11
RUN_PAGE = 10
OFFER_PAGE = 15
PATIENT_PAGE = 12
MEMBER_QUEUE = 10
STATUS_PAGE = 6


def proposals_of(offer, count, run=None):
    return [
        ProposalFactory(
            patient=PatientFactory(cpts=offer.cpts, commune=offer.doctor.practice_places.first().commune),
            offer=offer,
            run=run,
        )
        for _ in range(count)
    ]


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def assert_flat(client, url, budget, django_assert_max_num_queries, add_rows):
    """The page stays within `budget` with few rows and with many, and does not grow with them."""
    with django_assert_max_num_queries(budget):
        few = queries(client, url)
    add_rows()
    with django_assert_max_num_queries(budget):
        many = queries(client, url)
    assert many == few, (few, many)


def test_the_proposals_page_runs_a_fixed_number_of_queries(cpts, coordinator, offer, django_assert_max_num_queries):
    proposals_of(offer, 1)
    url = reverse("mt_proposals", args=[cpts.slug])
    client = verified_client(coordinator)
    assert_flat(client, url, PROPOSALS_PAGE, django_assert_max_num_queries, lambda: proposals_of(offer, 11))


def test_the_run_page_runs_a_fixed_number_of_queries(cpts, coordinator, offer, django_assert_max_num_queries):
    run = MatchingRunFactory(cpts=cpts)
    proposals_of(offer, 1, run)
    url = reverse("mt_run", args=[cpts.slug, run.pk])
    client = verified_client(coordinator)
    assert_flat(client, url, RUN_PAGE, django_assert_max_num_queries, lambda: proposals_of(offer, 11, run))


def test_the_doctors_offer_page_runs_a_fixed_number_of_queries(cpts, doctor, offer, django_assert_max_num_queries):
    proposals_of(offer, 1)
    url = reverse("mt_offer", args=[cpts.slug])
    client = verified_client(doctor.user)
    assert_flat(client, url, OFFER_PAGE, django_assert_max_num_queries, lambda: proposals_of(offer, 11))


def test_the_patient_page_runs_a_fixed_number_of_queries(cpts, coordinator, offer, django_assert_max_num_queries):
    [proposal] = proposals_of(offer, 1)
    patient = proposal.patient
    url = reverse("mt_patient", args=[cpts.slug, patient.pk])
    client = verified_client(coordinator)

    def more_history():
        for _ in range(6):
            PatientEventFactory(patient=patient, proposal=proposal, by=coordinator)
            ProposalFactory(patient=patient, offer=offer, status="refused_by_doctor")

    assert_flat(client, url, PATIENT_PAGE, django_assert_max_num_queries, more_history)


def test_the_members_own_registrations_run_a_fixed_number_of_queries(
    cpts, member, versailles, django_assert_max_num_queries
):
    def register(count):
        PatientFactory.create_batch(count, cpts=cpts, commune=versailles, channel=Channel.MEMBER, registered_by=member)

    register(1)
    url = reverse("mt_queue", args=[cpts.slug])
    assert_flat(verified_client(member), url, MEMBER_QUEUE, django_assert_max_num_queries, lambda: register(11))


def test_the_patients_private_page_runs_a_fixed_number_of_queries(
    client, cpts, versailles, django_assert_max_num_queries
):
    patient = PatientFactory(cpts=cpts, commune=versailles, status=PatientStatus.PROPOSED)
    PatientEventFactory(patient=patient)
    url = reverse("mt_patient_status", args=[services.private_link_token(patient)])

    def more_steps():
        for _ in range(10):
            PatientEventFactory(patient=patient, from_status="proposed", to_status="waiting")

    assert_flat(client, url, STATUS_PAGE, django_assert_max_num_queries, more_steps)
