import pytest

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.discussions import services
from maillon.discussions.models import DiscussionSpace, SpaceKind
from tests.conftest import verified_client


@pytest.fixture
def space(cpts):
    """The CPTS's space of all its members."""
    services.ensure_cpts_spaces(cpts)
    return DiscussionSpace.objects.get(cpts=cpts, kind=SpaceKind.MEMBERS)


@pytest.fixture
def topic(space, coordinator):
    """A topic opened by the coordinator, with its first message."""
    return services.start_topic(space, title="Garde du week-end", body="Qui prend samedi ?", by=coordinator).topic


@pytest.fixture
def member_client(member):
    return verified_client(member)


@pytest.fixture
def coordinator_client(coordinator):
    return verified_client(coordinator)


@pytest.fixture
def stranger(other_cpts):
    """A member of another CPTS."""
    return CptsRoleFactory(cpts=other_cpts, user=UserFactory(with_totp=True)).user
