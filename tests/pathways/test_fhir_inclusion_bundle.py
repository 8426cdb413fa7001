"""The FHIR export of an inclusion (GET …/pathway-inclusions/{id}/fhir, maillon/fhir/careplan.py):
a `collection` Bundle the `fhir.resources` R4B models parse, with urn:uuid fullUrls and
references, the « Cercle de soins » CareTeam, the INS only for a qualified identity, the
CarePlan's activities from the current PPCS (the programme's steps until there is one)."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle

from maillon.core.models import JournalEntry
from maillon.fhir.careplan import CDS_CARETEAM_PROFILE, INS_NIR_SYSTEM
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.pathways import services
from maillon.pathways.factories import (
    CarePlanActionFactory,
    CarePlanFactory,
    CareTeamMemberFactory,
    InclusionFactory,
)
from maillon.pathways.models import ActionKind, InsStatus

pytestmark = pytest.mark.django_db

VALID_NIR = "255081416802538"
RPPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"


@pytest.fixture
def inclusion(cpts, member):
    lead = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=member, rpps="10100901734"))
    programme = services.create_from_template(cpts, "elderly_home")
    made = InclusionFactory(cpts=cpts, programme=programme, lead=lead, phone="0612345678")
    CareTeamMemberFactory(inclusion=made, membership=lead, role="Référent")
    CareTeamMemberFactory(inclusion=made, carer=True, role="Aidante")
    return made


def export(client, cpts, inclusion, headers):
    return client.get(f"/api/v1/cpts/{cpts.pk}/pathway-inclusions/{inclusion.pk}/fhir", **headers)


def resources_of(body) -> dict:
    by_type = {}
    for entry in body["entry"]:
        by_type.setdefault(entry["resource"]["resourceType"], []).append(entry)
    return by_type


def test_the_export_is_a_collection_bundle_that_fhir_resources_parses(
    api_client, cpts, member, inclusion, token_headers
):
    response = export(api_client, cpts, inclusion, token_headers(member))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.type == "collection"
    body = json.loads(response.content)
    by_type = resources_of(body)
    assert {name: len(entries) for name, entries in by_type.items()} == {
        "Patient": 1,
        "CarePlan": 1,
        "CareTeam": 1,
        "PractitionerRole": 1,
        "RelatedPerson": 1,
    }
    assert all(entry["fullUrl"].startswith("urn:uuid:") for entry in body["entry"])


def test_every_reference_points_to_an_entry_of_the_bundle(api_client, cpts, member, inclusion, token_headers):
    body = export(api_client, cpts, inclusion, token_headers(member)).json()
    urls = {entry["fullUrl"] for entry in body["entry"]}
    by_type = resources_of(body)
    patient_url = by_type["Patient"][0]["fullUrl"]
    plan = by_type["CarePlan"][0]["resource"]
    team = by_type["CareTeam"][0]["resource"]
    assert plan["subject"]["reference"] == team["subject"]["reference"] == patient_url
    assert plan["careTeam"][0]["reference"] == by_type["CareTeam"][0]["fullUrl"]
    members = [participant["member"]["reference"] for participant in team["participant"]]
    assert set(members) <= urls
    assert by_type["RelatedPerson"][0]["resource"]["patient"]["reference"] == patient_url


def test_the_care_team_has_the_cercle_de_soins_profile_and_its_required_elements(
    api_client, cpts, member, inclusion, token_headers
):
    body = export(api_client, cpts, inclusion, token_headers(member)).json()
    team = resources_of(body)["CareTeam"][0]["resource"]
    assert team["meta"]["profile"] == [CDS_CARETEAM_PROFILE]
    assert team["identifier"][0]["value"] == str(inclusion.pk)
    assert team["status"] == "active"
    assert team["period"]["start"] == inclusion.included_on.isoformat()
    assert len(team["participant"]) == 2
    for participant in team["participant"]:
        assert participant["member"]["reference"].startswith("urn:uuid:")
        assert participant["period"]["start"] == inclusion.included_on.isoformat()


def test_the_practitioner_role_carries_the_rpps(api_client, cpts, member, inclusion, token_headers):
    body = export(api_client, cpts, inclusion, token_headers(member)).json()
    role = resources_of(body)["PractitionerRole"][0]["resource"]
    identifier = role["practitioner"]["identifier"]
    assert (identifier["system"], identifier["value"]) == (RPPS_SYSTEM, "810100901734")


def test_the_care_plan_has_one_planned_activity_per_step(api_client, cpts, member, inclusion, token_headers):
    body = export(api_client, cpts, inclusion, token_headers(member)).json()
    plan = resources_of(body)["CarePlan"][0]["resource"]
    assert (plan["status"], plan["intent"]) == ("active", "plan")
    assert len(plan["activity"]) == inclusion.programme.steps.count() == 5
    first = plan["activity"][0]["detail"]
    assert first["status"] == "not-started"
    assert first["description"].startswith("Évaluation gériatrique à domicile")
    assert "scheduledTiming" in plan["activity"][3]["detail"]  # the recurring nurse visit


def test_a_closed_inclusion_exports_a_completed_plan_and_an_inactive_team(
    api_client, cpts, member, inclusion, token_headers
):
    inclusion.close(by=member, reason="completed")
    body = export(api_client, cpts, inclusion, token_headers(member)).json()
    by_type = resources_of(body)
    assert by_type["CarePlan"][0]["resource"]["status"] == "completed"
    assert by_type["CareTeam"][0]["resource"]["status"] == "inactive"


@pytest.mark.parametrize(
    ("qualification", "shared"),
    [
        (InsStatus.QUALIFIED, True),
        (InsStatus.RETRIEVED, False),
        (InsStatus.VALIDATED, False),
        (InsStatus.PROVISIONAL, False),
    ],
)
def test_the_ins_is_sent_only_for_a_qualified_identity(
    api_client, cpts, member, inclusion, token_headers, qualification, shared
):
    inclusion.ins_number = VALID_NIR
    inclusion.identity_qualification = qualification
    inclusion.save()
    body = export(api_client, cpts, inclusion, token_headers(member)).json()
    patient = resources_of(body)["Patient"][0]["resource"]
    systems = [identifier["system"] for identifier in patient.get("identifier", [])]
    assert (INS_NIR_SYSTEM in systems) is shared
    if shared:
        assert patient["identifier"][0]["value"] == VALID_NIR
    assert VALID_NIR.encode() not in json.dumps(body).encode() or shared


def test_the_export_is_journaled(api_client, cpts, member, inclusion, token_headers):
    export(api_client, cpts, inclusion, token_headers(member))
    entry = JournalEntry.objects.get(action="read", object_type="pathways.Inclusion", object_id=str(inclusion.pk))
    assert entry.actor_id == member.pk
    assert entry.note == "export FHIR (API)"


def test_an_invisible_inclusion_answers_404_like_a_missing_one(api_client, cpts, member, token_headers):
    theirs = InclusionFactory(cpts=cpts)
    headers = token_headers(member)
    response = export(api_client, cpts, theirs, headers)
    missing = api_client.get(f"/api/v1/cpts/{cpts.pk}/pathway-inclusions/{theirs.pk + 1000}/fhir", **headers)
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()
    assert not JournalEntry.objects.filter(object_type="pathways.Inclusion", action="read").exists()


def test_the_export_runs_as_many_queries_with_a_large_team(api_client, cpts, coordinator, inclusion, token_headers):
    headers = token_headers(coordinator)
    export(api_client, cpts, inclusion, headers)
    with CaptureQueriesContext(connection) as few:
        export(api_client, cpts, inclusion, headers)
    CareTeamMemberFactory.create_batch(10, inclusion=inclusion)
    CareTeamMemberFactory.create_batch(5, inclusion=inclusion, carer=True)
    with CaptureQueriesContext(connection) as many:
        body = export(api_client, cpts, inclusion, headers).json()
    assert len(resources_of(body)["CareTeam"][0]["resource"]["participant"]) == 17
    assert len(many) == len(few)


# --- The PPCS as the CarePlan's activities -----------------------------------------------------


@pytest.fixture
def ppcs(inclusion):
    """A first version, then the current one: three actions, one owned by the carer's role."""
    CarePlanActionFactory(plan=CarePlanFactory(inclusion=inclusion, version=1), description="Ancienne action")
    plan = CarePlanFactory(inclusion=inclusion, version=2, next_review_on=datetime.date(2031, 3, 15))
    CarePlanActionFactory(plan=plan, kind=ActionKind.CARE, description="Pansement", owner="Aidante")
    CarePlanActionFactory(
        plan=plan,
        kind=ActionKind.PREVENTION,
        description="Vaccin grippe",
        owner="Pharmacie du centre",
        due_on=datetime.date(2030, 11, 1),
    )
    CarePlanActionFactory(plan=plan, kind=ActionKind.SOCIAL, description="Dossier APA", owner="aidant du patient")
    return plan


