"""The API of the inclusions (maillon/api/pathways.py): the pinned list, including a patient,
the detail, closing, the care team — each with its refusals (404 for what the caller may not
see, 403 for what they see but may not change, 422 naming the field, 409 for the state) — and
the journal of every patient shown."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory
from maillon.core.models import JournalEntry
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.pathways.factories import CareTeamMemberFactory, InclusionFactory, ProgrammeFactory
from maillon.pathways.models import CareTeamMember, Inclusion, InclusionStatus

pytestmark = pytest.mark.django_db


def adhesion_of(user, cpts):
    """The user's professional card and active adhesion in `cpts`."""
    return MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=user))


@pytest.fixture
def lead(cpts, member):
    """The `member` user's adhesion: they lead the inclusions made with it."""
    return adhesion_of(member, cpts)


@pytest.fixture
def inclusion(cpts, lead):
    made = InclusionFactory(cpts=cpts, lead=lead, birth_name="Martin", first_given_name="Jeanne")
    CareTeamMemberFactory(inclusion=made, membership=lead, role="Référent")
    return made


def url(cpts, rest=""):
    return f"/api/v1/cpts/{cpts.pk}/pathway-inclusions{rest}"


def post(client, path, headers, body):
    return client.post(path, body, content_type="application/json", **headers)


def reads_of(inclusion):
    return JournalEntry.objects.filter(action="read", object_type="pathways.Inclusion", object_id=str(inclusion.pk))


# --- The list (pinned) ---------------------------------------------------------------------


def test_the_list_has_the_pinned_shape(api_client, cpts, coordinator, inclusion, lead, token_headers):
    response = api_client.get(url(cpts), **token_headers(coordinator))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert {"id", "programme", "status", "included_on", "lead", "patient"} <= set(item)
    assert item["id"] == inclusion.pk
    assert item["programme"] == {
        "id": inclusion.programme_id,
        "name": inclusion.programme.name,
        "version": inclusion.programme.version,
    }
    assert item["status"] == "active"
    assert item["included_on"] == inclusion.included_on.isoformat()
    assert item["lead"] == {"id": lead.pk, "name": str(lead.professional)}
    assert item["patient"] == {"display_name": "MARTIN Jeanne", "birth_date": "1945-03-12"}


def test_every_listed_patient_is_journaled(api_client, cpts, coordinator, inclusion, token_headers):
    other = InclusionFactory(cpts=cpts)
    api_client.get(url(cpts), **token_headers(coordinator))
    for shown in (inclusion, other):
        entry = reads_of(shown).get()
        assert entry.actor_id == coordinator.pk
        assert "birth_name" in entry.fields
        assert entry.cpts_id == cpts.pk


def test_a_member_lists_only_what_they_lead_or_are_in_the_team_of(
    api_client, cpts, member, inclusion, lead, token_headers
):
    InclusionFactory(cpts=cpts)  # led by someone else
    in_team = InclusionFactory(cpts=cpts)
    CareTeamMemberFactory(inclusion=in_team, membership=lead)
    left = InclusionFactory(cpts=cpts)
    CareTeamMemberFactory(
        inclusion=left,
        membership=lead,
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    body = api_client.get(url(cpts), **token_headers(member)).json()
    assert {item["id"] for item in body["items"]} == {inclusion.pk, in_team.pk}
    assert body["count"] == 2


def test_the_list_filters_by_status_and_programme_and_pages(api_client, cpts, coordinator, inclusion, token_headers):
    closed = InclusionFactory(cpts=cpts, status=InclusionStatus.CLOSED, closed_on=timezone.localdate())
    headers = token_headers(coordinator)
    assert [i["id"] for i in api_client.get(url(cpts), {"status": "closed"}, **headers).json()["items"]] == [closed.pk]
    by_programme = api_client.get(url(cpts), {"programme": inclusion.programme_id}, **headers).json()
    assert [i["id"] for i in by_programme["items"]] == [inclusion.pk]
    page = api_client.get(url(cpts), {"page": 2, "page_size": 1}, **headers).json()
    assert (page["count"], len(page["items"])) == (2, 1)


def test_the_list_runs_as_many_queries_with_30_rows_as_with_3(api_client, cpts, coordinator, token_headers):
    headers = token_headers(coordinator)
    InclusionFactory.create_batch(3, cpts=cpts)
    api_client.get(url(cpts), **headers)
    with CaptureQueriesContext(connection) as few:
        assert api_client.get(url(cpts), **headers).status_code == 200
    InclusionFactory.create_batch(27, cpts=cpts)
    with CaptureQueriesContext(connection) as many:
        body = api_client.get(url(cpts), {"page_size": 100}, **headers).json()
    assert body["count"] == 30
    assert len(many) == len(few)


def test_without_a_role_in_the_cpts_the_list_answers_404(api_client, cpts, other_cpts, inclusion, token_headers):
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True).user
    response = api_client.get(url(cpts), **token_headers(outsider))
    assert response.status_code == 404
    assert response.json() == {"detail": "CPTS introuvable."}


