"""The API of a pathway's work (maillon/api/pathways_work.py): a member's care tasks across
patients and marking one done, the breaks board and resolving a break, the PPCS versions and
their PDF, hospital stays, the timeline — each with its refusals (404 for what the caller may
not see, 403 for what they see but may not change, 422 naming the field, 409 for the state)
and the journal of every patient shown."""

import datetime

import pytest
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import JournalEntry
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.professions import Profession
from maillon.pathways.factories import (
    CareBreakFactory,
    CarePlanActionFactory,
    CarePlanFactory,
    CareTaskFactory,
    CareTeamMemberFactory,
    HospitalStayFactory,
    InclusionFactory,
)
from maillon.pathways.models import BreakStatus, CarePlan, CareTask, CareTaskStatus, HospitalStay

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return datetime.timedelta(days=n)


@pytest.fixture
def lead(cpts, member):
    """The `member` user's adhesion: they lead the inclusion and are given its tasks."""
    return MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=member))


@pytest.fixture
def inclusion(cpts, lead):
    made = InclusionFactory(cpts=cpts, lead=lead, birth_name="Martin", first_given_name="Jeanne")
    CareTeamMemberFactory(inclusion=made, membership=lead, role="Référent")
    return made


@pytest.fixture
def nurse(cpts, inclusion):
    """A nurse of the inclusion's care team, with an account (not the lead)."""
    user = CptsRoleFactory(cpts=cpts, user=UserFactory(with_totp=True)).user
    adhesion = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=user))
    CareTeamMemberFactory(inclusion=inclusion, membership=adhesion)
    return adhesion


def api(cpts, rest):
    return f"/api/v1/cpts/{cpts.pk}{rest}"


def post(client, path, headers, body):
    return client.post(path, body, content_type="application/json", **headers)


def reads_of(inclusion):
    return JournalEntry.objects.filter(action="read", object_type="pathways.Inclusion", object_id=str(inclusion.pk))


def loc_of(response):
    return [item["loc"][-1] for item in response.json()["detail"]]


# --- Care tasks ----------------------------------------------------------------------------


def test_a_member_lists_their_own_open_tasks_across_patients(api_client, cpts, member, lead, inclusion, token_headers):
    other_patient = InclusionFactory(cpts=cpts, lead=lead)
    mine = CareTaskFactory(inclusion=inclusion, assignee=lead, due_on=TODAY - days(10), late_from=TODAY - days(3))
    CareTaskFactory(inclusion=other_patient, assignee=lead)
    CareTaskFactory(inclusion=inclusion, assignee=lead, status=CareTaskStatus.DONE, done_on=TODAY)
    CareTaskFactory(inclusion=inclusion)  # not given to them
    body = api_client.get(api(cpts, "/care-tasks"), **token_headers(member)).json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["id"] == mine.pk
    assert first["late"] is True
    assert first["status"] == "todo"
    assert first["inclusion_id"] == inclusion.pk
    assert first["programme"]["name"] == inclusion.programme.name
    assert first["patient"] == {"display_name": "MARTIN Jeanne"}
    assert first["assignee"] == {"id": lead.pk, "name": str(lead.professional)}
    assert {"title", "who", "due_on", "late_from"} <= set(first)
    assert set(reads_of(inclusion).get().fields) == {"used_name", "birth_name", "first_given_name"}
    assert reads_of(other_patient).exists()


def test_all_lists_every_task_of_the_visible_patients_with_filters(
    api_client, cpts, member, lead, inclusion, token_headers
):
    CareTaskFactory(inclusion=inclusion)
    CareTaskFactory(inclusion=inclusion, status=CareTaskStatus.DONE, done_on=TODAY)
    CareTaskFactory(cpts=cpts, inclusion=InclusionFactory(cpts=cpts))  # a patient they do not see
    headers = token_headers(member)
    assert api_client.get(api(cpts, "/care-tasks?all=true"), **headers).json()["count"] == 2
    done = api_client.get(api(cpts, "/care-tasks?all=true&status=done"), **headers).json()
    assert [item["status"] for item in done["items"]] == ["done"]
    other = InclusionFactory(cpts=cpts, lead=lead)
    CareTaskFactory(inclusion=other)
    filtered = api_client.get(api(cpts, f"/care-tasks?all=true&inclusion={other.pk}"), **headers).json()
    assert filtered["count"] == 1


