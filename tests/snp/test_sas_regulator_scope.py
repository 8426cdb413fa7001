"""Only a SAS regulator of a département where the CPTS has communes today sees its SAS requests."""

import datetime

import pytest
from django.urls import reverse

from maillon.core.factories import UserFactory
from maillon.snp.models import RequesterKind
from maillon.territories.factories import (
    CommuneFactory,
    DepartementFactory,
    RegionFactory,
    TerritoryCommuneFactory,
    TerritoryRoleFactory,
)
from tests.conftest import verified_client

from .requests_support import new_request, origin_commune


def regulator(**scope):
    user = UserFactory(with_totp=True)
    TerritoryRoleFactory(user=user, role="sas_regulator", **scope)
    return user


def assert_not_found(cpts, user, care_request):
    client = verified_client(user)
    assert client.get(reverse("snp_requests", args=[cpts.slug])).status_code == 404
    assert client.get(reverse("snp_request_detail", args=[cpts.slug, care_request.pk])).status_code == 404


@pytest.mark.django_db
def test_a_region_level_regulator_gets_404(cpts):
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune(), kind=RequesterKind.SAS)
    assert_not_found(cpts, regulator(departement=None, region=RegionFactory(code="11")), care_request)


@pytest.mark.django_db
def test_a_regulator_of_a_departement_the_territory_left_gets_404(cpts):
    essonne = DepartementFactory(code="91", name="Essonne")
    former = CommuneFactory(code="91001", departement=essonne)
    TerritoryCommuneFactory(
        cpts=cpts, commune=former, valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2024, 1, 1)
    )
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune(), kind=RequesterKind.SAS)
    assert_not_found(cpts, regulator(departement=essonne), care_request)


@pytest.mark.django_db
def test_the_regulator_of_the_current_departement_sees_the_sas_request(cpts):
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune(), kind=RequesterKind.SAS)
    client = verified_client(regulator(departement=DepartementFactory(code="78")))
    assert client.get(reverse("snp_request_detail", args=[cpts.slug, care_request.pk])).status_code == 200
