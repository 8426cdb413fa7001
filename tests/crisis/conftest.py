import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from maillon.contracts import services as contract_services
from maillon.core.factories import UserFactory
from maillon.crisis import services
from maillon.crisis.factories import complete_content
from maillon.members.factories import MembershipFactory
from maillon.territories.factories import DepartementFactory, TerritoryRoleFactory
from maillon.territories.models import Commune


def territorial_user(role="authority", departement=None):
    """An authority (or observer) of the département of Versailles (the `cpts` fixture's commune)."""
    user = UserFactory(with_totp=True)
    TerritoryRoleFactory(user=user, role=role, departement=departement or Commune.objects.get(pk="78646").departement)
    return user


@pytest.fixture
def authority(cpts):
    return territorial_user("authority")


@pytest.fixture
def foreign_authority(cpts):
    return territorial_user("authority", DepartementFactory(code="75", name="Paris"))


def fill(version, by):
    """Every field of the template, and one mobilisable member."""
    for key, values in complete_content().items():
        services.save_section(version, key, values, by=by)
    if not version.professionals.exists():
        membership = MembershipFactory(cpts=version.cpts, professional__skills="Vaccination, AFGSU")
        services.add_professional(
            version, professional=membership.professional, role="Vaccinateur", typologies=[2, 3], by=by
        )
    return version


def complete_draft(cpts, by, year=None):
    return fill(services.start_version(cpts, by=by, year=year), by)


def validated_version(cpts, coordinator, authority, year=None):
    version = complete_draft(cpts, coordinator, year)
    services.submit_version(version, by=coordinator)
    services.validate_version(version, by=authority)
    return version


def signed_contract(cpts, by, *, years_ago=0, months_ago=1, missions=(1, 2, 3, 4)):
    """An ACI signed `years_ago` years and `months_ago` months ago, its missions started that day."""
    signed_on = timezone.localdate() - relativedelta(years=years_ago, months=months_ago)
    contract = contract_services.create_contract(
        cpts=cpts, signed_on=signed_on, taille=2, missions=list(missions), by=by
    )
    for commitment in contract.missions.all():
        contract_services.record_mission_dates(commitment, started_on=signed_on, deployed_on=None)
    return contract
