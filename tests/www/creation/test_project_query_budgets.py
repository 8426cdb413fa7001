"""The creation pages read the same number of queries whatever their lists hold (the steps'
documents, the grant's payments and spending, the projet's missions, fiches-actions, decisions
and versions): no query per row."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillon.core.missions import Mission
from maillon.creation import services
from maillon.creation.factories import (
    ActionSheetFactory,
    GrantPaymentFactory,
    GrantSpendingFactory,
    ProjectVersionFactory,
    StartupGrantFactory,
    StepDocumentFactory,
)
from maillon.creation.models import CreationStep, MissionSection, ProjectStatus, Step

from .cpts_space import ars_authority, complete_draft, logged_in, url

pytestmark = pytest.mark.django_db


def queries(client, address) -> int:
    client.get(address)  # sessions, caches: warmed once
    with CaptureQueriesContext(connection) as context:
        assert client.get(address).status_code == 200
    return len(context.captured_queries)


def test_the_steps_page_does_not_grow_with_the_documents(cpts, coordinator):
    client = logged_in(coordinator)
    services.ensure_steps(cpts)
    step = CreationStep.objects.get(cpts=cpts, step=Step.LEGAL_STRUCTURE)
    StepDocumentFactory(step=step)
    few = queries(client, url("creation_steps", cpts))
    for number in Step.values:
        StepDocumentFactory.create_batch(3, step=CreationStep.objects.get(cpts=cpts, step=number))

    assert queries(client, url("creation_steps", cpts)) == few


def test_the_grant_page_does_not_grow_with_its_payments_and_spending(cpts, coordinator):
    client = logged_in(ars_authority(cpts))
    grant = StartupGrantFactory(cpts=cpts, amount=Decimal("100000"))
    GrantPaymentFactory(grant=grant, amount=Decimal("10"))
    GrantSpendingFactory(grant=grant, amount=Decimal("10"))
    few = queries(client, url("creation_grant", cpts))
    GrantPaymentFactory.create_batch(10, grant=grant, amount=Decimal("10"))
    GrantPaymentFactory.create_batch(10, grant=grant, amount=Decimal("10"), paid_on=datetime.date(2026, 1, 2))
    GrantSpendingFactory.create_batch(20, grant=grant, amount=Decimal("10"))

    assert queries(client, url("creation_grant", cpts)) == few


def test_the_project_page_does_not_grow_with_its_missions_fiches_and_versions(cpts, coordinator):
    client = logged_in(coordinator)
    ProjectVersionFactory(cpts=cpts, number=1, status=ProjectStatus.RETURNED)
    version = complete_draft(cpts, coordinator)
    few = queries(client, url("creation_project", cpts))
    for number in range(2, 8):
        ProjectVersionFactory(cpts=cpts, number=number + 10, status=ProjectStatus.RETURNED)
    for mission in (Mission.QUALITY, Mission.SUPPORT):
        MissionSection.objects.create(version=version, mission=mission)
    for section in version.sections.all():
        ActionSheetFactory.create_batch(4, section=section)

    assert queries(client, url("creation_project", cpts)) == few
