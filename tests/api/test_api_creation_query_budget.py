"""A query budget on every list of the creation API: read with 3 rows, then with 30, each runs
the same number of SQL queries (tests/test_list_query_budgets.py points here)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillon.core.factories import UserFactory
from maillon.creation.factories import (
    ActionSheetFactory,
    CreationStepFactory,
    GrantPaymentFactory,
    GrantSpendingFactory,
    LetterCommentFactory,
    LetterCommuneFactory,
    LetterEventFactory,
    MissionSectionFactory,
    ProjectEventFactory,
    ProjectVersionFactory,
    PromoterFactory,
    StartupGrantFactory,
    StepDocumentFactory,
)
from maillon.creation.models import ProjectStatus
from maillon.territories.factories import CommuneFactory

from .creation_helpers import ARS, call, letter_of, world

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 30


def letters(w, count):
    for _ in range(count):
        letter_of(w, communes=1)


def step_documents(w, count):
    """Documents over the steps, and steps with dates."""
    for index in range(count):
        number = index % 10 + 1
        step = w.cpts.creation_steps.filter(step=number).first() or CreationStepFactory(cpts=w.cpts, step=number)
        StepDocumentFactory(step=step, uploaded_by=UserFactory())


def spendings(w, count):
    grant = w.cpts.startup_grant if hasattr(w.cpts, "startup_grant") else StartupGrantFactory(cpts=w.cpts)
    for _ in range(count):
        GrantSpendingFactory(grant=grant, amount=Decimal("10"), recorded_by=UserFactory())


def versions(w, count):
    start = w.cpts.project_versions.count()
    for number in range(start + 1, start + count + 1):
        version = ProjectVersionFactory(cpts=w.cpts, number=number, status=ProjectStatus.RETURNED)
        ActionSheetFactory(section=MissionSectionFactory(version=version, mission=1 + number % 6))


def a_letter(w):
    w.made["letter"] = letter_of(w, communes=1)


def letter_rows(w, count):
    """Communes, promoters, comments and events of the letter."""
    letter = w.made["letter"]
    for _ in range(count):
        LetterCommuneFactory(letter=letter, commune=CommuneFactory(departement=w.departement))
        PromoterFactory(letter=letter)
        LetterCommentFactory(letter=letter, author=UserFactory())
        LetterEventFactory(letter=letter, by=UserFactory())


def a_grant(w):
    w.made["grant"] = StartupGrantFactory(cpts=w.cpts, amount=Decimal("100000"))


def grant_rows(w, count):
    for _ in range(count):
        GrantPaymentFactory(grant=w.made["grant"], amount=Decimal("10"))
        GrantSpendingFactory(grant=w.made["grant"], amount=Decimal("10"), recorded_by=UserFactory())


def a_version(w):
    w.made["version"] = ProjectVersionFactory(cpts=w.cpts, number=1)


def sheets(w, count):
    """Fiches-actions over the six missions, and events of the version."""
    version = w.made["version"]
    for index in range(count):
        mission = index % 6 + 1
        section = version.sections.filter(mission=mission).first() or MissionSectionFactory(
            version=version, mission=mission
        )
        ActionSheetFactory(section=section)
        ProjectEventFactory(version=version, by=UserFactory())


CASES = {
    "GET /api/v1/creation/letters": ("/creation/letters", ARS, letters),
    "GET /api/v1/cpts/{cpts_id}/creation/steps": ("/cpts/{cpts_id}/creation/steps", "coordinator", step_documents),
    "GET /api/v1/cpts/{cpts_id}/creation/grant/spendings": (
        "/cpts/{cpts_id}/creation/grant/spendings",
        "coordinator",
        spendings,
    ),
    "GET /api/v1/cpts/{cpts_id}/health-project/versions": (
        "/cpts/{cpts_id}/health-project/versions",
        "member",
        versions,
    ),
    # One object whose inner lists grow.
    "GET /api/v1/creation/letters/{letter_id}": (
        "/creation/letters/{letter_id}",
        ARS,
        letter_rows,
        a_letter,
    ),
    "GET /api/v1/cpts/{cpts_id}/creation/grant": ("/cpts/{cpts_id}/creation/grant", "coordinator", grant_rows, a_grant),
    "GET /api/v1/cpts/{cpts_id}/health-project/versions/{number}": (
        "/cpts/{cpts_id}/health-project/versions/1",
        "member",
        sheets,
        a_version,
    ),
}


def count_queries(w, path, role):
    headers = w.headers(role)
    with CaptureQueriesContext(connection) as queries:
        response = call("get", path, headers, page_size=100)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_list_runs_as_many_queries_for_3_rows_as_for_30(cpts, name):
    w = world(cpts)
    path, role, add, *first = CASES[name]
    for make in first:
        make(w)
    path = path.replace("{cpts_id}", str(cpts.pk))
    if "letter" in w.made:
        path = path.replace("{letter_id}", str(w.made["letter"].pk))
    add(w, FEW)
    few, few_body = count_queries(w, path, role)
    add(w, MANY - FEW)
    many, many_body = count_queries(w, path, role)
    assert many == few, f"{name}: {few} queries for {FEW} rows, {many} for {MANY}"
    assert many_body != few_body, "the rows added are not in the list"