def test_the_care_plan_has_one_activity_per_action_of_the_current_ppcs(
    api_client, cpts, member, inclusion, ppcs, token_headers
):
    response = export(api_client, cpts, inclusion, token_headers(member))
    Bundle.model_validate_json(response.content)
    by_type = resources_of(response.json())
    plan = by_type["CarePlan"][0]["resource"]
    assert plan["period"]["start"] == inclusion.included_on.isoformat()
    assert plan["category"][0]["coding"][0]["code"] == "ppcs"
    details = [activity["detail"] for activity in plan["activity"]]
    assert [detail["description"] for detail in details] == ["Pansement", "Vaccin grippe", "Dossier APA"]
    assert all(detail["kind"] == "Task" and detail["status"] == "not-started" for detail in details)
    assert [detail["code"]["coding"][0]["code"] for detail in details] == ["care", "prevention", "social"]
    carer_url = by_type["RelatedPerson"][0]["fullUrl"]
    assert details[0]["performer"][0]["reference"] == carer_url  # the owner is the carer's role
    assert details[2]["performer"][0]["reference"] == carer_url  # … or their name, in any case
    assert details[1]["performer"][0] == {"display": "Pharmacie du centre"}
    assert details[1]["scheduledPeriod"]["end"] == "2030-11-01"
    assert "15/03/2031" in details[0]["scheduledString"]


def test_without_a_ppcs_the_activities_are_the_programme_steps(api_client, cpts, member, inclusion, token_headers):
    plan = resources_of(export(api_client, cpts, inclusion, token_headers(member)).json())["CarePlan"][0]["resource"]
    assert "category" not in plan
    assert len(plan["activity"]) == inclusion.programme.steps.count()


def test_the_export_runs_as_many_queries_with_many_actions(
    api_client, cpts, coordinator, inclusion, ppcs, token_headers
):
    headers = token_headers(coordinator)
    export(api_client, cpts, inclusion, headers)
    with CaptureQueriesContext(connection) as few:
        export(api_client, cpts, inclusion, headers)
    CarePlanActionFactory.create_batch(12, plan=ppcs)
    with CaptureQueriesContext(connection) as many:
        body = export(api_client, cpts, inclusion, headers).json()
    assert len(resources_of(body)["CarePlan"][0]["resource"]["activity"]) == 15
    assert len(many) == len(few)
