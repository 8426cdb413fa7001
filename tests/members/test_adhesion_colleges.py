"""The collèges of a CPTS: create, rename, seats and order; delete only when unused."""

import pytest
from django.urls import reverse

from maillon.members.factories import CollegeFactory, MembershipFactory
from maillon.members.models import College
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def colleges_url(cpts):
    return reverse("members_colleges", args=[cpts.slug])


@pytest.fixture
def coordinator_client(coordinator):
    return verified_client(coordinator)


def create(client, cpts, name, seats=2, position=1):
    return client.post(
        colleges_url(cpts), {"action": "create", "new-name": name, "new-seats": seats, "new-position": position}
    )


def update(client, cpts, college, **fields):
    data = {"name": college.name, "seats": college.seats, "position": college.position, **fields}
    posted = {f"c{college.pk}-{key}": value for key, value in data.items()}
    return client.post(colleges_url(cpts), {"action": "update", "college": college.pk, **posted})


def test_the_coordinator_creates_a_college_with_seats_and_order(coordinator_client, cpts):
    response = create(coordinator_client, cpts, "  Usagers  ", seats=2, position=5)

    assert response.status_code == 302
    college = College.objects.get(cpts=cpts)
    assert (college.name, college.seats, college.position) == ("Usagers", 2, 5)


def test_a_college_name_is_unique_in_its_cpts_only(coordinator_client, cpts, other_cpts):
    CollegeFactory(cpts=cpts, name="Médecins")
    CollegeFactory(cpts=other_cpts, name="Pharmaciens")

    duplicate = create(coordinator_client, cpts, "médecins")
    elsewhere = create(coordinator_client, cpts, "Pharmaciens")

    assert "Nom du collège : un collège « médecins » existe déjà dans cette CPTS." in duplicate.content.decode()
    assert elsewhere.status_code == 302
    assert College.objects.filter(cpts=cpts).count() == 2


def test_the_coordinator_renames_and_reorders_a_college(coordinator_client, cpts):
    college = CollegeFactory(cpts=cpts, name="Paramedicaux", seats=1)

    update(coordinator_client, cpts, college, name="Paramédicaux", seats=4, position=2)

    college.refresh_from_db()
    assert (college.name, college.seats, college.position) == ("Paramédicaux", 4, 2)


def test_renaming_onto_another_college_is_refused(coordinator_client, cpts):
    CollegeFactory(cpts=cpts, name="Médecins")
    college = CollegeFactory(cpts=cpts, name="Usagers")

    response = update(coordinator_client, cpts, college, name="Médecins")

    assert "existe déjà dans cette CPTS" in response.content.decode()
    college.refresh_from_db()
    assert college.name == "Usagers"


def test_wrong_numbers_are_refused_naming_the_field(coordinator_client, cpts):
    response = create(coordinator_client, cpts, "Usagers", seats=-1)

    assert "Sièges au conseil d&#x27;administration : la valeur doit être au moins 0." in response.content.decode()
    assert not College.objects.exists()


def test_an_unused_college_is_deleted(coordinator_client, cpts):
    college = CollegeFactory(cpts=cpts, name="Usagers")

    response = coordinator_client.post(colleges_url(cpts), {"action": "delete", "college": college.pk}, follow=True)

    assert not College.objects.exists()
    assert "Collège « Usagers » supprimé." in response.content.decode()


def test_a_college_with_adhesions_is_not_deleted(coordinator_client, cpts):
    college = CollegeFactory(cpts=cpts, name="Médecins")
    MembershipFactory(cpts=cpts, college=college, status="left")

    response = coordinator_client.post(colleges_url(cpts), {"action": "delete", "college": college.pk}, follow=True)

    assert College.objects.filter(pk=college.pk).exists()
    assert "Le collège « Médecins » ne peut pas être supprimé : 1 adhésion(s)" in response.content.decode()


def test_a_college_of_another_cpts_answers_404(coordinator_client, cpts, other_cpts):
    foreign = CollegeFactory(cpts=other_cpts, name="Usagers")

    deleted = coordinator_client.post(colleges_url(cpts), {"action": "delete", "college": foreign.pk})
    renamed = update(coordinator_client, cpts, foreign, name="Volé")

    assert (deleted.status_code, renamed.status_code) == (404, 404)
    foreign.refresh_from_db()
    assert foreign.name == "Usagers"


def test_the_page_lists_colleges_with_their_adhesions(coordinator_client, cpts):
    college = CollegeFactory(cpts=cpts, name="Médecins", seats=3)
    MembershipFactory(cpts=cpts, college=college)

    page = coordinator_client.get(colleges_url(cpts)).content.decode()

    assert "Médecins" in page and "3 sièges" in page and "1 adhésion en cours" in page


def test_a_member_gets_404(cpts, member):
    assert verified_client(member).get(colleges_url(cpts)).status_code == 404
    assert create(verified_client(member), cpts, "Intrus").status_code == 404
