"""The inclusion page's work of the pathway: its care tasks (a done form for whoever sees the
patient), the PPCS (the current version by dimension, earlier ones listed, a new version on its
own page filled from the current one, the PDF), hospital stays and their discharge, and the
whole path as a timeline. Only the lead and the coordination see the editing forms."""

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.pathways.factories import CarePlanActionFactory, CarePlanFactory, CareTaskFactory, HospitalStayFactory
from maillon.pathways.models import CarePlan, CareTask, HospitalStay

from ..conftest import verified_client
from ..www.english import english_strings_in
from .test_pages_access import (  # noqa: F401 (fixtures)
    inclusion_fixture,
    lead_fixture,
    outsider_fixture,
    programme_fixture,
    teammate_fixture,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def days(n):
    return datetime.timedelta(days=n)


def url(name, inclusion):
    return reverse(name, args=[inclusion.cpts.slug, inclusion.pk])


def page_of(user, address) -> str:
    response = verified_client(user).get(address)
    assert response.status_code == 200
    html = response.content.decode()
    assert not english_strings_in(html)
    return unescape(html)


@pytest.fixture(name="plan")
def plan_fixture(inclusion, coordinator):
    CarePlanFactory(inclusion=inclusion, version=1, goals="Premiers objectifs", next_review_on=TODAY - days(30))
    plan = CarePlanFactory(
        inclusion=inclusion,
        version=2,
        assessment={"autonomy": "Marche avec une canne", "social": "Fille présente le week-end"},
        problems="Chutes répétées",
        goals="Rester à domicile",
        next_review_on=TODAY + days(60),
        written_by=coordinator,
    )
    CarePlanActionFactory(plan=plan, description="Kinésithérapie deux fois par semaine", owner="Kiné")
    return plan


def test_the_page_shows_the_tasks_the_ppcs_the_stays_and_the_path(inclusion, plan, teammate):
    inclusion.included_on = TODAY - days(60)
    inclusion.save(update_fields=["included_on"])
    CareTaskFactory(inclusion=inclusion, title="Pansement", due_on=TODAY - days(9), late_from=TODAY - days(2))
    CareTaskFactory(
        inclusion=inclusion, title="Bilan", status="done", done_on=TODAY - days(3), outcome="Bilan rassurant"
    )
    HospitalStayFactory(inclusion=inclusion)
    page = page_of(teammate.professional.user, url("pathways_inclusion", inclusion))
    assert "Pansement" in page and "En retard" in page and "Bilan rassurant" in page
    assert "Version 2" in page and "À jour" in page and "Marche avec une canne" in page
    assert "Autonomie (vie quotidienne, déplacements)" in page and "Chutes répétées" in page
    assert "Kinésithérapie deux fois par semaine" in page and "Version 1, rédigée le" in page
    assert "Télécharger le PPCS (PDF)" in page and "Sortie d'hôpital" in page
    # The team records a task done; it does not change the PPCS nor the stays.
    assert "Marquer comme faite" in page
    assert "Nouvelle version du PPCS" not in page and "Noter une hospitalisation" not in page
    # The path, by date: the inclusion first.
    path = page.split('id="parcours"', 1)[1]
    assert path.index("Inclusion") < path.index("Pansement") < path.index("Tâche faite")


def test_the_lead_sees_the_editing_forms(inclusion, plan, lead):
    page = page_of(lead.professional.user, url("pathways_inclusion", inclusion))
    assert "Nouvelle version du PPCS" in page and "Noter une hospitalisation" in page


def test_a_new_version_starts_from_the_current_one(inclusion, plan, lead):
    page = page_of(lead.professional.user, url("pathways_plan_revise", inclusion))
    assert "Marche avec une canne" in page and "Chutes répétées" in page
    assert "Kinésithérapie deux fois par semaine" in page and "version 3" in page
    assert JournalEntry.objects.filter(note="nouvelle version du PPCS", object_id=str(inclusion.pk)).exists()


def plan_data(**changes):
    data = {
        "assessment_health": "Diabète équilibré",
        "problems": "Isolement",
        "goals": "Sortir deux fois par semaine",
        "next_review_on": (TODAY + days(90)).isoformat(),
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-kind": "social",
        "actions-0-description": "Accueil de jour le mardi",
        "actions-0-owner": "Assistante sociale",
        "actions-0-due_on": "",
    }
    return data | changes


def test_the_lead_writes_a_new_version_with_its_actions(inclusion, plan, lead):
    response = verified_client(lead.professional.user).post(url("pathways_plan_revise", inclusion), plan_data())
    assert response.status_code == 302 and response["Location"].endswith("#ppcs")
    new = CarePlan.objects.get(inclusion=inclusion, version=3)
    assert new.assessment == {"health": "Diabète équilibré"} and new.goals == "Sortir deux fois par semaine"
    assert [a.description for a in new.actions.all()] == ["Accueil de jour le mardi"]
    assert new.written_by == lead.professional.user
    assert plan.actions.count() == 1  # the earlier version stays as it was


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"next_review_on": TODAY.isoformat()}, "Prochaine réévaluation : choisissez une date à venir."),
        ({"next_review_on": ""}, "Prochaine réévaluation : indiquez la date."),
        ({"actions-0-owner": ""}, "Qui : ce champ est obligatoire."),
        ({"actions-0-kind": "magic"}, "Nature : choisissez une des valeurs proposées."),
    ],
)
def test_a_bad_version_names_its_field_and_writes_nothing(inclusion, plan, coordinator, changes, message):
    response = verified_client(coordinator).post(url("pathways_plan_revise", inclusion), plan_data(**changes))
    assert response.status_code == 400
    assert message in unescape(response.content.decode())
    assert CarePlan.objects.filter(inclusion=inclusion).count() == 2


