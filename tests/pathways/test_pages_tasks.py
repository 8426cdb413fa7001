"""« Mes tâches »: a member's open care tasks across their patients, the late ones first, each
marked done by its small form (outcome, date); the coordination switches to every task it sees,
filtered. Every patient shown is journaled; a bad form names its field and writes nothing."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.pathways.factories import CareTaskFactory, CareTeamMemberFactory, InclusionFactory
from maillon.pathways.models import CareTaskStatus

from ..conftest import verified_client
from ..www.english import english_strings_in
from .test_pages_access import (  # noqa: F401 (fixtures)
    inclusion_fixture,
    lead_fixture,
    other_coordinator_fixture,
    outsider_fixture,
    programme_fixture,
    teammate_fixture,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LIST_BUDGET = 20  # measured plus a margin; the point is the same count for 3 rows as for 30


def days(n):
    return datetime.timedelta(days=n)


def tasks_url(cpts, query=""):
    return reverse("pathways_tasks", args=[cpts.slug]) + (f"?{query}" if query else "")


def complete_url(task):
    return reverse("pathways_task_complete", args=[task.cpts.slug, task.pk])


def page_of(user, url) -> str:
    response = verified_client(user).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert not english_strings_in(html)
    return unescape(html)


@pytest.fixture(name="tasks")
def tasks_fixture(inclusion, teammate):
    """Two tasks of the teammate (one late), one of nobody."""
    soon = CareTaskFactory(inclusion=inclusion, assignee=teammate, title="Pansement", due_on=TODAY + days(3))
    late = CareTaskFactory(
        inclusion=inclusion, assignee=teammate, title="Bilan", due_on=TODAY - days(20), late_from=TODAY - days(10)
    )
    unassigned = CareTaskFactory(inclusion=inclusion, title="Vaccin", profession="10")
    return {"soon": soon, "late": late, "unassigned": unassigned}


def test_a_member_sees_their_open_tasks_late_first_with_the_patient(tasks, teammate, inclusion):
    page = page_of(teammate.professional.user, tasks_url(inclusion.cpts))
    assert page.index("Bilan") < page.index("Pansement")
    assert "En retard" in page and "DURANDAL Odile" in page and "Maintien à domicile" in page
    assert "Vaccin" not in page and "Marquer comme faite" in page
    # The late filter.
    late = page_of(teammate.professional.user, tasks_url(inclusion.cpts, "retard=1"))
    assert "Bilan" in late and "Pansement" not in late


def test_the_patients_shown_are_journaled(tasks, teammate, inclusion):
    page_of(teammate.professional.user, tasks_url(inclusion.cpts))
    entry = JournalEntry.objects.get(action="read", object_type="pathways.Inclusion", note="tâches de soins")
    assert entry.object_id == str(inclusion.pk) and "birth_name" in entry.fields


def test_the_coordination_switches_to_every_task_and_filters(tasks, coordinator, inclusion, teammate):
    cpts = inclusion.cpts
    assert "Vaccin" not in page_of(coordinator, tasks_url(cpts))  # none is theirs
    every = page_of(coordinator, tasks_url(cpts, "tout=1"))
    assert "Vaccin" in every and "Bilan" in every and "à confier" in every
    late = page_of(coordinator, tasks_url(cpts, "tout=1&retard=1"))
    assert "Bilan" in late and "Vaccin" not in late
    other = page_of(coordinator, tasks_url(cpts, "tout=1&programme=0"))
    assert "Vaccin" in other
    # A member cannot switch: « tout » shows only theirs.
    assert "Vaccin" not in page_of(teammate.professional.user, tasks_url(cpts, "tout=1"))


def test_marking_a_task_done_from_the_list(tasks, teammate, inclusion):
    task = tasks["late"]
    response = verified_client(teammate.professional.user).post(
        complete_url(task),
        {f"task-{task.pk}-outcome": "Bilan fait au domicile", f"task-{task.pk}-done_on": TODAY.isoformat()},
    )
    assert response.status_code == 302 and response["Location"] == tasks_url(inclusion.cpts)
    task.refresh_from_db()
    assert task.status == CareTaskStatus.DONE and task.outcome == "Bilan fait au domicile" and task.done_on == TODAY
    assert task.events.get().by == teammate.professional.user
    assert "Bilan" not in page_of(teammate.professional.user, tasks_url(inclusion.cpts))


def test_the_form_returns_to_the_page_it_came_from_and_nowhere_else(tasks, lead, inclusion):
    task = tasks["soon"]
    back = reverse("pathways_inclusion", args=[inclusion.cpts.slug, inclusion.pk])
    data = {f"task-{task.pk}-outcome": "Fait", f"task-{task.pk}-done_on": TODAY.isoformat(), "retour": back}
    response = verified_client(lead.professional.user).post(complete_url(task), data)
    assert response["Location"] == back
    other = tasks["unassigned"]
    data = {f"task-{other.pk}-outcome": "Fait", "retour": "https://ailleurs.example/"}
    response = verified_client(lead.professional.user).post(complete_url(other), data)
    assert response["Location"] == tasks_url(inclusion.cpts)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "", "done_on": TODAY.isoformat()}, "Résultat : dites en quelques mots ce qui a été fait."),
        ({"outcome": "Fait", "done_on": (TODAY + days(2)).isoformat()}, "Faite le :"),
        ({"outcome": "Fait", "done_on": "32/13/2026"}, "Faite le : saisissez une date valide"),
    ],
)
def test_a_bad_form_names_its_field_and_writes_nothing(tasks, teammate, data, message):
    task = tasks["soon"]
    posted = {f"task-{task.pk}-{name}": value for name, value in data.items()}
    response = verified_client(teammate.professional.user).post(complete_url(task), posted)
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert message in page and "DURANDAL" not in page.split("<title>")[1].split("</title>")[0]
    task.refresh_from_db()
    assert task.status == CareTaskStatus.TODO and not task.events.exists()


def test_who_may_mark_a_task_done(tasks, inclusion, lead, outsider, coordinator, other_coordinator):
    task = tasks["soon"]
    data = {f"task-{task.pk}-outcome": "Fait", f"task-{task.pk}-done_on": TODAY.isoformat()}
    # Outside the care team, or another CPTS: 404 as for a missing task.
    assert verified_client(outsider.professional.user).post(complete_url(task), data).status_code == 404
    assert verified_client(other_coordinator).post(complete_url(task), data).status_code == 404
    assert verified_client(lead.professional.user).get(complete_url(task)).status_code == 405
    # The lead records it (anyone who sees the patient does); done, it is done: 403.
    assert verified_client(lead.professional.user).post(complete_url(task), data).status_code == 302
    assert verified_client(coordinator).post(complete_url(task), data).status_code == 403


def test_the_home_counts_the_members_tasks_and_the_late_ones(tasks, teammate, inclusion):
    page = page_of(teammate.professional.user, reverse("cpts_dashboard", args=[inclusion.cpts.slug]))
    text = re.sub(r"<[^>]+>", "", page)
    assert "2 tâches de soins à faire" in text and "1 tâche de soins en retard" in text
    assert tasks_url(inclusion.cpts) in page and tasks_url(inclusion.cpts, "retard=1") in page.replace("&amp;", "&")


def test_the_list_runs_as_many_queries_for_3_rows_as_for_30(
    cpts, programme, teammate, lead, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            inclusion = InclusionFactory(cpts=cpts, programme=programme, lead=lead)
            CareTeamMemberFactory(inclusion=inclusion, membership=teammate)
            CareTaskFactory(inclusion=inclusion, assignee=teammate)

    client = verified_client(teammate.professional.user)

    def measure():
        with django_assert_max_num_queries(LIST_BUDGET), CaptureQueriesContext(connection) as context:
            assert client.get(tasks_url(cpts)).status_code == 200
        return len(context.captured_queries)

    add(3)
    few = measure()
    add(27)
    assert measure() == few
    assert client.get(tasks_url(cpts)).content.decode().count("Marquer comme faite</button>") == 30
