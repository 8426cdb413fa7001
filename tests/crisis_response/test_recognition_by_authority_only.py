"""Recognising a serious crisis publishes a funding fact: the model itself checks that the
one recognising is an authority over the CPTS's territory, whoever calls it."""

import pytest
from django.core.exceptions import PermissionDenied

from maillon.core.factories import UserFactory
from maillon.crisis_response import services
from maillon.crisis_response.factories import CrisisFactory
from maillon.crisis_response.models import Crisis, DeclaredAs, Typology
from maillon.territories.factories import TerritoryRoleFactory
from maillon.territories.models import TerritoryCommune

pytestmark = pytest.mark.django_db


def test_a_coordinator_cannot_recognise_a_crisis(cpts, coordinator):
    crisis = CrisisFactory(cpts=cpts)
    with pytest.raises(PermissionDenied):
        crisis.recognise(by=coordinator)
    crisis.refresh_from_db()
    assert crisis.recognised_at is None


def test_an_observer_of_the_territory_cannot_recognise_a_crisis(cpts):
    observer = UserFactory()
    departement = TerritoryCommune.objects.filter(cpts=cpts).first().commune.departement
    TerritoryRoleFactory(user=observer, role="observer", departement=departement)
    with pytest.raises(PermissionDenied):
        CrisisFactory(cpts=cpts).recognise(by=observer)


def test_a_declaration_marked_recognised_by_a_non_authority_is_refused_whole(cpts, coordinator):
    with pytest.raises(PermissionDenied):
        services.activate(
            cpts, typology=Typology.NRC, zone="Port", by=coordinator, declared_as=DeclaredAs.AUTHORITY, recognised=True
        )
    assert not Crisis.objects.exists()


def test_the_authority_of_the_territory_recognises(cpts, authority):
    crisis = CrisisFactory(cpts=cpts)
    crisis.recognise(by=authority)
    assert crisis.recognised_by == authority