def test_only_the_lead_and_the_coordination_write_the_ppcs(inclusion, plan, teammate, outsider):
    address = url("pathways_plan_revise", inclusion)
    assert verified_client(teammate.professional.user).get(address).status_code == 403
    assert verified_client(teammate.professional.user).post(address, plan_data()).status_code == 403
    assert verified_client(outsider.professional.user).get(address).status_code == 404
    assert CarePlan.objects.filter(inclusion=inclusion).count() == 2


def test_the_ppcs_downloads_as_a_pdf_and_the_read_is_journaled(inclusion, plan, teammate, outsider):
    response = verified_client(teammate.professional.user).get(url("pathways_plan_pdf", inclusion))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    disposition = response["Content-Disposition"]
    assert "attachment" in disposition and f"ppcs-inclusion-{inclusion.pk}-v2.pdf" in disposition
    assert "Durandal" not in disposition
    assert JournalEntry.objects.filter(note="PPCS en PDF", object_id=str(inclusion.pk)).exists()
    assert verified_client(outsider.professional.user).get(url("pathways_plan_pdf", inclusion)).status_code == 404


def test_no_pdf_before_the_first_version(inclusion, coordinator):
    assert verified_client(coordinator).get(url("pathways_plan_pdf", inclusion)).status_code == 404
    assert "Pas encore de PPCS" in page_of(coordinator, url("pathways_inclusion", inclusion))


def test_a_stay_then_its_discharge_make_a_town_visit_due(inclusion, lead):
    client = verified_client(lead.professional.user)
    admitted = (TODAY - days(4)).isoformat()
    response = client.post(url("pathways_stay_record", inclusion), {"stay-admitted_on": admitted})
    assert response.status_code == 302
    stay = HospitalStay.objects.get(inclusion=inclusion)
    assert stay.discharged_on is None and stay.recorded_by == lead.professional.user
    data = {"stay": stay.pk, f"discharge-{stay.pk}-discharged_on": TODAY.isoformat()}
    assert client.post(url("pathways_stay_discharge", inclusion), data).status_code == 302
    stay.refresh_from_db()
    assert stay.discharged_on == TODAY
    visit = CareTask.objects.get(stay=stay)
    assert visit.due_on == TODAY + days(7) and visit.assignee == lead


def test_a_bad_stay_names_its_field_and_writes_nothing(inclusion, lead, teammate):
    client = verified_client(lead.professional.user)
    data = {"stay-admitted_on": TODAY.isoformat(), "stay-discharged_on": (TODAY - days(2)).isoformat()}
    response = client.post(url("pathways_stay_record", inclusion), data)
    assert response.status_code == 400
    assert "Sortie le : elle vient après l'entrée." in unescape(response.content.decode())
    response = client.post(url("pathways_stay_record", inclusion), {"stay-admitted_on": ""})
    assert "Entrée le : indiquez la date." in unescape(response.content.decode())
    assert not HospitalStay.objects.filter(inclusion=inclusion).exists()
    # The rest of the team reads, the stays included, but does not record one.
    data = {"stay-admitted_on": TODAY.isoformat()}
    assert (
        verified_client(teammate.professional.user).post(url("pathways_stay_record", inclusion), data).status_code
        == 403
    )


def test_a_discharge_already_noted_is_refused_on_its_field(inclusion, lead):
    stay = HospitalStayFactory(inclusion=inclusion, discharged_on=None)
    client = verified_client(lead.professional.user)
    data = {"stay": stay.pk, f"discharge-{stay.pk}-discharged_on": (TODAY + days(3)).isoformat()}
    response = client.post(url("pathways_stay_discharge", inclusion), data)
    assert response.status_code == 400 and "Sortie le :" in unescape(response.content.decode())
    stay.refresh_from_db()
    assert stay.discharged_on is None
