"""The organisations in the API: the list for anyone signed in, the people of one for its
managers and the platform admin alone, the groups it hosts as far as the caller reads them."""

import pytest

from maillon.organisations.factories import OrganisationFactory, OrganisationPersonFactory
from maillon.territories.factories import RegionFactory

from .discussions_helpers import call, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(cpts):
    return world(cpts)


def test_anyone_signed_in_lists_the_organisations_with_their_scope(w):
    region = RegionFactory(code="11", name="Île-de-France")
    OrganisationFactory(name="ARS Île-de-France", kind="ars", region=region)
    response = call("get", "/organisations", w.headers("member"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    names = {item["name"]: item for item in body["items"]}
    assert names["ARS Île-de-France"]["region"] == {"code": "11", "name": "Île-de-France"}
    assert names["ARS Île-de-France"]["kind_label"] == "Agence régionale de santé (ARS)"
    assert names["URPS sages-femmes Île-de-France"]["scope_label"] == "France entière"
    assert names["URPS sages-femmes Île-de-France"]["managed"] is False


def test_the_list_filters_by_kind_and_by_the_ones_i_manage(w):
    OrganisationFactory(name="ARS Normandie", kind="ars")
    assert [
        item["name"] for item in call("get", "/organisations", w.headers("member"), kind="ars").json()["items"]
    ] == ["ARS Normandie"]
    mine = call("get", "/organisations", w.headers("manager"), mine="true").json()
    assert [item["name"] for item in mine["items"]] == ["URPS sages-femmes Île-de-France"]
    assert mine["items"][0]["managed"] is True


def test_an_unknown_kind_is_a_422(w):
    response = call("get", "/organisations", w.headers("member"), kind="club")
    assert response.status_code == 422


def test_the_people_of_an_organisation_go_to_its_managers_and_the_platform_admin_only(w):
    OrganisationPersonFactory(organisation=w.organisation, user__first_name="Paul", user__last_name="Membre")
    url = f"/organisations/{w.organisation.pk}"
    for role in ("manager", "admin"):
        body = call("get", url, w.headers(role)).json()
        people = {person["last_name"]: person for person in body["people"]}
        assert people["Membre"]["role"] == "member"
        assert any(person["role"] == "manager" for person in body["people"])
    for role in ("member", "pilot", "outsider", "authority"):
        response = call("get", url, w.headers(role))
        assert response.status_code == 200
        assert response.json()["people"] is None
        assert "Membre" not in response.content.decode()


def test_the_groups_hosted_are_named_to_those_who_read_them(w):
    url = f"/organisations/{w.organisation.pk}"
    assert [group["name"] for group in call("get", url, w.headers("pilot")).json()["groups"]] == [
        "Sages-femmes libérales et CPTS"
    ]
    assert call("get", url, w.headers("member")).json()["groups"] == []


def test_an_unknown_organisation_is_a_404(w):
    response = call("get", "/organisations/999999", w.headers("member"))
    assert response.status_code == 404
    assert response.json() == {"detail": "Organisation introuvable."}


@pytest.mark.parametrize("url", ["/organisations", "/organisations/1"])
def test_anonymous_callers_get_a_401(w, url):
    assert call("get", url).status_code == 401