def test_completing_a_task_records_the_outcome(api_client, cpts, member, lead, inclusion, token_headers):
    task = CareTaskFactory(inclusion=inclusion, assignee=lead)
    response = post(
        api_client,
        api(cpts, f"/care-tasks/{task.pk}/complete"),
        token_headers(member),
        {"outcome": "Visite faite, pansement refait.", "done_on": (TODAY - days(1)).isoformat()},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    task.refresh_from_db()
    assert (task.status, task.done_on, task.outcome) == ("done", TODAY - days(1), "Visite faite, pansement refait.")


def test_a_team_member_completes_a_task_given_to_another(api_client, cpts, nurse, lead, inclusion, token_headers):
    task = CareTaskFactory(inclusion=inclusion, assignee=lead)
    headers = token_headers(nurse.professional.user)
    response = post(api_client, api(cpts, f"/care-tasks/{task.pk}/complete"), headers, {"outcome": "Fait"})
    assert response.status_code == 200


def test_completing_a_task_twice_answers_409_with_its_state(api_client, cpts, member, inclusion, token_headers):
    task = CareTaskFactory(inclusion=inclusion, status=CareTaskStatus.DONE, done_on=TODAY, outcome="Fait")
    response = post(api_client, api(cpts, f"/care-tasks/{task.pk}/complete"), token_headers(member), {"outcome": "x"})
    assert response.status_code == 409
    assert response.json()["status"] == "done"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"outcome": ""}, "outcome"), ({"outcome": "Fait", "done_on": (TODAY + days(1)).isoformat()}, "done_on")],
)
def test_a_refused_completion_names_its_field(api_client, cpts, member, inclusion, token_headers, body, field):
    task = CareTaskFactory(inclusion=inclusion)
    response = post(api_client, api(cpts, f"/care-tasks/{task.pk}/complete"), token_headers(member), body)
    assert response.status_code == 422
    assert loc_of(response) == [field]
    assert CareTask.objects.get(pk=task.pk).status == "todo"


def test_a_task_of_a_patient_one_does_not_see_answers_404_like_a_missing_one(api_client, cpts, member, token_headers):
    theirs = CareTaskFactory(cpts=cpts, inclusion=InclusionFactory(cpts=cpts))
    headers = token_headers(member)
    response = post(api_client, api(cpts, f"/care-tasks/{theirs.pk}/complete"), headers, {"outcome": "Fait"})
    missing = post(api_client, api(cpts, f"/care-tasks/{theirs.pk + 1000}/complete"), headers, {"outcome": "Fait"})
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()


# --- Breaks --------------------------------------------------------------------------------


def test_the_coordinator_sees_every_break_with_its_label(api_client, cpts, coordinator, inclusion, token_headers):
    task = CareTaskFactory(inclusion=inclusion, title="Visite infirmière", due_on=datetime.date(2026, 1, 5))
    CareBreakFactory(inclusion=inclusion, kind="task_late", subject=f"task:{task.pk}")
    CareBreakFactory(inclusion=InclusionFactory(cpts=cpts))
    body = api_client.get(api(cpts, "/care-breaks?kind=task_late"), **token_headers(coordinator)).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["subject_label"] == "Visite infirmière (pour le 05/01/2026)"
    assert item["kind_label"].startswith("Étape en retard")
    assert item["patient"] == {"display_name": "MARTIN Jeanne"}
    assert reads_of(inclusion).exists()
    every = api_client.get(api(cpts, "/care-breaks"), **token_headers(coordinator)).json()
    assert every["count"] == 2
    assert Profession("60").label in {item["subject_label"] for item in every["items"]}


def test_a_member_sees_the_breaks_of_the_patients_they_lead(api_client, cpts, member, nurse, inclusion, token_headers):
    CareBreakFactory(inclusion=inclusion)
    CareBreakFactory(inclusion=InclusionFactory(cpts=cpts))
    assert api_client.get(api(cpts, "/care-breaks"), **token_headers(member)).json()["count"] == 1
    assert api_client.get(api(cpts, "/care-breaks"), **token_headers(nurse.professional.user)).json()["count"] == 0


def test_the_lead_resolves_a_break_once(api_client, cpts, member, inclusion, token_headers):
    care_break = CareBreakFactory(inclusion=inclusion)
    path, headers = api(cpts, f"/care-breaks/{care_break.pk}/resolve"), token_headers(member)
    assert loc_of(post(api_client, path, headers, {"resolution": "  "})) == ["resolution"]
    response = post(api_client, path, headers, {"resolution": "Infirmière ajoutée à l'équipe."})
    assert response.status_code == 200
    assert response.json()["status"] == BreakStatus.RESOLVED
    care_break.refresh_from_db()
    assert care_break.resolution == "Infirmière ajoutée à l'équipe."
    again = post(api_client, path, headers, {"resolution": "encore"})
    assert again.status_code == 409
    assert again.json()["status"] == "resolved"


