"""The platform admin creates an organisation and grants or withdraws its managers by e-mail;
nobody else may (404, as the administration's pages); managers and the admin see its people."""

import pytest
from django.urls import reverse

from maillon.organisations.models import Organisation, OrganisationPerson, OrganisationRole

from .conftest import person, verified_client

pytestmark = pytest.mark.django_db


def test_the_admin_creates_an_organisation_then_grants_a_manager(admin):
    client = verified_client(admin)
    assert client.get(reverse("home_admin")).content.decode().count(reverse("organisations_index"))
    response = client.post(reverse("organisations_new"), {"name": "URPS Infirmiers", "kind": "urps", "region": ""})
    organisation = Organisation.objects.get(name="URPS Infirmiers")
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations_organisation", args=[organisation.pk])
    assert organisation.scope_label == "France entière"

    future = person("Nora", "Gérante", email="nora@example.org")
    response = client.post(
        reverse("organisations_manager_grant", args=[organisation.pk]), {"email": "NORA@example.org"}
    )
    assert response.status_code == 302
    place = OrganisationPerson.objects.get(organisation=organisation, user=future)
    assert place.role == OrganisationRole.MANAGER
    page = client.get(reverse("organisations_organisation", args=[organisation.pk])).content.decode()
    assert "nora@example.org" in page and "Retirer le rôle de gestionnaire" in page

    response = client.post(reverse("organisations_manager_withdraw", args=[place.pk]))
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.role == OrganisationRole.MEMBER


def test_an_unknown_address_is_refused_on_its_field(admin, organisation):
    response = verified_client(admin).post(
        reverse("organisations_manager_grant", args=[organisation.pk]), {"email": "personne@nulle-part.fr"}
    )
    assert response.status_code == 400
    assert "Adresse électronique : aucun compte actif n&#x27;a cette adresse." in response.content.decode()


def test_a_taken_name_is_refused(admin, organisation):
    response = verified_client(admin).post(reverse("organisations_new"), {"name": organisation.name, "kind": "urps"})
    assert response.status_code == 400
    assert "Nom : une organisation porte déjà ce nom." in response.content.decode()


def test_nobody_but_the_admin_creates_or_grants(organisation, manager, stranger):
    place = OrganisationPerson.objects.get(user=manager)
    for user in (manager, stranger):
        client = verified_client(user)
        assert client.get(reverse("organisations_new")).status_code == 404
        assert client.post(reverse("organisations_new"), {"name": "X", "kind": "urps"}).status_code == 404
        grant = reverse("organisations_manager_grant", args=[organisation.pk])
        assert client.post(grant, {"email": stranger.email}).status_code == 404
        assert client.post(reverse("organisations_manager_withdraw", args=[place.pk])).status_code == 404
    place.refresh_from_db()
    assert place.role == OrganisationRole.MANAGER
    assert not Organisation.objects.filter(name="X").exists()


def test_people_are_shown_to_managers_and_the_admin_only(organisation, manager, admin, stranger):
    url = reverse("organisations_organisation", args=[organisation.pk])
    assert manager.email in verified_client(manager).get(url).content.decode()
    assert manager.email in verified_client(admin).get(url).content.decode()
    page = verified_client(stranger).get(url)
    assert page.status_code == 200 and manager.email not in page.content.decode()


def test_the_manager_home_names_the_organisation_and_its_waiting_signups(organisation, manager, group):
    from maillon.discussions.factories import SignupRequestFactory

    SignupRequestFactory.create_batch(2, space=group)
    client = verified_client(manager)
    response = client.get(reverse("my_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations_organisation", args=[organisation.pk])
    page = client.get(response["Location"]).content.decode()
    assert "2 demandes d'inscription en attente" in page
    assert reverse("discussions_signups", args=[group.pk]) in page


def test_a_manager_with_a_cpts_role_chooses_the_organisation_among_their_homes(cpts, organisation, manager):
    from maillon.core.factories import CptsRoleFactory

    CptsRoleFactory(cpts=cpts, user=manager)
    page = verified_client(manager).get(reverse("my_home")).content.decode()
    assert f"Organisation : {organisation.name}" in page
    assert reverse("organisations_organisation", args=[organisation.pk]) in page
