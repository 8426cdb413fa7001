"""The missions of an adhesion in the members API: detail, create, update, list filter."""

import pytest

from maillon.members.factories import MembershipFactory, MissionParticipationFactory, ProfessionalFactory
from maillon.members.models import Involvement, MissionParticipation

pytestmark = pytest.mark.django_db


def url(cpts, membership_id=None):
    base = f"/api/v1/cpts/{cpts.pk}/members"
    return f"{base}/{membership_id}" if membership_id else base


@pytest.fixture
def headers(token_headers, coordinator):
    return token_headers(coordinator)


def missions(membership_id):
    return sorted(MissionParticipation.objects.filter(membership_id=membership_id).values_list("mission", flat=True))


def in_missions(cpts, last_name, *numbers, involvement=Involvement.MISSION):
    membership = MembershipFactory(
        cpts=cpts, involvement=involvement, professional=ProfessionalFactory(last_name=last_name)
    )
    for number in numbers:
        MissionParticipationFactory(membership=membership, mission=number)
    return membership


def test_the_detail_lists_the_mission_numbers(api_client, cpts, headers):
    membership = in_missions(cpts, "Martin", 3, 1)

    body = api_client.get(url(cpts, membership.pk), **headers).json()

    assert body["missions"] == [1, 3]


def test_the_list_filters_by_mission(api_client, cpts, headers):
    in_missions(cpts, "Alpha", 1)
    in_missions(cpts, "Bravo", 2, 3)
    in_missions(cpts, "Charlie")

    one = api_client.get(url(cpts), {"mission": 3}, **headers).json()
    either = api_client.get(url(cpts) + "?mission=1&mission=3", **headers).json()
    bad = api_client.get(url(cpts), {"mission": 7}, **headers)

    assert [item["professional"]["last_name"] for item in one["items"]] == ["Bravo"]
    assert sorted(item["professional"]["last_name"] for item in either["items"]) == ["Alpha", "Bravo"]
    assert bad.status_code == 422
    assert "mission : « 7 » n'est pas une mission" in bad.json()["detail"][0]["msg"]


def test_create_with_missions_implies_taking_part_in_a_mission(api_client, cpts, headers):
    body = {"first_name": "Éric", "last_name": "Durand", "profession": "70", "rpps": "10002909371", "missions": [5, 2]}

    response = api_client.post(url(cpts), body, content_type="application/json", **headers)

    assert response.status_code == 201
    created = response.json()
    assert (created["involvement"], created["missions"]) == ("mission", [2, 5])
    assert missions(created["id"]) == [2, 5]


def test_create_with_a_bad_mission_is_a_422_naming_the_field_and_writes_nothing(api_client, cpts, headers):
    body = {"first_name": "Éric", "last_name": "Durand", "profession": "70", "rpps": "10002909371", "missions": [9]}

    response = api_client.post(url(cpts), body, content_type="application/json", **headers)

    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == "missions" and detail["msg"].startswith("Missions : ")
    assert not MissionParticipation.objects.exists()


def test_update_replaces_the_missions(api_client, cpts, headers):
    membership = in_missions(cpts, "Martin", 1)

    response = api_client.patch(
        url(cpts, membership.pk), {"missions": [4, 6]}, content_type="application/json", **headers
    )

    assert response.status_code == 200
    assert response.json()["missions"] == [4, 6]
    assert missions(membership.pk) == [4, 6]


def test_a_mailing_list_adherent_cannot_keep_missions(api_client, cpts, headers):
    membership = in_missions(cpts, "Martin", 1)

    response = api_client.patch(
        url(cpts, membership.pk), {"involvement": "mailing_list"}, content_type="application/json", **headers
    )
    cleared = api_client.patch(
        url(cpts, membership.pk),
        {"involvement": "mailing_list", "missions": []},
        content_type="application/json",
        **headers,
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "missions"
    assert cleared.status_code == 200
    assert (cleared.json()["involvement"], cleared.json()["missions"]) == ("mailing_list", [])


def test_a_member_cannot_change_missions(api_client, cpts, member, token_headers):
    membership = in_missions(cpts, "Martin", 1)

    response = api_client.patch(
        url(cpts, membership.pk), {"missions": [2]}, content_type="application/json", **token_headers(member)
    )

    assert response.status_code == 403
    assert missions(membership.pk) == [1]


def test_a_structure_is_created_with_its_missions(api_client, cpts, headers):
    from maillon.members.factories import finess_number

    body = {"name": "MSP des Tilleuls", "kind": "msp", "finess": finess_number(3), "commune": "78646", "missions": [1]}

    response = api_client.post(f"/api/v1/cpts/{cpts.pk}/structures", body, content_type="application/json", **headers)

    assert response.status_code == 201
    assert (response.json()["membership"]["involvement"], response.json()["missions"]) == ("mission", [1])