def test_a_break_of_a_patient_one_does_not_lead_answers_404(api_client, cpts, nurse, inclusion, token_headers):
    care_break = CareBreakFactory(inclusion=inclusion)
    headers = token_headers(nurse.professional.user)
    response = post(api_client, api(cpts, f"/care-breaks/{care_break.pk}/resolve"), headers, {"resolution": "x"})
    assert response.status_code == 404


# --- PPCS ----------------------------------------------------------------------------------


def plan_body(**changes):
    return {
        "next_review_on": (TODAY + days(90)).isoformat(),
        "assessment": {"health": "Insuffisance cardiaque stable", "social": "Vit seule, fille proche"},
        "problems": "Chutes ; isolement.",
        "goals": "Rester à domicile.",
        "actions": [
            {"kind": "care", "description": "Passage infirmier", "owner": "Infirmier à domicile"},
            {"kind": "social", "description": "Dossier APA", "owner": "Assistante sociale", "due_on": "2030-01-01"},
        ],
        **changes,
    }


def test_the_lead_writes_versions_of_the_ppcs(api_client, cpts, member, inclusion, token_headers):
    headers = token_headers(member)
    path = api(cpts, f"/pathway-inclusions/{inclusion.pk}/plans")
    first = post(api_client, path, headers, plan_body())
    assert first.status_code == 201, first.content
    assert first.json()["version"] == 1
    assert [item["dimension"] for item in first.json()["assessment"]] == ["health", "social"]
    post(api_client, path, headers, plan_body(goals="Rester à domicile ; marcher."))
    body = api_client.get(path, **headers).json()
    assert body["count"] == 2
    assert [(item["version"], item["is_current"]) for item in body["items"]] == [(2, True), (1, False)]
    assert [action["kind"]["code"] for action in body["items"][0]["actions"]] == ["care", "social"]
    assert reads_of(inclusion).filter(note="PPCS (API)").exists()


def test_a_team_member_reads_the_ppcs_but_does_not_write_it(api_client, cpts, nurse, inclusion, token_headers):
    headers = token_headers(nurse.professional.user)
    path = api(cpts, f"/pathway-inclusions/{inclusion.pk}/plans")
    assert api_client.get(path, **headers).status_code == 200
    assert post(api_client, path, headers, plan_body()).status_code == 403


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"next_review_on": TODAY.isoformat()}, "next_review_on"),
        ({"assessment": {"mood": "bon"}}, "assessment"),
    ],
)
def test_a_refused_ppcs_names_its_field(api_client, cpts, member, inclusion, token_headers, changes, field):
    response = post(
        api_client, api(cpts, f"/pathway-inclusions/{inclusion.pk}/plans"), token_headers(member), plan_body(**changes)
    )
    assert response.status_code == 422
    assert loc_of(response) == [field]
    assert not CarePlan.objects.exists()


def test_no_ppcs_on_a_closed_inclusion(api_client, cpts, member, inclusion, token_headers):
    inclusion.close(by=member, reason="completed")
    response = post(
        api_client, api(cpts, f"/pathway-inclusions/{inclusion.pk}/plans"), token_headers(member), plan_body()
    )
    assert response.status_code == 409


def test_the_ppcs_pdf_is_a_journaled_download_named_without_the_patient(
    api_client, cpts, member, inclusion, token_headers
):
    plan = CarePlanFactory(inclusion=inclusion)
    CarePlanActionFactory(plan=plan)
    response = api_client.get(api(cpts, f"/plans/{plan.pk}/pdf"), **token_headers(member))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"ppcs-inclusion-{inclusion.pk}-v1.pdf" in response["Content-Disposition"]
    assert "Martin" not in response["Content-Disposition"]
    assert reads_of(inclusion).get(note="PPCS en PDF (API)")


def test_the_pdf_of_an_invisible_plan_answers_404(api_client, cpts, member, token_headers):
    plan = CarePlanFactory(inclusion=InclusionFactory(cpts=cpts))
    assert api_client.get(api(cpts, f"/plans/{plan.pk}/pdf"), **token_headers(member)).status_code == 404


