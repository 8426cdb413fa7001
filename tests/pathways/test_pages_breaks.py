"""The breaks board: the coordination sees every break, a member those of the patients they
lead; open ones by kind with their counts, resolved ones in their own tab; the lead or the
coordination resolves one with what was done. Patients shown are journaled; a bad form names
its field and writes nothing; the board's queries do not grow with its rows."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.pathways.factories import (
    CareBreakFactory,
    CarePlanFactory,
    CareTaskFactory,
    HospitalStayFactory,
    InclusionFactory,
)
from maillon.pathways.models import BreakKind, BreakStatus

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
BOARD_BUDGET = 20  # measured plus a margin; the point is the same count for 3 rows as for 30


def board(cpts, query=""):
    return reverse("pathways_breaks", args=[cpts.slug]) + (f"?{query}" if query else "")


def resolve_url(care_break):
    return reverse("pathways_break_resolve", args=[care_break.cpts.slug, care_break.pk])


def page_of(user, url) -> str:
    response = verified_client(user).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert not english_strings_in(html)
    return unescape(html)


@pytest.fixture(name="care_breaks")
def breaks_fixture(inclusion):
    task = CareTaskFactory(inclusion=inclusion, title="Bilan gériatrique", due_on=datetime.date(2026, 3, 2))
    late = CareBreakFactory(inclusion=inclusion, kind=BreakKind.TASK_LATE, subject=f"task:{task.pk}")
    missing = CareBreakFactory(inclusion=inclusion)  # a nurse missing from the team
    done = CareBreakFactory(
        inclusion=inclusion,
        kind=BreakKind.REVIEW_MISSED,
        subject=f"plan:{CarePlanFactory(inclusion=inclusion).pk}",
        status=BreakStatus.RESOLVED,
        resolved_on=TODAY,
        resolution="PPCS revu en réunion",
    )
    return {"late": late, "missing": missing, "done": done}


def test_the_coordination_sees_the_open_breaks_by_kind_with_what_and_who(care_breaks, coordinator, inclusion):
    page = page_of(coordinator, board(inclusion.cpts))
    assert "Étape en retard au-delà de sa tolérance" in page and "Bilan gériatrique (pour le 02/03/2026)" in page
    assert "Infirmier" in page and "DURANDAL Odile" in page and "PPCS revu en réunion" not in page
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "2 ruptures à traiter" in text
    assert f"/parcours/inclusions/{inclusion.pk}/" in page
    # By kind: the filter keeps one kind.
    one = page_of(coordinator, board(inclusion.cpts, f"type={BreakKind.TASK_LATE}"))
    assert "Bilan gériatrique" in one and "1 rupture à traiter" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", one))
    # The resolved ones, in their tab.
    resolved = page_of(coordinator, board(inclusion.cpts, "etat=resolved"))
    assert "PPCS revu en réunion" in resolved and "Bilan gériatrique" not in resolved


def test_a_member_sees_the_breaks_of_the_patients_they_lead_only(care_breaks, lead, teammate, outsider, inclusion):
    assert "DURANDAL Odile" in page_of(lead.professional.user, board(inclusion.cpts))
    for member in (teammate, outsider):  # in the team, or not: not the lead
        page = page_of(member.professional.user, board(inclusion.cpts))
        assert "DURANDAL" not in page and "Aucune rupture à traiter" in page


def test_the_patients_shown_are_journaled(care_breaks, coordinator, inclusion):
    page_of(coordinator, board(inclusion.cpts))
    entry = JournalEntry.objects.get(action="read", object_type="pathways.Inclusion", note="tableau des ruptures")
    assert entry.object_id == str(inclusion.pk)


def test_the_lead_resolves_a_break_with_what_was_done(care_breaks, lead, inclusion):
    care_break = care_breaks["missing"]
    data = {f"break-{care_break.pk}-resolution": "Infirmière ajoutée à l'équipe", "retour": board(inclusion.cpts)}
    response = verified_client(lead.professional.user).post(resolve_url(care_break), data)
    assert response.status_code == 302 and response["Location"] == board(inclusion.cpts)
    care_break.refresh_from_db()
    assert care_break.status == BreakStatus.RESOLVED and care_break.resolution == "Infirmière ajoutée à l'équipe"
    assert care_break.resolved_on == TODAY and care_break.events.get().by == lead.professional.user


def test_a_resolution_must_say_what_was_done_and_writes_nothing_without(care_breaks, coordinator):
    care_break = care_breaks["late"]
    response = verified_client(coordinator).post(resolve_url(care_break), {f"break-{care_break.pk}-resolution": " "})
    assert response.status_code == 400
    assert "Ce qui a été fait : dites comment la rupture a été traitée." in unescape(response.content.decode())
    care_break.refresh_from_db()
    assert care_break.status == BreakStatus.OPEN and not care_break.events.exists()


def test_who_may_resolve(care_breaks, teammate, outsider, other_coordinator, coordinator):
    care_break = care_breaks["late"]
    data = {f"break-{care_break.pk}-resolution": "Fait"}
    # Not the lead: the break is not on their board (404, as for a missing one).
    for user in (teammate.professional.user, outsider.professional.user, other_coordinator):
        assert verified_client(user).post(resolve_url(care_break), data).status_code == 404
    assert verified_client(coordinator).get(resolve_url(care_break)).status_code == 405
    # Resolved already: 403.
    assert verified_client(coordinator).post(resolve_url(care_breaks["done"]), data).status_code == 403


def test_the_homes_count_the_open_breaks(care_breaks, coordinator, lead, teammate, inclusion):
    dashboard = reverse("cpts_dashboard", args=[inclusion.cpts.slug])

    def text(user):
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_of(user, dashboard)))

    assert "2 ruptures de parcours à traiter" in text(coordinator)
    assert "2 ruptures de parcours de mes patients" in text(lead.professional.user)
    assert "ruptures de parcours" not in text(teammate.professional.user)


def test_the_board_runs_as_many_queries_for_3_rows_as_for_30(
    cpts, programme, lead, coordinator, django_assert_max_num_queries
):
    def add(count):
        for number in range(count):
            inclusion = InclusionFactory(cpts=cpts, programme=programme, lead=lead)
            kind = number % 3
            if kind == 0:
                subject = f"task:{CareTaskFactory(inclusion=inclusion).pk}"
                CareBreakFactory(inclusion=inclusion, kind=BreakKind.TASK_LATE, subject=subject)
            elif kind == 1:
                subject = f"stay:{HospitalStayFactory(inclusion=inclusion).pk}"
                CareBreakFactory(inclusion=inclusion, kind=BreakKind.NO_VISIT_AFTER_STAY, subject=subject)
            else:
                CareBreakFactory(inclusion=inclusion)

    def measure(user):
        client = verified_client(user)
        with django_assert_max_num_queries(BOARD_BUDGET), CaptureQueriesContext(connection) as context:
            response = client.get(board(cpts))
        assert response.status_code == 200
        return len(context.captured_queries), response.content.decode()

    add(3)
    few = {who: measure(user)[0] for who, user in {"coordinator": coordinator, "lead": lead.professional.user}.items()}
    add(27)
    for who, user in {"coordinator": coordinator, "lead": lead.professional.user}.items():
        count, html = measure(user)
        assert count == few[who], who
        assert html.count(">Résoudre</button>") == 30
