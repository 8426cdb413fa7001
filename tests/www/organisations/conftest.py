import pytest

from maillon.core.factories import UserFactory
from maillon.discussions import services
from maillon.discussions.models import ParticipantRole
from maillon.organisations.factories import OrganisationFactory, OrganisationPersonFactory

from ...conftest import verified_client

__all__ = ["verified_client"]


def person(first_name, last_name, **kwargs):
    return UserFactory(with_totp=True, first_name=first_name, last_name=last_name, **kwargs)


@pytest.fixture
def admin(db):
    return person("Alix", "Admin", is_superuser=True, is_staff=True)


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="URPS Sages-femmes Île-de-France")


@pytest.fixture
def manager(organisation):
    user = person("Maud", "Gestion")
    OrganisationPersonFactory(organisation=organisation, user=user, manager=True)
    return user


@pytest.fixture
def group(organisation, manager):
    """A regional group created by the manager (its first pilot), with two questions."""
    return services.create_regional_group(
        organisation,
        name="Sages-femmes libérales et CPTS",
        description="Les questions du quotidien.",
        questions=[("Depuis combien de temps exercez-vous en libéral ?", True), ("Vos attentes ?", False)],
        by=manager,
    )


@pytest.fixture
def pilot(group):
    user = person("Paule", "Pilote")
    services.join(group, user, role=ParticipantRole.PILOT)
    return user


@pytest.fixture
def moderator(group):
    user = person("Marc", "Modo")
    services.join(group, user, role=ParticipantRole.MODERATOR)
    return user


@pytest.fixture
def participant(group):
    user = person("Inès", "Martin")
    services.join(group, user)
    return user


@pytest.fixture
def stranger(db):
    return person("Sam", "Ailleurs")