# --- Hospital stays ------------------------------------------------------------------------


def test_a_team_member_records_a_stay_then_its_discharge(api_client, cpts, nurse, lead, inclusion, token_headers):
    headers = token_headers(nurse.professional.user)
    path = api(cpts, f"/pathway-inclusions/{inclusion.pk}/hospital-stays")
    created = post(api_client, path, headers, {"admitted_on": (TODAY - days(3)).isoformat()})
    assert created.status_code == 201, created.content
    assert created.json()["visit"] is None
    stay_id = created.json()["id"]
    discharge = api(cpts, f"/hospital-stays/{stay_id}/discharge")
    before = post(api_client, discharge, headers, {"discharged_on": (TODAY - days(5)).isoformat()})
    assert loc_of(before) == ["discharged_on"]
    done = post(api_client, discharge, headers, {"discharged_on": TODAY.isoformat()})
    assert done.status_code == 200
    assert done.json()["visit"]["due_on"] == (TODAY + days(7)).isoformat()
    assert CareTask.objects.get(stay_id=stay_id).assignee == lead
    assert post(api_client, discharge, headers, {"discharged_on": TODAY.isoformat()}).status_code == 409
    listed = api_client.get(path, **headers).json()
    assert listed["count"] == 1
    assert listed["items"][0]["discharged_on"] == TODAY.isoformat()


def test_a_stay_in_the_future_names_its_field(api_client, cpts, member, inclusion, token_headers):
    path = api(cpts, f"/pathway-inclusions/{inclusion.pk}/hospital-stays")
    response = post(api_client, path, token_headers(member), {"admitted_on": (TODAY + days(2)).isoformat()})
    assert loc_of(response) == ["admitted_on"]
    assert not HospitalStay.objects.exists()


def test_no_stay_on_a_closed_inclusion(api_client, cpts, member, inclusion, token_headers):
    stay = HospitalStayFactory(inclusion=inclusion, discharged_on=None)
    inclusion.close(by=member, reason="completed")
    headers = token_headers(member)
    path = api(cpts, f"/pathway-inclusions/{inclusion.pk}/hospital-stays")
    assert post(api_client, path, headers, {"admitted_on": TODAY.isoformat()}).status_code == 409
    discharge = api(cpts, f"/hospital-stays/{stay.pk}/discharge")
    assert post(api_client, discharge, headers, {"discharged_on": TODAY.isoformat()}).status_code == 409


# --- Timeline ------------------------------------------------------------------------------


def test_the_timeline_holds_the_whole_path_by_date(api_client, cpts, member, inclusion, token_headers):
    inclusion.included_on = TODAY - days(60)
    inclusion.save()
    CareTaskFactory(
        inclusion=inclusion, due_on=TODAY - days(40), status=CareTaskStatus.DONE, done_on=TODAY - days(41), outcome="ok"
    )
    CareTaskFactory(inclusion=inclusion, due_on=TODAY - days(20), late_from=TODAY - days(13))
    CarePlanFactory(inclusion=inclusion, written_at=timezone.now() - days(30))
    HospitalStayFactory(inclusion=inclusion)
    CareBreakFactory(inclusion=inclusion, detected_on=TODAY - days(2))
    body = api_client.get(api(cpts, f"/pathway-inclusions/{inclusion.pk}/timeline"), **token_headers(member)).json()
    kinds = [item["kind"] for item in body["items"]]
    assert kinds == ["included", "task_done", "plan", "task_late", "stay_admitted", "stay_discharged", "break"]
    days_listed = [item["on"] for item in body["items"]]
    assert days_listed == sorted(days_listed)
    assert body["count"] == 7
    assert reads_of(inclusion).get(note="parcours (API)")


def test_the_timeline_ends_with_the_closing(api_client, cpts, member, inclusion, token_headers):
    inclusion.close(by=member, reason="moved")
    body = api_client.get(api(cpts, f"/pathway-inclusions/{inclusion.pk}/timeline"), **token_headers(member)).json()
    assert body["items"][-1]["kind"] == "closed"
    assert body["items"][-1]["title"] == "Patient parti du territoire"


def test_the_timeline_of_an_invisible_inclusion_answers_404(api_client, cpts, member, token_headers):
    theirs = InclusionFactory(cpts=cpts)
    response = api_client.get(api(cpts, f"/pathway-inclusions/{theirs.pk}/timeline"), **token_headers(member))
    assert response.status_code == 404
    assert not reads_of(theirs).exists()