# --- The detail ----------------------------------------------------------------------------


def test_the_detail_gives_the_patient_the_consent_and_the_team_and_is_journaled(
    api_client, cpts, member, inclusion, lead, token_headers
):
    CareTeamMemberFactory(inclusion=inclusion, carer=True)
    response = api_client.get(url(cpts, f"/{inclusion.pk}"), **token_headers(member))
    assert response.status_code == 200
    body = response.json()
    assert body["patient"]["birth_name"] == "Martin"
    assert body["consent"]["mode"]["code"] == "oral"
    assert body["can_edit"] is True
    assert [(m["membership_id"], m["is_lead"]) for m in body["care_team"]] == [(lead.pk, True), (None, False)]
    assert body["care_team"][1]["relationship"]["code"] == "family_carer"
    entry = reads_of(inclusion).get()
    assert entry.actor_id == member.pk
    assert "ins_number" in entry.fields


def test_an_inclusion_the_member_is_not_part_of_answers_404_like_a_missing_one(
    api_client, cpts, member, lead, token_headers
):
    theirs = InclusionFactory(cpts=cpts)
    headers = token_headers(member)
    response = api_client.get(url(cpts, f"/{theirs.pk}"), **headers)
    missing = api_client.get(url(cpts, f"/{theirs.pk + 1000}"), **headers)
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json() == {"detail": "Inclusion introuvable."}
    assert not reads_of(theirs).exists()


def test_an_inclusion_of_another_cpts_answers_404(api_client, cpts, other_cpts, coordinator, token_headers):
    theirs = InclusionFactory(cpts=other_cpts)
    response = api_client.get(url(cpts, f"/{theirs.pk}"), **token_headers(coordinator))
    assert response.status_code == 404
    assert response.json() == {"detail": "Inclusion introuvable."}


# --- Including a patient -------------------------------------------------------------------


def inclusion_body(programme, lead, **changes):
    return {
        "programme": programme.pk,
        "lead": lead.pk,
        "birth_name": "Durand",
        "given_names": "Lucie Anne",
        "first_given_name": "Lucie",
        "sex": "F",
        "birth_date": "1988-04-02",
        "consent_on": timezone.localdate().isoformat(),
        "consent_mode": "written",
    } | changes


def test_a_member_includes_a_patient_with_a_care_team(api_client, cpts, member, lead, token_headers):
    programme = ProgrammeFactory(cpts=cpts)
    nurse = MembershipFactory(cpts=cpts, professional__nurse=True)
    team = [
        {"membership": nurse.pk, "role": "Infirmière à domicile"},
        {"name": "Paul Durand", "relationship": "family_carer", "contact": "06 12 34 56 78"},
    ]
    response = post(api_client, url(cpts), token_headers(member), inclusion_body(programme, lead, team=team))
    assert response.status_code == 201, response.content
    body = response.json()
    inclusion = Inclusion.objects.get(pk=body["id"])
    assert (inclusion.lead, inclusion.consent_recorded_by, inclusion.consent_mode) == (lead, member, "written")
    assert [m["name"] for m in body["care_team"]] == [str(lead.professional), str(nurse.professional), "Paul Durand"]
    assert body["care_team"][0]["is_lead"] is True
    assert CareTeamMember.objects.filter(inclusion=inclusion).count() == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"identity_qualification": "qualified"}, "ins_number"),
        ({"ins_number": "123"}, "ins_number"),
        ({"team": [{"name": "Sans lien"}]}, "team"),
        ({"team": [{"membership": 999999}]}, "team"),
    ],
)
def test_a_refused_inclusion_is_a_422_naming_the_field(api_client, cpts, member, lead, token_headers, changes, field):
    programme = ProgrammeFactory(cpts=cpts)
    response = post(api_client, url(cpts), token_headers(member), inclusion_body(programme, lead, **changes))
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == ["body", "payload", field]
    assert not Inclusion.objects.exists()


