"""The ARS and CPAM officers known through their territorial roles (authority, observer) join the
organisation their role names, created over the role's région when new; a manager stays one;
enrolling again changes nothing. A role given later enrols its officer once committed."""

import importlib

import pytest
from django.apps import apps

from maillon.organisations import services
from maillon.organisations.factories import OrganisationFactory, OrganisationPersonFactory
from maillon.organisations.models import Organisation, OrganisationKind, OrganisationPerson, OrganisationRole
from maillon.territories.factories import DepartementFactory, RegionFactory, TerritoryRoleFactory
from maillon.territories.models import TerritoryRole, TerritoryRoleKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ARS Île-de-France", OrganisationKind.ARS),
        ("ars Bretagne", OrganisationKind.ARS),
        ("CPAM des Yvelines", OrganisationKind.ASSURANCE_MALADIE),
        ("DCGDR Île-de-France", OrganisationKind.ASSURANCE_MALADIE),
        ("Assurance Maladie des Hauts-de-Seine", OrganisationKind.ASSURANCE_MALADIE),
        ("URPS Médecins libéraux", OrganisationKind.URPS),
        ("Fédération des CPTS", OrganisationKind.FEDERATION),
        ("FEDERATION régionale", OrganisationKind.FEDERATION),
        ("ARS", OrganisationKind.ARS),
        ("Arsenal de santé", OrganisationKind.OTHER),
        ("SAMU 78", OrganisationKind.OTHER),
    ],
)
def test_the_kind_is_read_from_the_name(name, kind):
    assert services.kind_of(name) == kind


def yvelines():
    return DepartementFactory(code="78", name="Yvelines", region=RegionFactory(code="11", name="Île-de-France"))


def test_officers_join_their_organisation_created_over_the_role_s_region():
    departement = yvelines()
    brittany = RegionFactory(code="53", name="Bretagne")
    authority = TerritoryRoleFactory(
        role=TerritoryRoleKind.AUTHORITY, organisation="ARS Île-de-France", departement=departement
    )
    observer = TerritoryRoleFactory(
        role=TerritoryRoleKind.OBSERVER, organisation=" CPAM des Yvelines ", departement=departement
    )
    regional = TerritoryRoleFactory(
        role=TerritoryRoleKind.OBSERVER, organisation="ARS Bretagne", departement=None, region=brittany
    )
    TerritoryRoleFactory(role=TerritoryRoleKind.SAS_REGULATOR, organisation="SAMU 78", departement=departement)
    TerritoryRoleFactory(role=TerritoryRoleKind.OBSERVER, organisation="", departement=departement)

    assert services.enrol_officers() == 3

    assert set(Organisation.objects.values_list("name", "kind", "region")) == {
        ("ARS Île-de-France", OrganisationKind.ARS, "11"),
        ("CPAM des Yvelines", OrganisationKind.ASSURANCE_MALADIE, "11"),
        ("ARS Bretagne", OrganisationKind.ARS, "53"),
    }
    assert set(OrganisationPerson.objects.values_list("organisation__name", "user", "role")) == {
        ("ARS Île-de-France", authority.user_id, OrganisationRole.MEMBER),
        ("CPAM des Yvelines", observer.user_id, OrganisationRole.MEMBER),
        ("ARS Bretagne", regional.user_id, OrganisationRole.MEMBER),
    }


def test_enrolling_again_changes_nothing_and_never_lowers_a_manager():
    departement = yvelines()
    ars = OrganisationFactory(name="ARS Île-de-France", kind=OrganisationKind.ARS)
    manager = OrganisationPersonFactory(organisation=ars, manager=True)
    TerritoryRoleFactory(
        user=manager.user, role=TerritoryRoleKind.AUTHORITY, organisation="ars Île-de-France", departement=departement
    )
    TerritoryRoleFactory(role=TerritoryRoleKind.OBSERVER, organisation="ARS Île-de-France", departement=departement)

    assert services.enrol_officers() == 1
    assert services.enrol_officers() == 0

    assert Organisation.objects.count() == 1
    assert ars.people.count() == 2
    manager.refresh_from_db()
    assert manager.role == OrganisationRole.MANAGER


def test_a_role_given_later_enrols_its_officer_once_committed(django_capture_on_commit_callbacks):
    departement = yvelines()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        role = TerritoryRoleFactory(
            role=TerritoryRoleKind.AUTHORITY, organisation="CPAM des Yvelines", departement=departement
        )
        assert not OrganisationPerson.objects.exists()  # not before the commit
    assert len(callbacks) == 1
    place = OrganisationPerson.objects.get()
    assert (place.user_id, place.organisation.name, place.role) == (
        role.user_id,
        "CPAM des Yvelines",
        OrganisationRole.MEMBER,
    )
    # Saved again: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        role.save()
    assert OrganisationPerson.objects.count() == 1


def test_a_sas_regulator_s_role_enrols_nobody(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        TerritoryRoleFactory(role=TerritoryRoleKind.SAS_REGULATOR, organisation="SAMU 78", departement=yvelines())
    assert not Organisation.objects.exists()


def test_the_data_migration_enrols_the_officers_already_known():
    departement = yvelines()
    authority = TerritoryRoleFactory(
        role=TerritoryRoleKind.AUTHORITY, organisation="ARS Île-de-France", departement=departement
    )
    TerritoryRoleFactory(role=TerritoryRoleKind.SAS_REGULATOR, organisation="SAMU 78", departement=departement)
    migration = importlib.import_module("maillon.organisations.migrations.0002_officers_join_their_organisation")

    migration.enrol(apps, None)
    migration.enrol(apps, None)  # run twice: the same

    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.kind, organisation.region_id) == (
        "ARS Île-de-France",
        OrganisationKind.ARS,
        "11",
    )
    assert list(organisation.people.values_list("user", "role")) == [(authority.user_id, OrganisationRole.MEMBER)]
    assert TerritoryRole.objects.count() == 2