def test_a_programme_or_a_lead_of_another_cpts_is_a_422(api_client, cpts, other_cpts, member, lead, token_headers):
    headers = token_headers(member)
    theirs = ProgrammeFactory(cpts=other_cpts)
    response = post(api_client, url(cpts), headers, inclusion_body(theirs, lead))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "payload", "programme"],
            "msg": "Programme : choisissez un programme en vigueur de cette CPTS.",
        }
    ]
    response = post(api_client, url(cpts), headers, inclusion_body(ProgrammeFactory(cpts=cpts), MembershipFactory()))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "lead"]
    assert response.json()["detail"][0]["msg"].startswith("Référent : ")


# --- Closing -------------------------------------------------------------------------------


def test_the_lead_closes_an_inclusion_and_a_second_closing_is_a_409(api_client, cpts, member, inclusion, token_headers):
    headers = token_headers(member)
    response = post(api_client, url(cpts, f"/{inclusion.pk}/close"), headers, {"reason": "consent_withdrawn"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["close_reason"]["code"]) == ("closed", "consent_withdrawn")
    assert body["consent"]["withdrawn_on"] == timezone.localdate().isoformat()
    again = post(api_client, url(cpts, f"/{inclusion.pk}/close"), headers, {"reason": "completed"})
    assert again.status_code == 409
    assert again.json()["status"] == "closed"


def test_a_team_member_who_is_not_the_lead_may_not_close(api_client, cpts, inclusion, token_headers):
    nurse_user = CptsRoleFactory(cpts=cpts).user
    CareTeamMemberFactory(inclusion=inclusion, membership=adhesion_of(nurse_user, cpts))
    response = post(api_client, url(cpts, f"/{inclusion.pk}/close"), token_headers(nurse_user), {"reason": "completed"})
    assert response.status_code == 403
    inclusion.refresh_from_db()
    assert inclusion.status == InclusionStatus.ACTIVE


def test_an_unknown_reason_is_a_422_naming_the_field(api_client, cpts, coordinator, inclusion, token_headers):
    response = post(api_client, url(cpts, f"/{inclusion.pk}/close"), token_headers(coordinator), {"reason": "bored"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "reason"


def test_closing_an_invisible_inclusion_answers_404(api_client, cpts, member, lead, token_headers):
    theirs = InclusionFactory(cpts=cpts)
    response = post(api_client, url(cpts, f"/{theirs.pk}/close"), token_headers(member), {"reason": "completed"})
    assert response.status_code == 404


# --- Care team -----------------------------------------------------------------------------


def test_the_care_team_is_listed_with_its_periods_and_journaled(
    api_client, cpts, member, inclusion, lead, token_headers
):
    CareTeamMemberFactory(
        inclusion=inclusion,
        starts_on=inclusion.included_on,
        ends_on=inclusion.included_on,
    )
    headers = token_headers(member)
    body = api_client.get(url(cpts, f"/{inclusion.pk}/care-team"), **headers).json()
    assert body["count"] == 2
    assert body["items"][1]["ends_on"] == inclusion.included_on.isoformat()
    assert any("care_team.contact" in entry.fields for entry in reads_of(inclusion))


def test_the_lead_adds_a_carer_and_ends_a_member(api_client, cpts, member, inclusion, token_headers):
    headers = token_headers(member)
    response = post(
        api_client,
        url(cpts, f"/{inclusion.pk}/care-team"),
        headers,
        {"name": "Marc Martin", "relationship": "family_carer", "contact": "marc@example.org", "role": "Aidant"},
    )
    assert response.status_code == 201, response.content
    added = response.json()
    assert (added["membership_id"], added["relationship"]["code"]) == (None, "family_carer")
    ended = post(api_client, url(cpts, f"/{inclusion.pk}/care-team/{added['id']}/end"), headers, {})
    assert ended.status_code == 200, ended.content
    assert ended.json()["ends_on"] == timezone.localdate().isoformat()
    again = post(api_client, url(cpts, f"/{inclusion.pk}/care-team/{added['id']}/end"), headers, {})
    assert again.status_code == 409


def test_a_person_outside_the_cpts_needs_a_relationship(api_client, cpts, member, inclusion, token_headers):
    response = post(api_client, url(cpts, f"/{inclusion.pk}/care-team"), token_headers(member), {"name": "Quelqu'un"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "relationship"]
    assert response.json()["detail"][0]["msg"].startswith("Lien : ")


def test_an_adherent_of_another_cpts_is_refused(api_client, cpts, other_cpts, member, inclusion, token_headers):
    theirs = MembershipFactory(cpts=other_cpts)
    response = post(
        api_client, url(cpts, f"/{inclusion.pk}/care-team"), token_headers(member), {"membership": theirs.pk}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "membership"]


def test_the_lead_cannot_leave_the_team(api_client, cpts, member, inclusion, lead, token_headers):
    own = inclusion.care_team.get(membership=lead)
    response = post(api_client, url(cpts, f"/{inclusion.pk}/care-team/{own.pk}/end"), token_headers(member), {})
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Équipe de soins : le référent reste")


def test_an_end_before_the_start_is_a_422_on_the_date(api_client, cpts, member, inclusion, token_headers):
    other = CareTeamMemberFactory(inclusion=inclusion)
    day_before = (other.starts_on - datetime.timedelta(days=1)).isoformat()
    response = post(
        api_client, url(cpts, f"/{inclusion.pk}/care-team/{other.pk}/end"), token_headers(member), {"on": day_before}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "on"]


def test_a_member_of_the_team_may_read_but_not_change_it(api_client, cpts, inclusion, token_headers):
    nurse_user = CptsRoleFactory(cpts=cpts).user
    CareTeamMemberFactory(inclusion=inclusion, membership=adhesion_of(nurse_user, cpts))
    headers = token_headers(nurse_user)
    assert api_client.get(url(cpts, f"/{inclusion.pk}/care-team"), **headers).status_code == 200
    response = post(
        api_client,
        url(cpts, f"/{inclusion.pk}/care-team"),
        headers,
        {"name": "X", "relationship": "other"},
    )
    assert response.status_code == 403


def test_adding_to_a_closed_inclusion_is_a_409(api_client, cpts, coordinator, inclusion, token_headers):
    inclusion.close(by=coordinator, reason="completed")
    response = post(
        api_client,
        url(cpts, f"/{inclusion.pk}/care-team"),
        token_headers(coordinator),
        {"name": "X", "relationship": "other"},
    )
    assert response.status_code == 409


def test_a_team_member_of_another_inclusion_answers_404(api_client, cpts, coordinator, inclusion, token_headers):
    elsewhere = CareTeamMemberFactory(inclusion=InclusionFactory(cpts=cpts))
    response = post(
        api_client, url(cpts, f"/{inclusion.pk}/care-team/{elsewhere.pk}/end"), token_headers(coordinator), {}
    )
    assert response.status_code == 404


def test_the_lead_moves_a_patient_to_the_version_in_force_and_a_second_move_is_a_409(
    api_client, cpts, member, inclusion, token_headers
):
    from maillon.pathways import services

    newer = services.new_version(inclusion.programme, name="Version révisée")
    headers = token_headers(member)
    response = post(api_client, url(cpts, f"/{inclusion.pk}/move"), headers, {})
    assert response.status_code == 200, response.content
    assert response.json()["programme"] == {"id": newer.pk, "name": "Version révisée", "version": 2}
    again = post(api_client, url(cpts, f"/{inclusion.pk}/move"), headers, {})
    assert again.status_code == 409
    assert "version en vigueur" in again.json()["detail"]
